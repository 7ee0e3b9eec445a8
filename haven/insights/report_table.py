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
  are suppressed with `haven.insights.suppression.suppress_table` over each year's block of
  municipalities and its total row: a count from 1 to THRESHOLD - 1, a municipality with fewer
  than MIN_SCHOOLS Haven schools, a total over fewer than MIN_SCHOOLS schools, and whatever else
  would let one of those be worked out from the rest of the block all read "< 5". A municipality
  without any Haven school has empty Haven cells: there is nothing of Haven to count there.
- The page shows this table beside other tables with the same figures; `draft_table` gives its
  blocks to the page so that they are suppressed together (`haven.insights.protection`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission
from haven.access.roles import Role
from haven.insights import metrics
from haven.insights.exports import Cell
from haven.insights.figures import Counts, counts_per_school, figure_key, total
from haven.insights.models import PublicFigure, Region
from haven.insights.periods import Period, PeriodKind
from haven.insights.protection import Block, Ref, protect
from haven.insights.stats import prevalence_lower_bound
from haven.insights.suppression import MIN_SCHOOLS, THRESHOLD
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
    # Haven's own counts, in the order of HAVEN_COLUMNS: a number, "< 5", or None when no school
    # of the municipality uses Haven.
    haven: tuple[int | str | None, ...]

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
                "%(suppressed)s: fewer than %(threshold)s, or hidden so that another figure cannot be worked out "
                "(also every count of a municipality with fewer than %(schools)s Haven schools). An empty Haven "
                "cell: no school of the municipality uses Haven."
            )
            % {"suppressed": suppressed_text(self.threshold), "threshold": self.threshold, "schools": MIN_SCHOOLS},
        ]


def _sum_known(values: Sequence[int | None]) -> int | None:
    if not values or any(value is None for value in values):
        return None
    return sum(value for value in values if value is not None)


@dataclass
class DraftTable:
    """The table before suppression: Haven's counts as references into one block per year."""

    title: str
    years: tuple[int, ...]
    rows: list[tuple[TableRow, tuple[Ref | None, ...]]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def resolve(self, threshold: int) -> ReportTable:
        """The table as shown, once its blocks are protected (`protection.protect`)."""
        hidden = suppressed_text(threshold)

        def cell(ref: Ref | None) -> int | str | None:
            if ref is None:
                return None
            shown = ref.shown
            return hidden if shown is None else shown

        rows = tuple(replace(row, haven=tuple(cell(ref) for ref in refs)) for row, refs in self.rows)
        return ReportTable(title=self.title, years=self.years, rows=rows, threshold=threshold)


def draft_table(
    title: str,
    municipalities: Sequence[Municipality],
    schools_of: Mapping[int, Sequence[int]],
    counts: Mapping[int, Mapping[Period, Counts]],
    published: Mapping[tuple[int, int], PublicFigure],
    years: Sequence[int],
    *,
    exact: bool = False,
) -> DraftTable:
    """The table of these municipalities (in this order) from counts already read: per calendar
    year of `years`, one block of the municipalities with Haven schools x HAVEN_COLUMNS with its
    total row. `exact` leaves out the rules about schools (nothing is then hidden by them)."""
    draft = DraftTable(title=title, years=tuple(sorted(set(years))))
    all_schools = [s for m in municipalities for s in schools_of.get(m.pk, ())]
    for year in draft.years:
        period = Period(PeriodKind.CALENDAR_YEAR, year)
        with_schools = [m for m in municipalities if schools_of.get(m.pk)]
        block = Block(
            cells=[
                [sum(total(counts[s][period], metric) for s in schools_of[m.pk]) for _name, metric in HAVEN_COLUMNS]
                for m in with_schools
            ],
            column_totals=True,
            row_schools=None if exact else [len(schools_of[m.pk]) for m in with_schools],
            total_schools=None if exact else len(all_schools),
        )
        for i, m in enumerate(with_schools):
            for j, (_name, metric) in enumerate(HAVEN_COLUMNS):
                block.keys[(i, j)] = figure_key(schools_of[m.pk], metric, period)
        for j, (_name, metric) in enumerate(HAVEN_COLUMNS):
            block.keys[(len(with_schools), j)] = figure_key(all_schools, metric, period)
        if with_schools:
            draft.blocks.append(block)
        public_rows: list[TableRow] = []
        for m in municipalities:
            figure = published.get((m.pk, year))
            public = {name: getattr(figure, name) if figure else None for name in PUBLIC_COLUMNS}
            pupils = public["pupils_primary"]
            row = TableRow(
                municipality_code=m.code or "",
                municipality=m.name,
                year=year,
                is_total=False,
                prevalence_lower_bound=None if pupils is None else prevalence_lower_bound(pupils),
                haven_schools=len(schools_of.get(m.pk, ())),
                haven=(),
                **public,
            )
            public_rows.append(row)
            at = with_schools.index(m) if m in with_schools else None
            refs = tuple(None if at is None else block.ref(at, j) for j in range(len(HAVEN_COLUMNS)))
            draft.rows.append((row, refs))
        total_row = TableRow(
            municipality_code=TOTAL,
            municipality=title,
            year=year,
            is_total=True,
            pupils_primary=_sum_known([row.pupils_primary for row in public_rows]),
            prevalence_lower_bound=_sum_known([row.prevalence_lower_bound for row in public_rows]),
            advice_requests_education=_sum_known([row.advice_requests_education for row in public_rows]),
            reports_education=_sum_known([row.reports_education for row in public_rows]),
            referral_index_signals_primary=_sum_known([row.referral_index_signals_primary for row in public_rows]),
            haven_schools=len(all_schools),
            haven=(),
        )
        totals = tuple(block.total_of_column(j) if with_schools else None for j in range(len(HAVEN_COLUMNS)))
        draft.rows.append((total_row, totals))
    return draft


def read_for_table(
    municipalities: Sequence[Municipality], years: Sequence[int]
) -> tuple[dict[int, list[int]], dict[int, dict[Period, Counts]], dict[tuple[int, int], PublicFigure]]:
    """The schools per municipality, their rollups for the years, and the published figures: three queries."""
    schools_of: dict[int, list[int]] = {m.pk: [] for m in municipalities}
    for school_id, municipality_id in (
        School.objects.filter(municipality__in=municipalities).order_by("pk").values_list("pk", "municipality_id")
    ):
        schools_of[municipality_id].append(school_id)
    periods = [Period(PeriodKind.CALENDAR_YEAR, year) for year in sorted(set(years))]
    counts = counts_per_school(
        [s for ids in schools_of.values() for s in ids], periods, [metric for _name, metric in HAVEN_COLUMNS]
    )
    published = {
        (figure.municipality_id, figure.year): figure
        for figure in PublicFigure.objects.filter(municipality__in=municipalities, year__in=list(years))
    }
    return schools_of, counts, published


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
    if region is not None:
        title = region.name
        municipalities = list(region.municipalities.order_by("name", "pk"))
    else:
        assert municipality is not None
        title = municipality.name
        municipalities = [municipality]
    schools_of, counts, published = read_for_table(municipalities, years)
    draft = draft_table(title, municipalities, schools_of, counts, published, years)
    protect(draft.blocks, threshold=threshold)
    return draft.resolve(threshold)


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
