"""Reads of follow-up data, scoped by the access policy.

Objects are reached through their dossier: `haven.meldcode.queries.get_case` decides whether the
acting person may see it (404 for another school's or a dossier one is not in, with a denied
audit event) and audits the read. What the dossier page shows is read in a fixed number of queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.followup import rules
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.infrastructure.prepared import PreparedQuery, group_by
from haven.meldcode.models import Case, Decision, Report, Signal
from haven.meldcode.queries import Dossier, get_case, visible_cases
from haven.meldcode.sections import Read
from haven.meldcode.workflow import DecisionOutcome

HELP_OUTCOMES = (DecisionOutcome.HELP, DecisionOutcome.REPORT_AND_HELP)
# Who is reminded of every dossier of the school; the others of the dossiers they lead.
WHOLE_SCHOOL_TASKS = frozenset({Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER})


def follow_up_of(report: Report) -> ReportFollowUp | None:
    try:
        return report.follow_up
    except ReportFollowUp.DoesNotExist:
        return None


def get_report(actor: Actor, pk: int, *, audit: bool = True) -> Report:
    """A report that was made, in a dossier the actor may see (else 404)."""
    case_id = Report.objects.filter(pk=pk, made_on__isnull=False).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = get_case(actor, case_id, audit=audit)
    report = Report.objects.select_related("follow_up", "made_by").get(pk=pk)
    report.case = case
    return report


def get_moment(actor: Actor, pk: int, *, audit: bool = True) -> EvaluationMoment:
    """An evaluation moment of a help plan in a dossier the actor may see (else 404)."""
    case_id = EvaluationMoment.objects.filter(pk=pk).values_list("plan__case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = get_case(actor, case_id, audit=audit)
    moment = EvaluationMoment.objects.select_related("plan").get(pk=pk)
    moment.plan.case = case
    return moment


# The dossier page -------------------------------------------------------------------------------


@dataclass
class ReportRow:
    report: Report
    follow_up: ReportFollowUp | None
    state: rules.FeedbackState
    deadline: date


@dataclass
class MomentRow:
    moment: EvaluationMoment
    state: rules.EvaluationState | None  # None: not answered, and no longer due (the plan was replaced)


@dataclass
class PlanRow:
    plan: HelpPlan
    current: bool
    moments: list[MomentRow]

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.moments if row.state == rules.EvaluationState.OVERDUE)


@dataclass
class FollowUpSection:
    reports: list[ReportRow] = field(default_factory=list)  # the reports made, newest first
    new_signals: list[Signal] = field(default_factory=list)  # observed after the latest report was made
    plans: list[PlanRow] = field(default_factory=list)  # newest first
    helps: bool = False  # the latest decision is to organise help (with or without a report)

    @property
    def latest_report(self) -> Report | None:
        return self.reports[0].report if self.reports else None

    @property
    def is_empty(self) -> bool:
        return not (self.reports or self.plans or self.helps)


# Fixed-shape reads by case, prepared: the page does not pay Django's query compilation for each
# (see haven/infrastructure/prepared.py).
_follow_ups_of = PreparedQuery(lambda case_id: ReportFollowUp.objects.filter(report__case_id=case_id))
_help_plans_of = PreparedQuery(lambda case_id: HelpPlan.objects.filter(case_id=case_id).order_by("-recorded_at", "-pk"))
_moments_of = PreparedQuery(lambda case_id: EvaluationMoment.objects.filter(plan__case_id=case_id))


def dossier_reads(actor: Actor, case: Case) -> list[Read]:
    """What the follow-up section reads, sent with the dossier's own reads (`dossier_follow_up`)."""
    return [(_follow_ups_of, [case.pk]), (_help_plans_of, [case.pk]), (_moments_of, [case.pk])]


def dossier_follow_up(
    actor: Actor, dossier: Dossier, rows: Sequence[list[Any]], today: date | None = None
) -> FollowUpSection:
    """The follow-up part of a dossier loaded by `load_dossier` (which checked access and audited
    the read), from the rows of `dossier_reads`."""
    today = today or timezone.localdate()
    made = sorted(
        (r for r in dossier.reports if r.is_made), key=lambda r: (r.made_on, r.recorded_at, r.pk), reverse=True
    )
    follow_up_rows, plans, moments = rows
    follow_ups = {f.report_id: f for f in follow_up_rows}
    section = FollowUpSection()
    for report in made:
        assert report.made_on is not None  # `made`: each has been made
        follow_up = follow_ups.get(report.pk)
        agreed_on = follow_up.feedback_agreed_on if follow_up else None
        received_on = follow_up.feedback_received_on if follow_up else None
        section.reports.append(
            ReportRow(
                report=report,
                follow_up=follow_up,
                state=rules.feedback_state(report.made_on, agreed_on, received_on, today),
                deadline=rules.feedback_deadline(report.made_on, agreed_on),
            )
        )
    if made:
        made_on = made[0].made_on
        section.new_signals = [
            s for s in dossier.signals if rules.new_since_report(timezone.localdate(s.observed_at), made_on)
        ]
    decision = dossier.decision
    section.helps = decision is not None and decision.outcome in HELP_OUTCOMES
    moments_of = group_by(moments, "plan_id")
    dossier.attach_people(
        [(plan, "recorded_by") for plan in plans]
        + [(moment, "answered_by") for moments in moments_of.values() for moment in moments]
    )
    for index, plan in enumerate(plans):
        current = rules.plan_is_current(
            is_latest_plan=index == 0,
            made_for_latest_decision=decision is not None and plan.decision_id == decision.pk,
            case_open=dossier.case.is_open,
        )
        moments = [
            MomentRow(m, rules.evaluation_state(m.due_on, m.answered_on, today) if current or m.answered_on else None)
            for m in moments_of.get(plan.pk, [])
        ]
        section.plans.append(PlanRow(plan=plan, current=current, moments=moments))
    return section


# Tasks --------------------------------------------------------------------------------------------


def task_cases(actor: Actor) -> QuerySet[Case]:
    """The dossiers whose follow-up the actor is reminded of: the AF and school leader all of the
    school's, everyone else those they lead."""
    cases = visible_cases(actor)
    if actor.role in WHOLE_SCHOOL_TASKS:
        return cases
    return cases.filter(lead_id=actor.user_id)


def feedback_window(today: date) -> tuple[date, date]:
    """Made on or before the first date, or feedback agreed on or before the second: worth a look."""
    return today + rules.DUE_SOON - rules.FEEDBACK_TERM, today + rules.DUE_SOON


def reports_awaiting_feedback_by(actor: Actor, made_until: date, agreed_until: date) -> QuerySet[Report]:
    """Reports made without feedback received whose deadline is near or past (see `feedback_window`;
    the rules decide exactly)."""
    return (
        Report.objects.filter(case__in=task_cases(actor), made_on__isnull=False)
        .exclude(follow_up__feedback_received_on__isnull=False)
        # Narrowed generously by the database; `rules.feedback_state` decides to the day.
        .filter(Q(made_on__lte=made_until) | Q(follow_up__feedback_agreed_on__lte=agreed_until))
        .select_related("case__pupil", "follow_up")
        .order_by("made_on", "pk")
    )


def evaluations_due_by(actor: Actor, due_until: date) -> QuerySet[EvaluationMoment]:
    """Unanswered evaluation moments due by `due_until` (a week ahead: the rules decide), of the
    current plan of open dossiers."""
    latest_plan = HelpPlan.objects.filter(case_id=OuterRef("plan__case_id")).order_by("-recorded_at", "-pk")
    latest_decision = Decision.objects.filter(case_id=OuterRef("plan__case_id")).order_by("-recorded_at", "-pk")
    return (
        EvaluationMoment.objects.filter(
            plan__case__in=task_cases(actor).filter(status=Case.Status.OPEN),
            answered_on__isnull=True,
            due_on__lte=due_until,
        )
        # The same test as `rules.plan_is_current`, in the database: the latest plan, under the latest decision.
        .annotate(
            latest_plan=Subquery(latest_plan.values("pk")[:1]),
            latest_decision=Subquery(latest_decision.values("pk")[:1]),
        )
        .filter(plan_id=F("latest_plan"), plan__decision_id=F("latest_decision"))
        .select_related("plan__case__pupil")
        .order_by("due_on", "pk")
    )
