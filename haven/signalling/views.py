"""Views of this app: parse input, call one query or service, render. No rules here."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.access.policy import has_permission
from haven.infrastructure.forms import apply_errors
from haven.meldcode import queries as route_queries
from haven.pupils.dates import NEEDS_CONFIRMATION
from haven.signalling import forms, queries, services


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


# Handle with Care ----------------------------------------------------------------------------------


@requires("police_notice.record")
def police_notice(request: ActorRequest) -> HttpResponse:
    """Record a police notice in seconds: find the pupil, confirm the date, save."""
    actor = request.actor
    pupils = route_queries.school_pupils(actor)
    pupil = None
    if request.method == "POST":
        form = forms.PoliceNoticeForm(request.POST, pupils=pupils)
        valid = form.is_valid()
        pupil = form.cleaned_data.get("pupil")
        if valid:
            try:
                notice = services.record_police_notice(actor, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return _police_notice_saved(request, notice)
    else:
        pupil_id = request.GET.get("leerling", "")
        pupil = pupils.filter(pk=pupil_id).first() if pupil_id.isdigit() else None
        if pupil is None:
            query = request.GET.get("q", "")
            context = {"query": query, "results": route_queries.search_pupils(actor, query)}
            if request.headers.get("HX-Request"):
                return render(request, "signalling/_pupil_results.html", context)
            context["notices"] = queries.recent_police_notices(actor)
            return render(request, "signalling/police_notice_search.html", context)
        form = forms.PoliceNoticeForm(initial={"pupil": pupil.pk}, pupils=pupils)
    return render(request, "signalling/police_notice_form.html", {"form": form, "pupil": pupil})


def _police_notice_saved(request: HttpRequest, notice: services.PoliceNotice) -> HttpResponse:
    teachers = [str(task.teacher) for task in notice.support_tasks]
    if teachers:
        messages.success(
            request,
            ngettext(
                "The police notice has been logged. %(names)s gets a task to offer support today.",
                "The police notice has been logged. %(names)s get a task to offer support today.",
                len(teachers),
            )
            % {"names": ", ".join(teachers)},
        )
    else:
        messages.warning(
            request,
            _(
                "The police notice has been logged, but this pupil has no teacher in this school year. "
                "Tell whoever teaches the pupil today yourself."
            ),
        )
    return redirect("meldcode:signal_detail", pk=notice.signal.pk)


@requires("support_task.complete")
def support_task(request: ActorRequest, pk: int) -> HttpResponse:
    task = queries.get_support_task(request.actor, pk)
    return render(request, "signalling/support_task.html", {"task": task})


@require_POST
@requires("support_task.complete")
def support_task_done(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    task = queries.get_support_task(actor, pk, audit=False)
    try:
        services.complete_support_task(actor, task)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Thank you. The task has been marked as done."))
    return redirect("signalling:support_task", pk=task.pk)


# The dossier: verwijsindex and planned conversations ------------------------------------------------


@require_POST
@requires("referral_index.record")
def referral_index(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = route_queries.get_case(actor, pk, audit=False)
    form = forms.ReferralIndexForm(request.POST)
    if form.is_valid():
        try:
            services.record_referral_index(actor, case, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict") and any(
                e.code == NEEDS_CONFIRMATION for errors in error.error_dict.values() for e in errors
            ):
                # The dossier page cannot hold a bound side form: ask for the confirmation on a page of its own.
                apply_errors(form, error)
                return render(request, "signalling/referral_index_confirm.html", {"form": form, "case": case})
            _error_messages(request, error)
        else:
            messages.success(request, _("The verwijsindex entry has been recorded."))
    else:
        _form_errors(request, form)
    return redirect(reverse("meldcode:case_detail", args=[case.pk]) + "#verwijsindex")


# The verwijsindex without a dossier --------------------------------------------------------------------


@requires("referral_index.record")
def referral_index_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    context = {
        "page": queries.referral_index_without_case_page(actor, request.GET.get("page")),
        "may_record_advice": has_permission(actor, "advice_request.record"),
    }
    return render(request, "signalling/referral_index_list.html", context)


@requires("referral_index.record")
def referral_index_create(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    pupils = route_queries.school_pupils(actor).in_name_order()
    form = forms.ReferralIndexWithoutCaseForm(request.POST or None, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_referral_index_without_case(actor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The verwijsindex entry has been recorded."))
            return redirect("signalling:referral_index_list")
    return render(request, "signalling/referral_index_form.html", {"form": form})


@requires("conversation.plan")
def conversation_plan(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = route_queries.get_case(actor, pk)
    form = forms.PlanConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_conversation(actor, case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The conversation has been planned. It is in the tasks of the dossier's members.")
            )
            return redirect(reverse("meldcode:case_detail", args=[case.pk]) + "#planned-conversations")
    context = {
        "form": form,
        "case": case,
        "title": _("Plan the conversation with the parents"),
        "guidance": "conversation",
        "intro": _(
            "Prepare the conversation together: who leads it, what you will share, and how you listen, "
            "summarise and ask further. Meet face to face, at a safe place."
        ),
    }
    return render(request, "meldcode/step_form.html", context)


@require_POST
@requires("conversation.plan")
def conversation_plan_cancel(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    plan = queries.get_planned_conversation(actor, pk)
    try:
        services.cancel_planned_conversation(actor, plan)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The planned conversation has been cancelled."))
    return redirect(reverse("meldcode:case_detail", args=[plan.case_id]) + "#planned-conversations")


# Siblings (the functional administrator's pupil page) ---------------------------------------------------


@require_POST
@requires("school.manage")
def siblings(request: ActorRequest, pk: int) -> HttpResponse:
    """Link a brother or sister (`sibling`), or remove a link (`remove`); back to the pupil page."""
    actor = request.actor
    pupil = get_object_or_404(route_queries.school_pupils(actor), pk=pk)
    remove = request.POST.get("remove", "")
    try:
        if remove:
            link = queries.get_sibling_link(actor, pupil, int(remove) if remove.isdigit() else 0)
            services.unlink_siblings(actor, link, pupil)
            messages.success(request, _("The link has been removed."))
        else:
            form = forms.SiblingForm(request.POST, pupils=queries.sibling_candidates(actor, pupil))
            if not form.is_valid():
                _form_errors(request, form)
            else:
                sibling = form.cleaned_data["sibling"]
                services.link_siblings(actor, pupil, sibling)
                messages.success(
                    request, _("%(name)s has been linked as brother or sister.") % {"name": sibling.full_name}
                )
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(reverse("organisations:pupil_edit", args=[pupil.pk]) + "#siblings")
