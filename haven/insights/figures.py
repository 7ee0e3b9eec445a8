"""Reads of the rollups: counts per school and period, never a row about one pupil.

Every insights page, export and report reads Haven's own figures through here, so the pages cost
the same few queries whatever the number of records.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db.models import Sum

from haven.insights.models import RollupCount
from haven.insights.periods import Period, period_of

# (metric, dimension) -> count
Counts = dict[tuple[str, str], int]


def figure_key(school_ids: Iterable[int], figure: str, period: Period) -> tuple[frozenset[int], str, Period]:
    """The identity of one figure wherever a page shows it (`haven.insights.protection`): what it
    counts, over which schools, in which period. Tables that show the same figure give it this key."""
    return (frozenset(school_ids), figure, period)


def counts_per_school(
    school_ids: Collection[int], periods: Iterable[Period], metrics: Collection[str] | None = None
) -> dict[int, dict[Period, Counts]]:
    """Per school and per period: the summed count of each (metric, dimension). One query.

    Periods may be of both kinds (a page in school years with the region's table in calendar
    years): each month counts in every period given that holds it; months outside them are left out.
    """
    periods = sorted(periods)
    result: dict[int, dict[Period, Counts]] = {
        school_id: {p: defaultdict(int) for p in periods} for school_id in school_ids
    }
    if not periods or not school_ids:
        return result
    kinds = sorted({p.kind for p in periods})
    wanted = set(periods)
    rows = RollupCount.objects.filter(
        school_id__in=list(school_ids),
        month__gte=min(p.start for p in periods),
        month__lt=max(p.end for p in periods),
    )
    if metrics is not None:
        rows = rows.filter(metric__in=list(metrics))
    for school_id, month, metric, dimension, count in (
        rows.values_list("school_id", "month", "metric", "dimension").annotate(n=Sum("count")).order_by()
    ):
        for kind in kinds:
            period = period_of(month, kind)
            if period in wanted:
                result[school_id][period][(metric, dimension)] += count
    return result


def total(counts: Counts, metric: str, dimension: str | None = None) -> int:
    """One figure: the count of a metric with one dimension, or summed over all its dimensions."""
    if dimension is not None:
        return counts.get((metric, dimension), 0)
    return sum(n for (m, _d), n in counts.items() if m == metric)


def add(*parts: Counts) -> Counts:
    """Counts of several schools together."""
    summed: dict[tuple[str, str], int] = defaultdict(int)
    for part in parts:
        for key, n in part.items():
            summed[key] += n
    return summed
