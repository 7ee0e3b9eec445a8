"""Views of this app: parse input, call one query or service, render. No rules here."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.access.policy import has_permission
from haven.external_signals import forms, queries, services
from haven.infrastructure.forms import apply_errors
from haven.meldcode import queries as route_queries
from haven.pupils.dates import NEEDS_CONFIRMATION


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
                return render(request, "external_signals/_pupil_results.html", context)
            context["notices"] = queries.recent_police_notices(actor)
            return render(request, "external_signals/police_notice_search.html", context)
        form = forms.PoliceNoticeForm(initial={"pupil": pupil.pk}, pupils=pupils)
    return render(request, "external_signals/police_notice_form.html", {"form": form, "pupil": pupil})


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
    return render(request, "external_signals/support_task.html", {"task": task})


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
    return redirect("external_signals:support_task", pk=task.pk)


@requires("police_notice.record")
def intake_list(request: ActorRequest) -> HttpResponse:
    """Police notices sent through the API that wait to be matched to a pupil by hand."""
    return render(request, "external_signals/intake_list.html", {"intakes": queries.waiting_intake_list(request.actor)})


@requires("police_notice.record")
def intake_match(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    intake = queries.get_waiting_intake(actor, pk)
    pupils = route_queries.school_pupils(actor).in_name_order()
    form = forms.MatchPoliceNoticeForm(request.POST or None, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.match_police_notice(actor, intake, form.cleaned_data["pupil"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _police_notice_saved(request, notice)
    born = intake.date_of_birth
    context = {
        "form": form,
        "intake": intake,
        "born_on": date.fromisoformat(born) if born else None,
        "candidates": pupils.filter(date_of_birth=born) if born else pupils.none(),
    }
    return render(request, "external_signals/intake_match.html", context)


@require_POST
@requires("police_notice.record")
def intake_dismiss(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    intake = queries.get_waiting_intake(actor, pk)
    try:
        services.dismiss_police_notice(actor, intake)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The police notice has been set aside: it is about no pupil of your school."))
    return redirect("external_signals:intake_list")


# The dossier's verwijsindex ---------------------------------------------------------------------------


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
                return render(request, "external_signals/referral_index_confirm.html", {"form": form, "case": case})
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
    return render(request, "external_signals/referral_index_list.html", context)


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
            return redirect("external_signals:referral_index_list")
    return render(request, "external_signals/referral_index_form.html", {"form": form})
