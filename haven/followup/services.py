"""The only code that writes follow-up data.

One verb per thing a person does; each checks the permission, validates, writes in one
transaction and records one audit event in that same transaction (so the dossier's timeline shows
it). Bad input raises ValidationError with a Dutch message and writes nothing.

The follow-up of a report may be recorded on a closed dossier too: a school often closes the
dossier once Veilig Thuis has taken over, and must still notice when the feedback does not come.
Help plans and their evaluations need an open dossier, as every route step does.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.audit.services import record_event
from haven.followup import rules
from haven.followup.audit_actions import FollowupAction
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.infrastructure import concurrency
from haven.meldcode.models import Case, Decision, Report
from haven.meldcode.workflow import DecisionOutcome
from haven.pupils.dates import check_date

PERMISSION = "case.follow_up"
HELP_OUTCOMES = (DecisionOutcome.HELP, DecisionOutcome.REPORT_AND_HELP)


def _require_school(actor: Actor, case: Case) -> None:
    if case.school_id != actor.school_id:
        raise PermissionDenied(_("This dossier is not a dossier of your school."))


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This dossier is closed. Reopen it first."))


def latest_decision(case: Case) -> Decision | None:
    return case.decisions.order_by("recorded_at", "pk").last()


def latest_plan(case: Case) -> HelpPlan | None:
    return case.help_plans.order_by("recorded_at", "pk").last()


# Follow-up of a report to Veilig Thuis --------------------------------------------------------


def _follow_up(actor: Actor, report: Report, seen_version: int | None = None) -> ReportFollowUp:
    """The report's follow-up record, locked for this transaction; a new (unsaved) one when there is none.

    `seen_version`: the version the user's form showed (0: there was no record yet); a save over a
    newer one is refused with `EditConflict` (haven.infrastructure.concurrency).
    """
    require_permission(actor, PERMISSION)
    _require_school(actor, report.case)
    if not report.is_made:
        raise ValidationError(_("This report has not been made yet: record it as made first."))
    # Two first saves must not both create the record: serialise them on the report's row.
    list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True))
    follow_up = ReportFollowUp.objects.select_for_update().filter(report=report).first()
    concurrency.refuse_if_created(follow_up, seen_version)
    if follow_up is None:
        return ReportFollowUp(report=report)
    follow_up.version = concurrency.claim(ReportFollowUp, follow_up.pk, seen_version)
    return follow_up


FEEDBACK_PROBLEMS = {
    rules.FeedbackProblem.AGREED_BEFORE_REPORT: (
        "feedback_agreed_on",
        gettext_lazy("The agreed date cannot be before the report was made."),
    ),
    rules.FeedbackProblem.RECEIVED_BEFORE_REPORT: (
        "feedback_received_on",
        gettext_lazy("Feedback cannot have been received before the report was made."),
    ),
    rules.FeedbackProblem.RECEIVED_IN_THE_FUTURE: (
        "feedback_received_on",
        gettext_lazy("The date cannot be in the future."),
    ),
}


def _check_dates(follow_up: ReportFollowUp) -> None:
    made_on = follow_up.report.made_on
    if made_on is None:
        raise ValidationError(_("This report has not been made yet: record it as made first."))
    problems = rules.feedback_problems(
        made_on, follow_up.feedback_agreed_on, follow_up.feedback_received_on, timezone.localdate()
    )
    errors: dict[str, list[str]] = {}
    for problem in problems:
        field, message = FEEDBACK_PROBLEMS[problem]
        errors.setdefault(field, []).append(str(message))
    if errors:
        raise ValidationError(errors)


def _save(actor: Actor, follow_up: ReportFollowUp, action: str, detail: dict[str, Any]) -> ReportFollowUp:
    report = follow_up.report
    _check_dates(follow_up)
    follow_up.updated_by_id = actor.user_id
    follow_up.save()
    record_event(actor, action, obj=follow_up, case=report.case, detail={"report": report.pk, **detail})
    return follow_up


@transaction.atomic
def record_feedback_agreement(
    actor: Actor,
    report: Report,
    *,
    feedback_agreed_on: date | None,
    feedback_agreed_how: str,
    seen_version: int | None = None,
) -> ReportFollowUp:
    """When (a date) and how Veilig Thuis will let the school know how things went."""
    follow_up = _follow_up(actor, report, seen_version)
    errors = {}
    if feedback_agreed_on is None:
        errors["feedback_agreed_on"] = _("Give the date by which Veilig Thuis will give feedback.")
    if not feedback_agreed_how.strip():
        errors["feedback_agreed_how"] = _("Say how Veilig Thuis will inform the school.")
    if errors or feedback_agreed_on is None:
        raise ValidationError(errors)
    follow_up.feedback_agreed_on = feedback_agreed_on
    follow_up.feedback_agreed_how = feedback_agreed_how.strip()
    return _save(actor, follow_up, FollowupAction.FEEDBACK_AGREED, {"agreed_on": feedback_agreed_on.isoformat()})


@transaction.atomic
def record_lead(
    actor: Actor,
    report: Report,
    *,
    lead: str,
    lead_contact_name: str = "",
    lead_contact_details: str = "",
    seen_version: int | None = None,
) -> ReportFollowUp:
    """Who leads the follow-up outside the school, once known, and whom to contact there."""
    follow_up = _follow_up(actor, report, seen_version)
    if lead not in ReportFollowUp.Lead.values:
        raise ValidationError({"lead": _("Choose who leads the follow-up.")})
    follow_up.lead = lead
    follow_up.lead_contact_name = lead_contact_name.strip()
    follow_up.lead_contact_details = lead_contact_details.strip()
    return _save(actor, follow_up, FollowupAction.LEAD, {"lead": lead})


@transaction.atomic
def record_feedback(
    actor: Actor,
    report: Report,
    *,
    outcome: str,
    feedback_received_on: date | None,
    follow_up_started: str = "",
    school_expectations: str = "",
    seen_version: int | None = None,
) -> ReportFollowUp:
    """Veilig Thuis's feedback: the outcome, the follow-up it started, what it expects from the school."""
    follow_up = _follow_up(actor, report, seen_version)
    errors = {}
    if outcome not in ReportFollowUp.Outcome.values:
        errors["outcome"] = _("Choose the outcome Veilig Thuis reported.")
    if feedback_received_on is None:
        errors["feedback_received_on"] = _("Give the date the feedback was received.")
    if errors or feedback_received_on is None:
        raise ValidationError(errors)
    follow_up.outcome = outcome
    follow_up.feedback_received_on = feedback_received_on
    follow_up.follow_up_started = follow_up_started.strip()
    follow_up.school_expectations = school_expectations.strip()
    return _save(
        actor, follow_up, FollowupAction.FEEDBACK, {"outcome": outcome, "received_on": feedback_received_on.isoformat()}
    )


# Help plans and question 5 ----------------------------------------------------------------------

# Where each problem with a plan's dates shows on the form, and what it says.
PLAN_PROBLEMS = {
    rules.PlanProblem.TERM_IN_THE_PAST: ("ends_on", gettext_lazy("The end of the term cannot be in the past.")),
    rules.PlanProblem.TERM_BEFORE_START: ("ends_on", gettext_lazy("The term cannot end before the help starts.")),
    rules.PlanProblem.NO_EVALUATION: ("evaluations", gettext_lazy("Plan at least one evaluation moment.")),
    rules.PlanProblem.EVALUATION_BEFORE_START: (
        "evaluations",
        gettext_lazy("An evaluation moment cannot be before the help starts."),
    ),
    rules.PlanProblem.EVALUATION_AFTER_TERM: (
        "evaluations",
        gettext_lazy("An evaluation moment cannot be after the end of the term."),
    ),
}


@transaction.atomic
def record_help_plan(
    actor: Actor,
    case: Case,
    *,
    description: str,
    provided_by: str,
    agreed_with_parents: bool | None,
    parents_agreement: str = "",
    starts_on: date,
    ends_on: date,
    evaluations: Iterable[date],
    date_confirmed: bool = False,
) -> HelpPlan:
    """The help decided on: what, by whom, agreed with the parents or not, the term and its evaluation moments.

    A newer plan for the same dossier replaces the earlier one (which stays, as history).
    """
    require_permission(actor, PERMISSION)
    _require_school(actor, case)
    _require_open(case)
    decision = latest_decision(case)
    if decision is None or decision.outcome not in HELP_OUTCOMES:
        raise ValidationError(_("First record a decision to organise help."))
    # Help may start later; a start long ago is a typing error or needs the user's word.
    check_date(starts_on, "starts_on", born_on=case.pupil.date_of_birth, confirmed=date_confirmed, future_allowed=True)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("Describe the help: what will be offered.")]
    if not provided_by.strip():
        errors["provided_by"] = [_("Say who offers the help.")]
    if agreed_with_parents is None:
        errors["agreed_with_parents"] = [_("Say whether the help was agreed with the parents.")]
    elif agreed_with_parents and not parents_agreement.strip():
        errors["parents_agreement"] = [_("Say how the help was agreed with the parents.")]
    moments = sorted(set(evaluations))
    for problem in rules.plan_problems(starts_on, ends_on, moments, timezone.localdate()):
        field, message = PLAN_PROBLEMS[problem]
        errors.setdefault(field, []).append(str(message))
    if errors:
        raise ValidationError(errors)
    plan = HelpPlan.objects.create(
        case=case,
        decision=decision,
        description=description.strip(),
        provided_by=provided_by.strip(),
        agreed_with_parents=bool(agreed_with_parents),
        parents_agreement=parents_agreement.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by_id=actor.user_id,
    )
    # One by one: the unanswered question 5 is encrypted with each moment's own primary key.
    for moment in moments:
        EvaluationMoment.objects.create(plan=plan, due_on=moment)
    record_event(
        actor,
        FollowupAction.PLAN,
        obj=plan,
        case=case,
        detail={
            "decision": decision.pk,
            "agreed_with_parents": plan.agreed_with_parents,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "evaluations": [moment.isoformat() for moment in moments],
        },
    )
    return plan


def is_current(plan: HelpPlan) -> bool:
    case = plan.case
    latest = latest_plan(case)
    decision = latest_decision(case)
    return rules.plan_is_current(
        is_latest_plan=latest is not None and latest.pk == plan.pk,
        made_for_latest_decision=decision is not None and decision.pk == plan.decision_id,
        case_open=case.is_open,
    )


@transaction.atomic
def answer_evaluation(
    actor: Actor, moment: EvaluationMoment, *, effective: bool | None, explanation: str, answered_on: date
) -> EvaluationMoment:
    """Question 5 at an evaluation moment. What follows ("no": report; "yes": close with monitoring) is
    recorded with the decision or the closing itself."""
    require_permission(actor, PERMISSION)
    moment = EvaluationMoment.objects.select_for_update().select_related("plan__case").get(pk=moment.pk)
    plan = moment.plan
    _require_school(actor, plan.case)
    _require_open(plan.case)
    if moment.answered_on is not None:
        raise ValidationError(_("This evaluation moment has already been answered."))
    if not is_current(plan):
        raise ValidationError(_("This help plan has been replaced by a newer decision or plan."))
    errors: dict[str, list[str]] = {}
    if effective is None:
        errors["effective"] = [_("Answer question 5: yes or no.")]
    if not explanation.strip():
        errors["explanation"] = [_("Explain your answer to question 5.")]
    if answered_on > timezone.localdate():
        errors["answered_on"] = [_("The date cannot be in the future.")]
    elif answered_on < plan.starts_on:
        errors["answered_on"] = [_("The evaluation cannot be before the help started.")]
    if errors:
        raise ValidationError(errors)
    moment.effective = effective
    moment.explanation = explanation.strip()
    moment.answered_on = answered_on
    moment.answered_by_id = actor.user_id
    moment.save(update_fields=["effective", "explanation", "answered_on", "answered_by"])
    record_event(
        actor,
        FollowupAction.EVALUATION,
        obj=moment,
        case=plan.case,
        detail={"plan": plan.pk, "due_on": moment.due_on.isoformat(), "effective": effective},
    )
    return moment
