"""Reads of the rollups: counts per school and period, never a row about one pupil.

Every insights page, export and report reads Haven's own figures through here, so the pages cost
the same few queries whatever the number of records.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db.models import Case, IntegerField, Sum, Value, When

from haven.insights.models import RollupCount
from haven.insights.periods import Period

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
    rows = RollupCount.objects.filter(
        school_id__in=list(school_ids),
        month__gte=min(p.start for p in periods),
        month__lt=max(p.end for p in periods),
    )
    if metrics is not None:
        rows = rows.filter(metric__in=list(metrics))
    # The months are summed into periods by the database: per kind, a CASE over the periods' bounds
    # (plain date comparisons on both databases) says which period a month falls in, and the rows
    # are grouped by school, period and figure. A region's five years then come back as a few
    # thousand sums instead of every month's rows, each of which Python had to place in its periods.
    of_kind = {kind: [p for p in periods if p.kind == kind] for kind in kinds}
    where = {
        f"period_{kind}": Case(
            *(When(month__gte=p.start, month__lt=p.end, then=Value(i)) for i, p in enumerate(of_kind[kind])),
            default=Value(-1),
            output_field=IntegerField(),
        )
        for kind in kinds
    }
    grouped = (
        rows.annotate(**where)
        .values_list("school_id", *where, "metric", "dimension")
        .annotate(n=Sum("count"))
        .order_by()
    )
    targets = [of_kind[kind] for kind in kinds]
    for school_id, *indexes, metric, dimension, count in grouped:
        per_school = result[school_id]
        for in_kind, index in zip(targets, indexes, strict=True):
            if index >= 0:
                per_school[in_kind[index]][(metric, dimension)] += count
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
