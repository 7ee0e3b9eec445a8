"""Aggregates of the route for a board or a municipality. No function here returns a row about one pupil."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.insights.suppression import enough_schools, suppress
from haven.meldcode.models import Case, Closure, Consultation, Conversation, Report, Signal, StepSkip, Weighing
from haven.meldcode.queries import count_per_case, facts_for
from haven.meldcode.workflow import Step, route_state
from haven.organisations.models import School


@dataclass(frozen=True)
class Overview:
    organisation: str
    school_count: int
    since: date
    shown: bool
    # Each figure is a count, or None where small-cell suppression hides it.
    figures: dict[str, int | None]
    open_per_step: dict[Step, int | None]
    closed_per_reason: dict[str, int | None]


def school_year_start(today: date) -> date:
    """Dutch school years start on 1 August."""
    return date(today.year if today.month >= 8 else today.year - 1, 8, 1)


def schools_of(actor: Actor) -> tuple[str, QuerySet[School]]:
    if actor.role == Role.BOARD_ANALYST and actor.board_id is not None:
        schools = School.objects.filter(board_id=actor.board_id)
        name = schools.values_list("board__name", flat=True).first() or ""
        return name, schools
    if actor.role == Role.MUNICIPALITY_ANALYST and actor.municipality_id is not None:
        schools = School.objects.filter(municipality_id=actor.municipality_id)
        name = schools.values_list("municipality__name", flat=True).first() or ""
        return name, schools
    return "", School.objects.none()


def overview(actor: Actor) -> Overview:
    name, schools = schools_of(actor)
    school_ids = list(schools.values_list("pk", flat=True))
    since = school_year_start(timezone.localdate())
    if not enough_schools(len(school_ids)):
        return Overview(name, len(school_ids), since, False, {}, {}, {})
    cases = Case.objects.filter(school_id__in=school_ids)
    figures = {
        "signals": Signal.objects.filter(school_id__in=school_ids, observed_at__date__gte=since).count(),
        "cases_opened": cases.filter(opened_at__date__gte=since).count(),
        "advice_requests": Consultation.objects.filter(
            case__school_id__in=school_ids, consulted=Consultation.Consulted.VEILIG_THUIS, held_on__gte=since
        ).count(),
        "reports_made": Report.objects.filter(case__school_id__in=school_ids, made_on__gte=since).count(),
        "conversations_skipped": StepSkip.objects.filter(
            case__school_id__in=school_ids, step=Step.CONVERSATION, recorded_at__date__gte=since
        ).count(),
    }
    per_step = dict.fromkeys(Step, 0)
    open_cases = (
        cases.filter(status=Case.Status.OPEN)
        # Counting subqueries, not COUNT(DISTINCT) over four joins that multiply each case's rows.
        .annotate(
            n_signals=count_per_case(Signal),
            n_consultations=count_per_case(Consultation),
            n_conversations=count_per_case(Conversation),
            n_weighings=count_per_case(Weighing),
        )
        .prefetch_related("stepskips", "decisions", "reports")
    )
    for case in open_cases:
        per_step[route_state(facts_for(case)).current_step] += 1
    # The reason is encrypted with its row, so it is counted here, from the opened values.
    closed = Counter(
        closure.reason
        for closure in Closure.objects.filter(case__school_id__in=school_ids, recorded_at__date__gte=since).only(
            "pk", "reason"
        )
    )
    closed_per_reason = {reason: suppress(n) for reason, n in sorted(closed.items())}
    return Overview(
        organisation=name,
        school_count=len(school_ids),
        since=since,
        shown=True,
        figures={key: suppress(value) for key, value in figures.items()},
        open_per_step={step: suppress(n) for step, n in per_step.items()},
        closed_per_reason=closed_per_reason,
    )
