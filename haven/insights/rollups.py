"""The rollups: Haven's own figures of one school, counted from its records (`refresh_insights`).

`build(school, today)` reads the school's records once, in a fixed number of queries whatever
its size (each a single streamed query of only the columns a figure needs), and counts every
figure of `haven.insights.metrics` per month of the moment it happened. The codes that say what
happened to a child (categories, decisions, closing reasons and steps) are encrypted per row, so
they are counted here in Python from the loaded instances; SQL could not. `refresh_school`
replaces the school's rollups with what `build` counted, in one transaction: running it twice
gives the same rows, and a record corrected since the last run is counted as it is now.

How the figures the metric codes leave open are counted (the tests recount them the same way):
- A signal's month is that of its `observed_at` (local time), whatever day it was typed in.
- Look-along requests and the hours until picked up: the month of the request.
- Closures: every closing counts in the month it was recorded, also one later reopened (a dossier
  closed, reopened and closed again counts twice). The step is the one recorded at closing; for
  closures from before that was recorded, the step the route was in given the records as they
  were at that moment (signals filed, steps recorded or skipped, decisions recorded by then). A
  closed dossier without any closure row counts as "not_recorded" at its current step, in the
  month of its last activity.
- Repeat reports: a report made counts as repeat when the rule of `haven.meldcode.repeat` (the
  dossier page's "repeated care") held on the day it was made, for the pupil with their linked
  brothers and sisters: their dossiers opened by that day, each "reported" when a report in it
  was made by that day, under the school's current threshold and window and the current links.
- Feedback after a report: in the month of its deadline (the agreed date, at most ten weeks after
  the report, ten weeks when nothing was agreed: `haven.followup.rules`); "pending" while that
  deadline has not passed.
- Evaluations: an unanswered moment of a help plan that is no longer current (replaced by a newer
  plan or decision, or the dossier closed) is history, not overdue: it is not counted, as the
  dossier page and the tasks do not show it as due.
- Pupils: the pupils placed in a group of the school in each school year up to the current one,
  counted at 1 October of that school year.
- `today` decides only what depends on the day (overdue, pending, stalled, which school years
  have begun); every event is counted at its own moment.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from haven.external_signals.models import ReferralIndexEntry
from haven.followup import rules as followup_rules
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.insights import metrics
from haven.insights.models import RollupCount, RollupState, RouteSnapshot
from haven.insights.periods import Period, PeriodKind, month_of, period_of
from haven.meldcode import repeat
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.meldcode.providers import is_quiet, last_activity
from haven.meldcode.queries import facts_from
from haven.meldcode.services import follows_advice
from haven.meldcode.workflow import CaseFacts, DecisionOutcome, Step, route_state
from haven.organisations.models import School
from haven.pupils.models import GroupPlacement, Sibling

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CHUNK = 2000
NOT_RECORDED = Closure.Reason.NOT_RECORDED.value


def _stream(queryset: Any) -> Iterator[Any]:
    # One query, read in chunks: a large school's records never sit in memory twice.
    return queryset.order_by().iterator(chunk_size=CHUNK)


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


class _Active(TypedDict):
    """What the rollup annotates each dossier with."""

    last_active: datetime


@dataclass
class _CaseRecords:
    """One dossier's records as the figures need them, each list in the order it was recorded."""

    case: "WithAnnotations[Case, _Active]"
    signals: list[Signal]
    consultations: list[Consultation]
    conversations: list[Conversation]
    skips: list[StepSkip]
    weighings: list[Weighing]
    decisions: list[Decision]
    reports: list[Report]
    closures: list[Closure]


def _recorded(records: Iterable[Any]) -> list[Any]:
    return sorted(records, key=lambda r: (r.recorded_at, r.pk))


def _filed_at(signal: Signal) -> datetime:
    """When a signal became part of its dossier: filed from the inbox, or logged straight into it."""
    return signal.triaged_at or signal.created_at


def _step_at(records: _CaseRecords, moment: datetime) -> Step:
    """The step the route was in at `moment`, from the records recorded by then."""
    decisions = [d for d in records.decisions if d.recorded_at <= moment]
    facts = CaseFacts(
        signal_count=sum(1 for s in records.signals if _filed_at(s) <= moment),
        consultation_count=sum(1 for c in records.consultations if c.recorded_at <= moment),
        conversation_count=sum(1 for c in records.conversations if c.recorded_at <= moment),
        skipped_steps=frozenset(s.step for s in records.skips if s.recorded_at <= moment),
        has_weighing=any(w.recorded_at <= moment for w in records.weighings),
        decision_outcome=DecisionOutcome(decisions[-1].outcome) if decisions else None,
    )
    return route_state(facts).current_step


def _current_step(records: _CaseRecords) -> Step:
    facts = facts_from(
        records.case,
        signal_count=len(records.signals),
        consultation_count=len(records.consultations),
        conversation_count=len(records.conversations),
        skips=records.skips,
        has_weighing=bool(records.weighings),
        decisions=records.decisions,
        reports=records.reports,
    )
    return route_state(facts).current_step


def _school_year_start(text: str) -> int | None:
    """ "2026-2027" -> 2026; None for anything that is not a school year."""
    start, dash, end = text.partition("-")
    if dash and start.isdigit() and end.isdigit() and int(end) == int(start) + 1:
        return int(start)
    return None


def build(school: School, today: date) -> tuple[list[RollupCount], list[RouteSnapshot]]:
    """Every figure of the school, per month, and where its open routes stand today (unsaved rows)."""
    counts: Counter[tuple[date, str, str]] = Counter()

    def count(moment: date, metric: str, dimension: str = "") -> None:
        counts[(month_of(moment), metric, dimension)] += 1

    # Signals -------------------------------------------------------------------------------------
    signals_of: dict[int, list[Signal]] = defaultdict(list)
    signals = Signal.objects.filter(school_id=school.pk).only(
        "pk", "case_id", "observed_at", "source", "categories", "created_at", "triaged_at"
    )
    for signal in _stream(signals):
        observed_on = _local(signal.observed_at)
        categories = set(signal.categories)
        count(observed_on, metrics.SIGNALS)
        # A police notice is filed as a gut feeling too, but it is the police's signal, not a colleague's
        # "niet-pluis": it is counted apart (by source).
        if categories == {Signal.Category.GUT_FEELING} and signal.source != Signal.Source.POLICE_NOTICE:
            count(observed_on, metrics.SIGNALS_GUT_FEELING)
        count(observed_on, metrics.SIGNALS_BY_SOURCE, signal.source)
        for category in sorted(categories):
            count(observed_on, metrics.SIGNALS_BY_CATEGORY, category)
        if signal.case_id is not None:
            signals_of[signal.case_id].append(signal)

    requests = LookAlongRequest.objects.filter(school_id=school.pk).values_list("requested_at", "picked_up_at")
    for requested_at, picked_up_at in _stream(requests):
        requested_on = _local(requested_at)
        count(requested_on, metrics.LOOK_ALONG_REQUESTS)
        if picked_up_at is not None:
            hours = max(0, int((picked_up_at - requested_at).total_seconds() // 3600))
            count(requested_on, metrics.LOOK_ALONG_HOURS, str(hours))

    # The dossiers and their step records -------------------------------------------------------------
    cases = list(
        _stream(
            Case.objects.filter(school_id=school.pk)
            .annotate(last_active=last_activity())
            .only("pk", "pupil_id", "status", "acute", "opened_at")
        )
    )
    in_school = {"case__school_id": school.pk}
    per_case: dict[str, dict[int, list[Any]]] = {}
    for name, rows in (
        (
            "consultations",
            Consultation.objects.only("pk", "case_id", "held_on", "consulted", "anonymous", "recorded_at"),
        ),
        ("conversations", Conversation.objects.only("pk", "case_id", "held_on", "recorded_at")),
        ("skips", StepSkip.objects.only("pk", "case_id", "step", "recorded_at")),
        ("weighings", Weighing.objects.only("pk", "case_id", "recorded_at")),
        ("decisions", Decision.objects.only("pk", "case_id", "advice", "outcome", "decided_at", "recorded_at")),
        ("reports", Report.objects.only("pk", "case_id", "made_on", "recorded_at")),
        ("closures", Closure.objects.only("pk", "case_id", "reason", "step_at_closing", "recorded_at")),
    ):
        grouped: dict[int, list[Any]] = defaultdict(list)
        for record in _stream(rows.filter(**in_school)):
            grouped[record.case_id].append(record)
        per_case[name] = grouped
    dossiers = {
        case.pk: _CaseRecords(
            case=case,
            signals=sorted(signals_of.get(case.pk, []), key=lambda s: (s.observed_at, s.pk)),
            **{name: _recorded(grouped.get(case.pk, [])) for name, grouped in per_case.items()},
        )
        for case in cases
    }

    snapshot = {step: [0, 0] for step in Step}
    for records in dossiers.values():
        case = records.case
        count(_local(case.opened_at), metrics.CASES_OPENED)
        first_signal = _local(records.signals[0].observed_at) if records.signals else None

        def since_first_signal(metric: str, day: date, first_signal: date | None = first_signal) -> None:
            if first_signal is not None:
                count(day, metric, str(max(0, (day - first_signal).days)))

        if records.consultations:
            first = min(c.held_on for c in records.consultations)
            count(first, metrics.ROUTES_STARTED)
            since_first_signal(metrics.DAYS_TO_CONSULTATION, first)
        for consultation in records.consultations:
            if consultation.consulted == Consultation.Consulted.VEILIG_THUIS:
                how = "anonymous" if consultation.anonymous else "named"
                count(consultation.held_on, metrics.ADVICE_REQUESTS, f"dossier:{how}")
        if records.conversations:
            since_first_signal(metrics.DAYS_TO_CONVERSATION, min(c.held_on for c in records.conversations))
        if records.decisions:
            first_decided = min(_local(d.decided_at) for d in records.decisions)
            count(first_decided, metrics.ROUTES_DECIDED)
            since_first_signal(metrics.DAYS_TO_DECISION, first_decided)
            latest = records.decisions[-1]
            decided_on = _local(latest.decided_at)
            count(decided_on, metrics.DECISIONS_BY_OUTCOME, latest.outcome)
            following = "yes" if follows_advice(latest.advice, latest.outcome) else "no"
            count(decided_on, metrics.DECISIONS_FOLLOWING_ADVICE, following)
        made = [r.made_on for r in records.reports if r.made_on is not None]
        if made:
            since_first_signal(metrics.DAYS_TO_REPORT, min(made))
        for closure in records.closures:
            step = closure.step_at_closing or _step_at(records, closure.recorded_at)
            count(_local(closure.recorded_at), metrics.CLOSURES, f"{int(step)}:{closure.reason or NOT_RECORDED}")
        if case.status == Case.Status.CLOSED and not records.closures:
            count(_local(case.last_active), metrics.CLOSURES, f"{int(_current_step(records))}:{NOT_RECORDED}")
        if case.status == Case.Status.OPEN:
            cell = snapshot[_current_step(records)]
            cell[0] += 1
            if is_quiet(case.last_active, today, school.inactivity_weeks):
                cell[1] += 1

    # Reports: made, repeated, and the feedback from Veilig Thuis ----------------------------------------
    follow_ups = {
        report_id: (agreed_on, received_on)
        for report_id, agreed_on, received_on in _stream(
            ReportFollowUp.objects.filter(report__case__school_id=school.pk).values_list(
                "report_id", "feedback_agreed_on", "feedback_received_on"
            )
        )
    }
    dossiers_of: dict[int, list[_CaseRecords]] = defaultdict(list)
    for records in dossiers.values():
        dossiers_of[records.case.pupil_id].append(records)
    families = {
        pupil_id: [(records, is_sibling) for member, is_sibling in members.items() for records in dossiers_of[member]]
        for pupil_id, members in _families(school, dossiers).items()
    }
    for records in dossiers.values():
        for report in records.reports:
            if report.made_on is None:
                continue
            count(report.made_on, metrics.REPORTS)
            if _is_repeat(school, families[records.case.pupil_id], report.made_on):
                count(report.made_on, metrics.REPEAT_REPORTS)
            agreed_on, received_on = follow_ups.get(report.pk, (None, None))
            deadline = followup_rules.feedback_deadline(report.made_on, agreed_on)
            state = followup_rules.feedback_state(report.made_on, agreed_on, received_on, today)
            if state == followup_rules.FeedbackState.RECEIVED:
                count(deadline, metrics.FEEDBACK, "received")
            elif state == followup_rules.FeedbackState.OVERDUE:
                count(deadline, metrics.FEEDBACK, "overdue")
            else:
                count(deadline, metrics.FEEDBACK, "pending")

    # Help plans: their evaluation moments --------------------------------------------------------------
    plans = list(
        _stream(HelpPlan.objects.filter(case__school_id=school.pk).only("pk", "case_id", "decision_id", "recorded_at"))
    )
    latest_plan: dict[int, HelpPlan] = {}
    for plan in sorted(plans, key=lambda p: (p.recorded_at, p.pk)):
        latest_plan[plan.case_id] = plan
    current_plans = set()
    for plan in plans:
        records = dossiers[plan.case_id]
        decision = records.decisions[-1] if records.decisions else None
        if followup_rules.plan_is_current(
            is_latest_plan=latest_plan[plan.case_id].pk == plan.pk,
            made_for_latest_decision=decision is not None and decision.pk == plan.decision_id,
            case_open=records.case.status == Case.Status.OPEN,
        ):
            current_plans.add(plan.pk)
    moments = EvaluationMoment.objects.filter(plan__case__school_id=school.pk).values_list(
        "plan_id", "due_on", "answered_on"
    )
    for plan_id, due_on, answered_on in _stream(moments):
        if answered_on is not None:
            count(due_on, metrics.EVALUATIONS, "on_time" if answered_on <= due_on else "late")
        elif plan_id in current_plans:
            overdue = followup_rules.evaluation_overdue(due_on, answered_on, today)
            count(due_on, metrics.EVALUATIONS, "overdue" if overdue else "pending")

    # Veilig Thuis advice without a dossier, and the verwijsindex ------------------------------------------
    advice = AdviceRequest.objects.filter(school_id=school.pk).values_list("held_on", "anonymous")
    for held_on, anonymous in _stream(advice):
        count(held_on, metrics.ADVICE_REQUESTS, f"loose:{'anonymous' if anonymous else 'named'}")
    entries = ReferralIndexEntry.objects.filter(
        school_id=school.pk, action=ReferralIndexEntry.Action.PLACED
    ).values_list("on", "case_id")
    for on, case_id in _stream(entries):
        count(on, metrics.REFERRAL_INDEX_PLACED, "dossier" if case_id is not None else "loose")

    # Pupils on 1 October of each school year that has begun ----------------------------------------------
    current_year = period_of(today, PeriodKind.SCHOOL_YEAR).year
    placed = (
        GroupPlacement.objects.filter(group__school_id=school.pk)
        .order_by()
        .values_list("school_year")
        .annotate(n=Count("pupil_id", distinct=True))
    )
    for school_year, n in placed:
        start = _school_year_start(school_year)
        if start is not None and start <= current_year:
            counts[(Period(PeriodKind.SCHOOL_YEAR, start).pupil_count_date, metrics.PUPILS, "")] += n

    rollups = [
        RollupCount(school=school, month=month, metric=metric, dimension=dimension, count=n)
        for (month, metric, dimension), n in sorted(counts.items())
    ]
    snapshots = [
        RouteSnapshot(school=school, step=int(step), open=open_, stalled=stalled)
        for step, (open_, stalled) in snapshot.items()
    ]
    return rollups, snapshots


def _families(school: School, dossiers: dict[int, _CaseRecords]) -> dict[int, dict[int, bool]]:
    """For each pupil with a dossier: the pupils whose dossiers count for their repeated care (themself,
    False; each linked brother or sister, True)."""
    pupils = {records.case.pupil_id for records in dossiers.values()}
    family: dict[int, dict[int, bool]] = {pupil_id: {pupil_id: False} for pupil_id in pupils}
    links = Sibling.objects.filter(school_id=school.pk).values_list("pupil_a_id", "pupil_b_id")
    for a, b in _stream(links):
        if a in family:
            family[a].setdefault(b, True)
        if b in family:
            family[b].setdefault(a, True)
    return family


def _is_repeat(school: School, family: list[tuple[_CaseRecords, bool]], day: date) -> bool:
    """Did the rule of repeated care hold for this family's dossiers on `day`, with what was known by then?"""
    facts = [
        repeat.DossierFact(
            key=records.case.pk,
            opened_on=_local(records.case.opened_at),
            reported=any(r.made_on is not None and r.made_on <= day for r in records.reports),
            sibling="sibling" if is_sibling else None,
        )
        for records, is_sibling in family
    ]
    finding = repeat.assess(facts, threshold=school.repeat_threshold, years=school.repeat_years, today=day)
    return finding.is_repeat


@dataclass(frozen=True)
class Refreshed:
    counts: int  # RollupCount rows written
    snapshots: int  # RouteSnapshot rows written


def refresh_school(school: School, today: date) -> Refreshed:
    """Replace the school's rollups with those counted from its records now, in one transaction."""
    rollups, snapshots = build(school, today)
    with transaction.atomic():
        # Two refreshes of one school at once take turns: the later one replaces the earlier's rows
        # (without the lock its insert would collide with rows its delete could not yet see).
        School.objects.select_for_update().filter(pk=school.pk).values_list("pk").first()
        RollupCount.objects.filter(school=school).delete()
        RouteSnapshot.objects.filter(school=school).delete()
        RollupCount.objects.bulk_create(rollups, batch_size=CHUNK)
        RouteSnapshot.objects.bulk_create(snapshots)
        RollupState.objects.update_or_create(school=school, defaults={"refreshed_at": timezone.now()})
    return Refreshed(counts=len(rollups), snapshots=len(snapshots))
