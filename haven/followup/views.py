"""Views of the follow-up: parse input, call one query or service, render. No rules here."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.access.policy import has_permission
from haven.followup import forms, queries, services
from haven.infrastructure import concurrency
from haven.infrastructure.forms import apply_errors
from haven.meldcode import queries as route_queries
from haven.meldcode.models import Case


def _form_page(
    request: HttpRequest,
    case: Case,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    success: str,
    guidance: str,
    then: Callable[[Any], HttpResponse],
    extra: dict[str, Any] | None = None,
    current: Callable[[], Any] | None = None,
) -> HttpResponse:
    """One page per record: the form, guidance beside it, one service call on submit, then `then(saved)`.

    `current`: for a form under optimistic locking, makes the form of the record as it is now.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except concurrency.EditConflict as conflict:
            if current is None:
                raise
            concurrency.explain(form, current(), conflict)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return then(saved)
    context = {"form": form, "case": case, "title": title, "guidance": guidance, **(extra or {})}
    return render(request, "followup/form.html", context)


def _report_page(
    request: ActorRequest,
    pk: int,
    form_class: type[Any],
    save: Callable[..., Any],
    *,
    title: str,
    success: str,
    initial: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    actor = request.actor
    report = queries.get_report(actor, pk)

    def tracked_form(data: Any, follow_up: Any) -> Any:
        form = form_class(data, initial=initial(follow_up) if follow_up else None)
        return concurrency.track(form, follow_up.version if follow_up else 0)

    def current() -> Any:
        return tracked_form(None, queries.follow_up_of(queries.get_report(actor, pk, audit=False)))

    form = tracked_form(request.POST or None, queries.follow_up_of(report))
    return _form_page(
        request,
        report.case,
        form,
        lambda _data: save(actor, report, **concurrency.submitted(form)),
        title=title,
        success=success,
        guidance="report",
        then=lambda _saved: _to_dossier(report.case),
        extra={"report": report},
        current=current,
    )


def _to_dossier(case: Case) -> HttpResponse:
    return redirect(reverse("meldcode:case_detail", args=[case.pk]) + "#followup")


def _values(*names: str) -> Callable[[Any], dict[str, Any]]:
    return lambda follow_up: {name: getattr(follow_up, name) for name in names}


@requires("case.follow_up")
def feedback_agreement(request: ActorRequest, pk: int) -> HttpResponse:
    return _report_page(
        request,
        pk,
        forms.FeedbackAgreementForm,
        services.record_feedback_agreement,
        title=_("Agreement about feedback from Veilig Thuis"),
        success=_("The agreement about feedback has been recorded."),
        initial=_values("feedback_agreed_on", "feedback_agreed_how"),
    )


@requires("case.follow_up")
def lead(request: ActorRequest, pk: int) -> HttpResponse:
    return _report_page(
        request,
        pk,
        forms.LeadForm,
        services.record_lead,
        title=_("Who leads the follow-up"),
        success=_("Who leads the follow-up has been recorded."),
        initial=_values("lead", "lead_contact_name", "lead_contact_details"),
    )


@requires("case.follow_up")
def feedback(request: ActorRequest, pk: int) -> HttpResponse:
    return _report_page(
        request,
        pk,
        forms.FeedbackForm,
        services.record_feedback,
        title=_("Feedback from Veilig Thuis"),
        success=_("The feedback from Veilig Thuis has been recorded."),
        initial=_values("outcome", "follow_up_started", "school_expectations", "feedback_received_on"),
    )


@requires("case.follow_up")
def plan_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = route_queries.get_case(actor, pk)
    form = forms.HelpPlanForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda data: services.record_help_plan(actor, case, **data),
        title=_("Help plan"),
        success=_("The help plan has been recorded. At each evaluation moment, answer question 5."),
        guidance="decision",
        then=lambda _plan: _to_dossier(case),
    )


@requires("case.follow_up")
def evaluation(request: ActorRequest, pk: int) -> HttpResponse:
    """Question 5 at an evaluation moment; then on to the decision ("no": report) or the closing ("yes")."""
    actor = request.actor
    moment = queries.get_moment(actor, pk)
    case = moment.plan.case
    form = forms.EvaluationForm(request.POST or None)

    def then(answered: Any) -> HttpResponse:
        if answered.effective is False:
            if has_permission(actor, "case.decide"):
                messages.info(request, _("The help does not lead to safety in time: the framework advises to report."))
                return redirect(reverse("meldcode:decision_create", args=[case.pk]) + "?effective=no")
            messages.info(
                request, _("The framework advises to report. Ask the AF or the school leader to record the decision.")
            )
        elif has_permission(actor, "case.close"):
            messages.info(request, _("The help works: close the dossier and keep monitoring."))
            return redirect(reverse("meldcode:case_close", args=[case.pk]) + "?reason=help_working")
        return _to_dossier(case)

    return _form_page(
        request,
        case,
        form,
        lambda data: services.answer_evaluation(actor, moment, **data),
        title=_("Evaluate the help (question 5)"),
        success=_("The answer to question 5 has been recorded."),
        guidance="decision",
        then=then,
        extra={"moment": moment, "plan": moment.plan},
    )
