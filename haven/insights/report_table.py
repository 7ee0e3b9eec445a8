"""The region's table: public figures per municipality and calendar year, Haven's own counts beside them.

One row per municipality and year, then a `total` row per year. Every total is recomputed from the
rows shown above it, never copied from a publication (seed 004's printed tables do not always add
up to their own rows). Choices, also in docs/monitoring.md:

- Public figures are shown as published, without suppression; an empty cell is "not known".
- A public column's total is the sum of its rows, and empty (not known) when any row is not known:
  a sum that silently leaves out a municipality would read as the region's figure.
- The prevalence lower bound is `round_half_up(0.03 × pupils)` per row, in exact decimals; its
  total is the sum of the rows' bounds (so it can differ by a rounding from 3% of the total pupils).
- Haven's own counts cover only the schools that use Haven (`haven_schools` says how many). They
  are small-cell suppressed: 1 to THRESHOLD - 1 reads "< 5". A municipality with fewer than
  MIN_SCHOOLS Haven schools shows "–" for its own counts; the total row carries them when the
  table's schools number at least MIN_SCHOOLS.
- A total that would let a hidden cell be worked out (the total minus the shown rows is about
  fewer than MIN_SCHOOLS schools, or is 1 to THRESHOLD - 1) is hidden too ("–"). This is the place
  where the general complementary suppression (`haven.insights.suppression`) is to be applied over
  each year's block of rows and its total; this guard stands in for it until then.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission
from haven.access.roles import Role
from haven.insights import metrics
from haven.insights.exports import Cell
from haven.insights.figures import counts_per_school, total
from haven.insights.models import PublicFigure, Region
from haven.insights.periods import Period, PeriodKind
from haven.insights.stats import prevalence_lower_bound
from haven.insights.suppression import MIN_SCHOOLS, THRESHOLD, enough_schools, suppress
from haven.organisations.models import Municipality, School

PUBLIC_COLUMNS = ("pupils_primary", "advice_requests_education", "reports_education", "referral_index_signals_primary")
# Haven's own counts: column name and figure code (metrics.py).
HAVEN_COLUMNS = (
    ("haven_signals", metrics.SIGNALS),
    ("haven_dossiers_opened", metrics.CASES_OPENED),
    ("haven_advice_requests", metrics.ADVICE_REQUESTS),
    ("haven_reports", metrics.REPORTS),
    ("haven_referral_index_signals", metrics.REFERRAL_INDEX_PLACED),
)
HEADER = (
    "municipality_code",
    "municipality",
    "year",
    "pupils_primary",
    "prevalence_lower_bound",
    "advice_requests_education",
    "reports_education",
    "referral_index_signals_primary",
    "haven_schools",
    *(name for name, _metric in HAVEN_COLUMNS),
)
TOTAL = "total"
HIDDEN = "–"  # not shown: about fewer than MIN_SCHOOLS schools, or it would reveal a hidden cell


def suppressed_text(threshold: int = THRESHOLD) -> str:
    return f"< {threshold}"


@dataclass(frozen=True)
class TableRow:
    municipality_code: str
    municipality: str
    year: int
    is_total: bool
    pupils_primary: int | None
    prevalence_lower_bound: int | None
    advice_requests_education: int | None
    reports_education: int | None
    referral_index_signals_primary: int | None
    haven_schools: int
    # Haven's own counts, in the order of HAVEN_COLUMNS: a number, "< 5" or "–".
    haven: tuple[int | str, ...]

    def cells(self) -> list[Cell]:
        return [
            self.municipality_code,
            self.municipality,
            self.year,
            self.pupils_primary,
            self.prevalence_lower_bound,
            self.advice_requests_education,
            self.reports_education,
            self.referral_index_signals_primary,
            self.haven_schools,
            *self.haven,
        ]


@dataclass(frozen=True)
class ReportTable:
    title: str
    years: tuple[int, ...]
    rows: tuple[TableRow, ...]
    threshold: int = THRESHOLD
    header: tuple[str, ...] = HEADER

    def cells(self) -> list[list[Cell]]:
        return [row.cells() for row in self.rows]

    def notes(self) -> list[str]:
        """How to read the table, in Dutch, for the page and the printed report."""
        return [
            _("Haven counts only the schools that use Haven; the public figures count all schools."),
            _("Public figures are shown as published. An empty cell is not known."),
            _("prevalence_lower_bound: 3 percent of the pupils, rounded half up."),
            _(
                "total: the sum of the rows above it, empty when a row is not known; the lower bound's total is "
                "the sum of the rows' bounds."
            ),
            _(
                "%(suppressed)s: Haven's count is 1 to %(last)s. %(hidden)s: not shown, because it would be about "
                "fewer than %(schools)s schools or would let a hidden figure be worked out."
            )
            % {
                "suppressed": suppressed_text(self.threshold),
                "last": self.threshold - 1,
                "hidden": HIDDEN,
                "schools": MIN_SCHOOLS,
            },
        ]


def _sum_known(values: Sequence[int | None]) -> int | None:
    if not values or any(value is None for value in values):
        return None
    return sum(value for value in values if value is not None)


def _shown(count: int, schools: int, threshold: int) -> int | str:
    if not enough_schools(schools):
        return HIDDEN
    shown = suppress(count, threshold)
    return suppressed_text(threshold) if shown is None else shown


def _total_cell(
    raw_total: int, raw_rows: Sequence[int], shown_rows: Sequence[int | str], schools: Sequence[int], threshold: int
) -> int | str:
    cell = _shown(raw_total, sum(schools), threshold)
    if isinstance(cell, str):
        return cell
    hidden = [i for i, shown in enumerate(shown_rows) if isinstance(shown, str)]
    if not hidden:
        return cell
    # What the total gives away: the hidden rows' sum, about the hidden rows' schools.
    remainder = raw_total - sum(raw for i, raw in enumerate(raw_rows) if i not in hidden)
    if not enough_schools(sum(schools[i] for i in hidden)) or suppress(remainder, threshold) is None:
        return HIDDEN
    return cell


def region_table(
    years: Sequence[int],
    *,
    region: Region | None = None,
    municipality: Municipality | None = None,
    threshold: int = THRESHOLD,
) -> ReportTable:
    """The table for a region (its municipalities by name) or one municipality, per calendar year.

    Aggregates only; the caller checks that the reader may see this region or municipality.
    """
    if (region is None) == (municipality is None):
        raise ValueError("a table is about one region or one municipality")
    years = sorted(set(years))
    if region is not None:
        title = region.name
        municipalities = list(region.municipalities.order_by("name", "pk"))
    else:
        assert municipality is not None
        title = municipality.name
        municipalities = [municipality]
    schools_of: dict[int, list[int]] = {m.pk: [] for m in municipalities}
    for school_id, municipality_id in School.objects.filter(municipality__in=municipalities).values_list(
        "pk", "municipality_id"
    ):
        schools_of[municipality_id].append(school_id)
    periods = [Period(PeriodKind.CALENDAR_YEAR, year) for year in years]
    counts = counts_per_school(
        [s for ids in schools_of.values() for s in ids], periods, [metric for _name, metric in HAVEN_COLUMNS]
    )
    published = {
        (figure.municipality_id, figure.year): figure
        for figure in PublicFigure.objects.filter(municipality__in=municipalities, year__in=years)
    }
    rows: list[TableRow] = []
    for period in periods:
        block: list[TableRow] = []
        raw: list[list[int]] = []  # per municipality, per Haven column
        for m in municipalities:
            figure = published.get((m.pk, period.year))
            public = {name: getattr(figure, name) if figure else None for name in PUBLIC_COLUMNS}
            schools = len(schools_of[m.pk])
            own = [sum(total(counts[s][period], metric) for s in schools_of[m.pk]) for _name, metric in HAVEN_COLUMNS]
            raw.append(own)
            pupils = public["pupils_primary"]
            block.append(
                TableRow(
                    municipality_code=m.code or "",
                    municipality=m.name,
                    year=period.year,
                    is_total=False,
                    prevalence_lower_bound=None if pupils is None else prevalence_lower_bound(pupils),
                    haven_schools=schools,
                    haven=tuple(_shown(n, schools, threshold) for n in own),
                    **public,
                )
            )
        school_counts = [row.haven_schools for row in block]
        haven_total = tuple(
            _total_cell(
                sum(own[c] for own in raw),
                [own[c] for own in raw],
                [row.haven[c] for row in block],
                school_counts,
                threshold,
            )
            for c in range(len(HAVEN_COLUMNS))
        )
        rows += block
        rows.append(
            TableRow(
                municipality_code=TOTAL,
                municipality=title,
                year=period.year,
                is_total=True,
                pupils_primary=_sum_known([row.pupils_primary for row in block]),
                prevalence_lower_bound=_sum_known([row.prevalence_lower_bound for row in block]),
                advice_requests_education=_sum_known([row.advice_requests_education for row in block]),
                reports_education=_sum_known([row.reports_education for row in block]),
                referral_index_signals_primary=_sum_known([row.referral_index_signals_primary for row in block]),
                haven_schools=sum(school_counts),
                haven=haven_total,
            )
        )
    return ReportTable(title=title, years=tuple(years), rows=tuple(rows), threshold=threshold)


def table_for(actor: Actor, years: Sequence[int], *, threshold: int = THRESHOLD) -> ReportTable:
    """The table of the actor's own region or municipality (their policy officers only)."""
    if has_permission(actor, "insights.view"):
        if actor.role == Role.REGION_ANALYST and actor.region_id is not None:
            region = Region.objects.filter(pk=actor.region_id).first()
            if region is not None:
                return region_table(years, region=region, threshold=threshold)
        if actor.role == Role.MUNICIPALITY_ANALYST and actor.municipality_id is not None:
            municipality = Municipality.objects.filter(pk=actor.municipality_id).first()
            if municipality is not None:
                return region_table(years, municipality=municipality, threshold=threshold)
    raise PermissionDenied(_("Your role does not allow this."))


def default_years(this_year: int, count: int = 5) -> list[int]:
    """The last `count` calendar years, this one included (as the insights pages show them)."""
    return list(range(this_year - count + 1, this_year + 1))


def parse_years(text: str) -> list[int] | None:
    """ "2021-2025" (both included) or "2024"; None for anything else or more than 20 years."""
    first, dash, last = text.strip().partition("-")
    if not first.isdigit() or (dash and not last.isdigit()):
        return None
    start, end = int(first), int(last) if dash else int(first)
    if not 1900 < start <= end < 2200 or end - start >= 20:
        return None
    return list(range(start, end + 1))
