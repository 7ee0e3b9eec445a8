"""The functional administrator's pages (pupils, groups, staff) and the protocol settings.

Every read is scoped to the actor's own school: an object of another school is a 404, so these
pages do not even confirm that it exists. Every write is one service call; the service checks the
permission again and records the audit event. The functional administrator manages people, never
case content, so nothing here reads signals or dossiers.
"""

import smtplib
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.accounts import invitations, role_requests
from haven.accounts import services as account_services
from haven.accounts.models import AccountLink, Membership, RoleRequest, User
from haven.infrastructure import concurrency
from haven.infrastructure.forms import apply_errors
from haven.meldcode import services as route_services
from haven.organisations import services as organisation_services
from haven.organisations.forms import (
    GroupForm,
    HouseholdMemberForm,
    ProtocolForm,
    PupilForm,
    StaffCreateForm,
    StaffUpdateForm,
)
from haven.organisations.models import Group, School
from haven.pupils import services as pupil_services
from haven.pupils.models import GroupPlacement, HouseholdMember, Pupil, PupilQuerySet

# A mail server that refuses or cannot be reached: the account change rolls back with the mail.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
PUPILS_PER_PAGE = 50
# Groups pile up school year after school year, and a large school has many staff: pages stay bounded.
GROUPS_PER_PAGE = 50
STAFF_PER_PAGE = 50


# --- Pupils -----------------------------------------------------------------


def _school_pupils(request: ActorRequest) -> PupilQuerySet:
    latest_first = GroupPlacement.objects.select_related("group").order_by("-school_year")
    return Pupil.objects.filter(school_id=request.actor.member_school_id).prefetch_related(
        Prefetch("placements", queryset=latest_first, to_attr="placements_latest_first")
    )


def _current_group(pupil: Pupil) -> Group | None:
    # Set by _school_pupils' Prefetch(to_attr=...), which no type describes.
    placements = pupil.placements_latest_first  # type: ignore[attr-defined]
    return placements[0].group if placements else None


@requires("school.manage")
def pupil_list(request: ActorRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    pupils = _school_pupils(request).in_name_order()
    for word in query.split():
        pupils = pupils.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    page = Paginator(pupils, PUPILS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(pupil, _current_group(pupil)) for pupil in page.object_list]
    return render(request, "organisations/pupil_list.html", {"page": page, "rows": rows, "query": query})


@requires("school.manage")
def pupil_create(request: ActorRequest) -> HttpResponse:
    school_id = request.actor.member_school_id
    form = PupilForm(request.POST if request.method == "POST" else None, school_id=school_id)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = pupil_services.save_pupil_with_group(request.actor, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": pupil.full_name})
            return redirect("organisations:pupil_edit", pk=pupil.pk)
    return render(request, "organisations/pupil_form.html", {"form": form})


def _pupil_form(pupil: Pupil) -> PupilForm:
    """The pupil's edit form as the pupil is now, carrying its version (optimistic locking)."""
    group = _current_group(pupil)
    initial: dict[str, Any] = {
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "date_of_birth": pupil.date_of_birth,
        "address": pupil.address,
        "group": group.pk if group else None,
    }
    form = PupilForm(initial=initial, school_id=pupil.school_id)
    concurrency.track(form, pupil.version)
    return form


def _pupil_page(
    request: HttpRequest, pupil: Pupil, form: PupilForm | None = None, household_form: HouseholdMemberForm | None = None
) -> HttpResponse:
    if form is None:
        form = _pupil_form(pupil)
    context = {
        "pupil": pupil,
        "form": form,
        "household": list(pupil.household.all()),
        "household_form": household_form or HouseholdMemberForm(),
    }
    return render(request, "organisations/pupil_form.html", context)


@requires("school.manage")
def pupil_edit(request: ActorRequest, pk: int) -> HttpResponse:
    pupil = get_object_or_404(_school_pupils(request), pk=pk)
    if request.method != "POST":
        return _pupil_page(request, pupil)
    form = concurrency.track(PupilForm(request.POST, school_id=pupil.school_id), pupil.version)
    if form.is_valid():
        try:
            pupil_services.save_pupil_with_group(request.actor, pupil=pupil, **concurrency.submitted(form))
        except concurrency.EditConflict as conflict:
            pupil.refresh_from_db()
            concurrency.explain(form, _pupil_form(pupil), conflict)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The details of %(name)s have been saved.") % {"name": pupil.full_name})
            return redirect("organisations:pupil_edit", pk=pupil.pk)
    pupil.refresh_from_db()
    return _pupil_page(request, pupil, form=form)


@requires("school.manage")
@require_POST
def household_add(request: ActorRequest, pk: int) -> HttpResponse:
    pupil = get_object_or_404(_school_pupils(request), pk=pk)
    form = HouseholdMemberForm(request.POST)
    if form.is_valid():
        try:
            pupil_services.add_household_member(request.actor, pupil, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The household member has been added."))
            return redirect("organisations:pupil_edit", pk=pupil.pk)
    return _pupil_page(request, pupil, household_form=form)


@requires("school.manage")
@require_POST
def household_remove(request: ActorRequest, pk: int, member_pk: int) -> HttpResponse:
    member = get_object_or_404(
        HouseholdMember.objects.select_related("pupil"),
        pk=member_pk,
        pupil_id=pk,
        pupil__school_id=request.actor.school_id,
    )
    pupil_services.remove_household_member(request.actor, member)
    messages.success(request, _("%(name)s has been removed from the household.") % {"name": member.name})
    return redirect("organisations:pupil_edit", pk=pk)


# --- Groups -----------------------------------------------------------------


def _school_groups(request: ActorRequest) -> QuerySet[Group]:
    return Group.objects.filter(school_id=request.actor.member_school_id)


@requires("school.manage")
def group_list(request: ActorRequest) -> HttpResponse:
    groups = (
        _school_groups(request)
        .annotate(pupil_count=Count("placements", distinct=True))
        .prefetch_related("teachers")
        .order_by("-school_year", "name", "pk")
    )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisations/group_list.html", {"page": page, "groups": page.object_list})


def _unbound_group_form(group: Group | None, school_id: int) -> GroupForm:
    initial = {}
    if group is not None:
        initial = {"name": group.name, "school_year": group.school_year, "teachers": list(group.teachers.all())}
    form = GroupForm(initial=initial, school_id=school_id)
    if group is not None:
        concurrency.track(form, group.version)
    return form


def _group_form(request: ActorRequest, group: Group | None) -> HttpResponse:
    school_id = request.actor.member_school_id
    if request.method != "POST":
        form = _unbound_group_form(group, school_id)
    else:
        form = GroupForm(request.POST, school_id=school_id)
        if group is not None:
            concurrency.track(form, group.version)
        if form.is_valid():
            try:
                group = organisation_services.save_group(request.actor, group=group, **concurrency.submitted(form))
            except concurrency.EditConflict as conflict:
                assert group is not None  # only an existing group can have changed meanwhile
                group.refresh_from_db()
                concurrency.explain(form, _unbound_group_form(group, school_id), conflict)
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("Group %(group)s has been saved.") % {"group": group})
                return redirect("organisations:group_list")
    return render(request, "organisations/group_form.html", {"form": form, "group": group})


@requires("school.manage")
def group_create(request: ActorRequest) -> HttpResponse:
    return _group_form(request, None)


@requires("school.manage")
def group_edit(request: ActorRequest, pk: int) -> HttpResponse:
    return _group_form(request, get_object_or_404(_school_groups(request), pk=pk))


# --- Staff ------------------------------------------------------------------


def _school_staff(request: ActorRequest) -> QuerySet[User]:
    """The school's accounts: members, and new accounts whose only tie is a role waiting for approval."""
    school_id = request.actor.member_school_id
    waiting = Q(role_requests__school_id=school_id, role_requests__status=RoleRequest.Status.PENDING)
    return User.objects.filter(Q(memberships__school_id=school_id) | waiting).distinct()


def _pending_requests(school_id: int) -> QuerySet[RoleRequest]:
    return (
        RoleRequest.objects.filter(school_id=school_id, status=RoleRequest.Status.PENDING)
        .select_related("user")
        .order_by("requested_at", "pk")
    )


@requires("school.manage")
def staff_list(request: ActorRequest) -> HttpResponse:
    school_id = request.actor.member_school_id
    memberships = (
        Membership.objects.filter(school_id=school_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )
    page = Paginator(memberships, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "memberships": page.object_list, "pending": list(_pending_requests(school_id))}
    return render(request, "organisations/staff_list.html", context)


def _saved_message(request: HttpRequest, user: User, waiting: bool) -> None:
    if waiting:
        messages.info(
            request,
            _(
                "The account of %(name)s has been saved. Part of the change (a role that reads dossiers, switching "
                "the account on, or a new e-mail address) waits for approval by the safeguarding lead (AF) or the "
                "school leader."
            )
            % {"name": user},
        )
    else:
        messages.success(request, _("The account of %(name)s has been saved.") % {"name": user})


@requires("school.manage")
def staff_create(request: ActorRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_services.create_staff_account(request.actor, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        except MAIL_ERRORS:
            form.add_error(None, _("The invitation could not be sent. Nothing was saved; try again later."))
        else:
            if role_requests.pending(user, request.actor.member_school_id):
                messages.info(
                    request,
                    _(
                        "The account of %(name)s has been created. Its role reads dossiers, so it waits for "
                        "approval by the safeguarding lead (AF) or the school leader; once approved, Haven sends "
                        "the invitation to %(email)s."
                    )
                    % {"name": user, "email": user.email},
                )
            else:
                messages.success(
                    request,
                    _("The account of %(name)s has been created. An invitation has been sent to %(email)s.")
                    % {"name": user, "email": user.email},
                )
            return redirect("organisations:staff_list")
    return render(request, "organisations/staff_create.html", {"form": form})


def _staff_form(user: User, membership: Membership | None, waiting: RoleRequest | None) -> StaffUpdateForm:
    """The staff member's edit form as the account is now, carrying its version (optimistic locking)."""
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "role": membership.role if membership else (waiting.role if waiting else None),
        "is_active": user.is_active,
    }
    form = StaffUpdateForm(initial=initial)
    concurrency.track(form, user.version)
    return form


def _staff_page(request: ActorRequest, user: User, form: StaffUpdateForm | None = None) -> HttpResponse:
    school_id = request.actor.member_school_id
    membership = user.memberships.filter(school_id=school_id).first()
    waiting = role_requests.pending(user, school_id)
    if form is None:
        form = _staff_form(user, membership, waiting)
    context = {"staff_user": user, "membership": membership, "waiting": waiting, "form": form}
    return render(request, "organisations/staff_edit.html", context)


@requires("school.manage")
def staff_edit(request: ActorRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(_school_staff(request), pk=pk)
    if request.method != "POST":
        return _staff_page(request, user)
    form = concurrency.track(StaffUpdateForm(request.POST), user.version)
    if form.is_valid():
        try:
            account_services.update_staff_account(request.actor, user, **concurrency.submitted(form))
        except concurrency.EditConflict as conflict:
            user.refresh_from_db()
            school_id = request.actor.member_school_id
            membership = user.memberships.filter(school_id=school_id).first()
            concurrency.explain(form, _staff_form(user, membership, role_requests.pending(user, school_id)), conflict)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            waiting = role_requests.pending(user, request.actor.member_school_id)
            _saved_message(request, user, waiting=waiting is not None)
            return redirect("organisations:staff_edit", pk=user.pk)
    user.refresh_from_db()
    return _staff_page(request, user, form=form)


@requires("school.manage")
@require_POST
def staff_send_link(request: ActorRequest, pk: int) -> HttpResponse:
    """Send the staff member a link to set their own password; the administrator never learns it."""
    user = get_object_or_404(_school_staff(request), pk=pk)
    try:
        purpose = invitations.send_link_by_admin(request.actor, user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    except MAIL_ERRORS:
        messages.error(request, _("The e-mail could not be sent. Try again later."))
    else:
        if purpose == AccountLink.Purpose.INVITATION:
            text = _("A new invitation has been sent to %(email)s.")
        else:
            text = _("A link to set a new password has been sent to %(email)s.")
        messages.success(request, text % {"email": user.email})
    return redirect("organisations:staff_edit", pk=user.pk)


# --- Protocol ---------------------------------------------------------------


def _protocol_form(data: Any, school: School) -> ProtocolForm:
    initial = {
        "decision_roles": school.decision_roles,
        "report_roles": school.report_roles,
        "retention_years": school.retention_years,
        "repeat_threshold": school.repeat_threshold,
        "repeat_years": school.repeat_years,
        "inactivity_weeks": school.inactivity_weeks,
        "street_address": school.street_address,
        "postal_code": school.postal_code,
        "city": school.city,
    }
    form = ProtocolForm(data, initial=initial)
    concurrency.track(form, school.version)
    return form


@requires("protocol.manage")
def protocol(request: ActorRequest) -> HttpResponse:
    school = get_object_or_404(School, pk=request.actor.school_id)
    form = _protocol_form(request.POST if request.method == "POST" else None, school)
    if request.method == "POST" and form.is_valid():
        data = concurrency.submitted(form)
        repeat_rule = {name: data.pop(name) for name in ("repeat_threshold", "repeat_years")}
        address = {name: data.pop(name) for name in ("street_address", "postal_code", "city")}
        try:
            with transaction.atomic():
                organisation_services.set_protocol(request.actor, school, **data)
                route_services.set_repeat_rule(request.actor, school, **repeat_rule)
                if "street_address" in request.POST:  # a form without the address keeps it
                    organisation_services.set_school_address(request.actor, school, **address)
        except concurrency.EditConflict as conflict:
            school.refresh_from_db()
            concurrency.explain(form, _protocol_form(None, school), conflict)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The protocol of %(school)s has been saved.") % {"school": school})
            return redirect("organisations:protocol")
    return render(request, "organisations/protocol.html", {"form": form, "school": school})
