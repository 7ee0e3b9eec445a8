"""The monitoring's tables for one scope and period: what the page, the downloads and the report show.

`build(scope, period, today=..., threshold=...)` reads the rollups once (every figure of the
scope's schools over the five periods up to the chosen one, and for a municipality or a region the
same five calendar years for the public figures' table), the open routes (`RouteSnapshot`), when
the figures were counted (`RollupState`) and, for a municipality or region, the public figures:
a fixed number of queries whatever the number of schools or records. It returns plain tables
(`Table`: a title, column headers, rows of a label and cells, a caption) that the template, the
CSV and XLSX downloads and the PDF report all render, so they cannot disagree.

Suppression (unless the scope is exact: the AF's and the school leader's own school): every table
is a set of `protection.Block`s, suppressed together with the installation's threshold, so a figure
that two tables share is hidden in both or in neither. A part and its whole are one block: the
signals with the niet-pluis signals and the police notices among them (and the rest, not shown but
protected), the decisions by outcome, the advice requests by kind, and so on. A hidden figure reads
`"< 5"` (the threshold); a median or percentile whose number of dossiers is hidden, and a change
computed from a hidden figure, read None ("–"). Figures about a pupil never exist here: the rollups
hold counts per school and month only.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from haven.insights import metrics, report_table, stats
from haven.insights.exports import Cell
from haven.insights.figures import Counts, add, counts_per_school, figure_key, total
from haven.insights.models import PublicFigure, RollupState, RouteSnapshot
from haven.insights.periods import Period, PeriodKind
from haven.insights.protection import Block, Ref, protect
from haven.insights.scopes import Kind, Scope
from haven.meldcode.models import Closure, Decision, Signal
from haven.meldcode.workflow import DecisionOutcome, Step
from haven.organisations.models import Municipality

# How a column's numbers read (the template and the PDF format them; the downloads keep them plain).
COUNT = "count"
CHANGE = "change"  # a signed difference
PERCENT = "percent"  # a signed percentage
NUMBER = "number"  # a median or percentile in days or hours
TEXT = "text"

YEARS = 5

# The table keys: the download's name in /inzicht/export/<key>.<csv|xlsx>.
TREND = "trend"
ROUTE = "route"
UNITS = "per-eenheid"
OPEN = "open-routes"
CLOSED = "gestopte-routes"
DURATIONS = "doorlooptijden"
AFTER_REPORT = "na-melding"
PREVALENCE = "ondergrens"
PUBLIC = "publieke-cijfers"

# The figures per school or municipality: the route from signal to report.
UNIT_FIGURES = (
    metrics.SIGNALS,
    metrics.CASES_OPENED,
    metrics.ROUTES_STARTED,
    metrics.ROUTES_DECIDED,
    metrics.ADVICE_REQUESTS,
    metrics.REPORTS,
    metrics.REFERRAL_INDEX_PLACED,
)
OUTCOMES = (DecisionOutcome.REPORT, DecisionOutcome.REPORT_AND_HELP, DecisionOutcome.HELP, DecisionOutcome.CLOSE)
ADVICE_KINDS = ("dossier:anonymous", "dossier:named", "loose:anonymous", "loose:named")
REASONS = tuple(Closure.Reason)


def step_labels() -> dict[int, str]:
    # Imported late: the views module imports the forms and the whole route.
    from haven.meldcode.views import STEP_LABELS

    return {int(step): f"{int(step)}. {STEP_LABELS[step]}" for step in Step}


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    # 1: a part of the figure above it ("of which ...").
    level: int = 0
    total: bool = False
    # A line that names the rows under it and has no figures of its own.
    heading: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    stub: str  # the header of the column of labels
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str
    notes: tuple[str, ...] = ()
    hidden_text: str = "< 5"
    # The downloads of the public figures' table keep the columns of `insights_report`.
    export_header: tuple[str, ...] | None = None
    export_rows: tuple[tuple[Cell, ...], ...] | None = None

    def export(self) -> tuple[list[str], list[list[Cell]]]:
        """The header and rows as the CSV and XLSX downloads write them."""
        if self.export_header is not None and self.export_rows is not None:
            return list(self.export_header), [list(row) for row in self.export_rows]
        width = len(self.columns)
        rows = [[row.label, *(row.cells if not row.heading else (None,) * width)] for row in self.rows]
        return [self.stub, *(column.label for column in self.columns)], rows

    @property
    def has_hidden(self) -> bool:
        return any(cell == self.hidden_text for row in self.rows for cell in row.cells)

    def row(self, label: str) -> Row:
        return next(row for row in self.rows if row.label == label)


@dataclass(frozen=True)
class Refresh:
    """When the scope's figures were counted from the records (`refresh_insights`)."""

    first: datetime | None
    last: datetime | None
    counted: int  # schools counted at least once
    schools: int


@dataclass(frozen=True)
class Monitoring:
    scope: Scope
    period: Period
    periods: tuple[Period, ...]
    today: date
    threshold: int
    hidden_text: str
    refresh: Refresh | None
    tables: tuple[Table, ...] = ()
    # Sentences: "In 2025-2026: x signals, y dossiers and z reports, for an expected at least n children."
    prevalence: tuple[str, ...] = ()
    # For the public figures' table and chart: which calendar year the chart shows.
    public_year: int | None = None
    units_without_schools: tuple[str, ...] = ()
    # The share of closed routes in the chosen period for which nobody recorded why.
    not_recorded: tuple[int | None, int | None] = (None, None)

    @property
    def shown(self) -> bool:
        return bool(self.tables)

    @property
    def running(self) -> bool:
        """The chosen period has not ended yet."""
        return self.period.contains(self.today)

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def hidden_text(threshold: int) -> str:
    return report_table.suppressed_text(threshold)


def five_periods(period: Period) -> tuple[Period, ...]:
    return tuple(Period(period.kind, period.year - k) for k in range(YEARS - 1, -1, -1))


def period_heading(period: Period, today: date) -> str:
    if period.contains(today):
        return _("%(period)s (so far)") % {"period": period.label}
    return period.label


def _histogram(counts: Counts, metric: str) -> dict[int, int]:
    histogram: dict[int, int] = {}
    for (m, dimension), n in counts.items():
        if m == metric and n:
            try:
                value = int(dimension)
            except ValueError:
                continue
            histogram[value] = histogram.get(value, 0) + n
    return histogram


# A cell before suppression: a figure of a block, something computed once the blocks are
# protected, or a plain value.
Spec = Ref | Callable[[], Cell] | Cell


class _Page:
    """The blocks of one page and the cells that refer to them."""

    def __init__(self, scope: Scope, threshold: int):
        self.scope = scope
        self.exact = scope.exact
        self.threshold = 1 if scope.exact else threshold
        self.hidden = hidden_text(threshold)
        self.blocks: list[Block] = []

    def key(self, figure: str, period: Period, school_ids: Sequence[int] | None = None) -> Any:
        return figure_key(self.scope.school_ids if school_ids is None else school_ids, figure, period)

    def block(self, cells: list[list[int]], **options: Any) -> Block:
        if not self.exact:
            options.setdefault("total_schools", len(self.scope.school_ids))
        else:
            options.pop("row_schools", None)
        block = Block(cells=cells, **options)
        self.blocks.append(block)
        return block

    def lines(
        self, figures: Sequence[tuple[str, Sequence[int]]], periods: Sequence[Period], *, total: str | None = None
    ) -> tuple[list[list[Ref]], list[Ref]]:
        """Figures over the periods, in one block; with `total`, their sum per period is a figure too."""
        block = self.block([list(values) for _figure, values in figures], column_totals=total is not None)
        for i, (figure, _values) in enumerate(figures):
            for j, period in enumerate(periods):
                block.keys[(i, j)] = self.key(figure, period)
        if total is not None:
            for j, period in enumerate(periods):
                block.keys[(len(figures), j)] = self.key(total, period)
        refs = [[block.ref(i, j) for j in range(len(periods))] for i in range(len(figures))]
        totals = [block.total_of_column(j) for j in range(len(periods))] if total is not None else []
        return refs, totals

    def resolve(self, spec: Spec) -> Cell:
        if isinstance(spec, Ref):
            shown = spec.shown
            return self.hidden if shown is None else shown
        if callable(spec):
            return spec()
        return spec


@dataclass
class _DraftTable:
    key: str
    title: str
    stub: str
    columns: tuple[Column, ...]
    rows: list[tuple[str, Sequence[Spec], dict[str, Any]]] = field(default_factory=list)
    caption: str = ""
    notes: tuple[str, ...] = ()

    def add(self, label: str, cells: Sequence[Spec] = (), **options: Any) -> None:
        self.rows.append((label, cells, options))

    def resolve(self, page: _Page) -> Table:
        return Table(
            key=self.key,
            title=self.title,
            stub=self.stub,
            columns=self.columns,
            rows=tuple(
                Row(label, tuple(page.resolve(spec) for spec in cells), **options)
                for label, cells, options in self.rows
            ),
            caption=self.caption,
            notes=self.notes,
            hidden_text=page.hidden,
        )


def _changes(refs: Sequence[Ref]) -> tuple[Callable[[], Cell], Callable[[], Cell]]:
    previous, current = refs[-2], refs[-1]
    return (
        lambda: stats.change(previous.shown, current.shown).absolute,
        lambda: stats.change(previous.shown, current.shown).percent,
    )


def _shown_later(ref: Ref) -> Callable[[], int | None]:
    """What `ref` shows, read when called (after the page's small cells are suppressed)."""
    return lambda: ref.shown


def _known(n: int | None) -> Callable[[], int | None]:
    return lambda: n


def _sum_known(values: Sequence[int | None]) -> int | None:
    if not values or any(value is None for value in values):
        return None
    return sum(v for v in values if v is not None)


def build(scope: Scope, period: Period, *, today: date, threshold: int) -> Monitoring:
    """Every table of the monitoring of `scope`, for the five periods up to `period`."""
    periods = five_periods(period)
    page = _Page(scope, threshold)
    base = Monitoring(
        scope=scope,
        period=period,
        periods=periods,
        today=today,
        threshold=page.threshold,
        hidden_text=page.hidden,
        refresh=None,
    )
    if not scope.shown or not scope.school_ids:
        return base
    public = scope.kind in (Kind.MUNICIPALITY, Kind.REGION)
    years = [p.year for p in periods]
    calendar = [Period(PeriodKind.CALENDAR_YEAR, year) for year in years]

    # The reads: a fixed number of queries for any scope.
    school_ids = scope.school_ids
    counts = counts_per_school(school_ids, set(periods) | (set(calendar) if public else set()))
    snapshot: dict[int, list[int]] = {int(step): [0, 0] for step in Step}
    for step, open_, stalled in RouteSnapshot.objects.filter(school_id__in=list(school_ids)).values_list(
        "step", "open", "stalled"
    ):
        if step in snapshot:
            snapshot[step][0] += open_
            snapshot[step][1] += stalled
    state = RollupState.objects.filter(school_id__in=list(school_ids)).aggregate(
        first=Min("refreshed_at"), last=Max("refreshed_at"), counted=Count("pk")
    )
    refresh = Refresh(state["first"], state["last"], state["counted"], len(school_ids))
    municipalities: list[Municipality] = []
    published: dict[tuple[int, int], PublicFigure] = {}
    if public:
        municipalities = list(Municipality.objects.filter(pk__in=scope.municipality_ids).order_by("name", "pk"))
        published = {
            (figure.municipality_id, figure.year): figure
            for figure in PublicFigure.objects.filter(municipality_id__in=scope.municipality_ids, year__in=years)
        }

    scoped = {p: add(*(counts[s][p] for s in school_ids)) for p in [*periods, *(calendar if public else [])]}
    C = [scoped[p] for p in periods]  # noqa: N806 - the scope's counts per period, oldest first
    headings = tuple(Column(period_heading(p, today)) for p in periods)
    changes = (Column(_("Change from the year before"), CHANGE), Column(_("Change in percent"), PERCENT))

    # --- The five-year trend ------------------------------------------------------------------
    trend = _DraftTable(
        TREND,
        _("Five years side by side"),
        _("Figure"),
        headings + changes,
        caption=_(
            "Counted by the date of each event (the signal observed, the advice held, the report made), not the "
            "date it was typed in. The change compares %(period)s with the period before."
        )
        % {"period": period.label},
    )

    def trend_row(label: str, refs: Sequence[Ref], **options: Any) -> None:
        trend.add(label, [*refs, *_changes(refs)], **options)

    gut = [total(c, metrics.SIGNALS_GUT_FEELING) for c in C]
    police = [total(c, metrics.SIGNALS_BY_SOURCE, Signal.Source.POLICE_NOTICE) for c in C]
    signals = [total(c, metrics.SIGNALS) for c in C]
    rest = [max(0, s - g - p) for s, g, p in zip(signals, gut, police, strict=True)]
    (gut_refs, police_refs, _rest), signal_refs = page.lines(
        [("signals:gut_feeling", gut), ("signals:police_notice", police), ("signals:rest", rest)],
        periods,
        total=metrics.SIGNALS,
    )
    trend_row(str(metrics.LABELS[metrics.SIGNALS]), signal_refs)
    trend_row(str(metrics.LABELS[metrics.SIGNALS_GUT_FEELING]), gut_refs, level=1)
    trend_row(_("of which police notices (Handle with Care)"), police_refs, level=1)
    trend.add(str(metrics.LABELS[metrics.SIGNALS_BY_CATEGORY]), heading=True)
    categories = list(Signal.Category)
    by_category = [[total(x, metrics.SIGNALS_BY_CATEGORY, c.value) for x in C] for c in categories]
    # A signal counts in each of its kinds, so the kinds add up to at least the signals, and exactly
    # to them when every signal has one kind. A reader who knows the signals and all kinds but one
    # would have that one (or a lower bound of it): the kinds are suppressed as if their sum were
    # shown, and where that sum is the signals' total it is that figure (hidden where it is hidden).
    category_block = page.block(by_category, column_totals=True)
    for i, category in enumerate(categories):
        for j, p in enumerate(periods):
            category_block.keys[(i, j)] = page.key(f"signals:{category.value}", p)
    for j, p in enumerate(periods):
        sum_of_kinds = sum(row[j] for row in by_category)
        figure = metrics.SIGNALS if sum_of_kinds == signals[j] else "signals:kinds"
        category_block.keys[(len(categories), j)] = page.key(figure, p)
    category_refs = [[category_block.ref(i, j) for j in range(len(periods))] for i in range(len(categories))]
    for category, refs in zip(categories, category_refs, strict=True):
        trend_row(str(category.label), refs, level=1)

    [look_refs], _none = page.lines(
        [(metrics.LOOK_ALONG_REQUESTS, [total(c, metrics.LOOK_ALONG_REQUESTS) for c in C])], periods
    )
    trend_row(str(metrics.LABELS[metrics.LOOK_ALONG_REQUESTS]), look_refs)
    hours = [_histogram(c, metrics.LOOK_ALONG_HOURS) for c in C]

    def median_hours(histogram: dict[int, int]) -> Callable[[], Cell]:
        size = stats.size(histogram)
        # A median over fewer requests than the threshold is about those few: not shown.
        return lambda: stats.median(histogram) if size and size >= page.threshold else None

    trend.add(_("median hours until picked up"), [*(median_hours(h) for h in hours), None, None], level=1)

    route_metrics = (metrics.CASES_OPENED, metrics.ROUTES_STARTED, metrics.ROUTES_DECIDED)
    route_refs, _none = page.lines([(m, [total(c, m) for c in C]) for m in route_metrics], periods)
    for metric, refs in zip(route_metrics, route_refs, strict=True):
        trend_row(str(metrics.LABELS[metric]), refs)

    outcome_labels = dict(Decision._meta.get_field("outcome").choices or [])
    outcome_refs, decision_refs = page.lines(
        [(f"decisions:{o.value}", [total(c, metrics.DECISIONS_BY_OUTCOME, o.value) for c in C]) for o in OUTCOMES],
        periods,
        total="decisions",
    )
    advice_refs, _decisions = page.lines(
        [
            ("decisions:followed", [total(c, metrics.DECISIONS_FOLLOWING_ADVICE, "yes") for c in C]),
            ("decisions:differed", [total(c, metrics.DECISIONS_FOLLOWING_ADVICE, "no") for c in C]),
        ],
        periods,
        total="decisions",
    )
    trend_row(_("Decisions (the latest of each dossier)"), decision_refs)
    for outcome, refs in zip(OUTCOMES, outcome_refs, strict=True):
        trend_row(str(outcome_labels.get(outcome.value, outcome.value)), refs, level=1)
    trend_row(_("followed the framework's advice"), advice_refs[0], level=1)
    trend_row(_("differed from the framework's advice"), advice_refs[1], level=1)

    advice_labels = {
        "dossier:anonymous": _("anonymous, in a dossier"),
        "dossier:named": _("named, in a dossier"),
        "loose:anonymous": _("anonymous, without a dossier"),
        "loose:named": _("named, without a dossier"),
    }
    kind_refs, vt_refs = page.lines(
        [(f"advice:{k}", [total(c, metrics.ADVICE_REQUESTS, k) for c in C]) for k in ADVICE_KINDS],
        periods,
        total=metrics.ADVICE_REQUESTS,
    )
    trend_row(str(metrics.LABELS[metrics.ADVICE_REQUESTS]), vt_refs)
    for kind, refs in zip(ADVICE_KINDS, kind_refs, strict=True):
        trend_row(advice_labels[kind], refs, level=1)

    reports = [total(c, metrics.REPORTS) for c in C]
    repeats = [min(total(c, metrics.REPEAT_REPORTS), r) for c, r in zip(C, reports, strict=True)]
    (repeat_refs, _first), report_refs = page.lines(
        [("reports:repeat", repeats), ("reports:first", [r - p for r, p in zip(reports, repeats, strict=True)])],
        periods,
        total=metrics.REPORTS,
    )
    trend_row(str(metrics.LABELS[metrics.REPORTS]), report_refs)
    trend_row(str(metrics.LABELS[metrics.REPEAT_REPORTS]), repeat_refs, level=1)

    (in_dossier, loose), referral_refs = page.lines(
        [
            ("referral:dossier", [total(c, metrics.REFERRAL_INDEX_PLACED, "dossier") for c in C]),
            ("referral:loose", [total(c, metrics.REFERRAL_INDEX_PLACED, "loose") for c in C]),
        ],
        periods,
        total=metrics.REFERRAL_INDEX_PLACED,
    )
    trend_row(str(metrics.LABELS[metrics.REFERRAL_INDEX_PLACED]), referral_refs)
    trend_row(_("from a dossier"), in_dossier, level=1)
    trend_row(_("without a dossier"), loose, level=1)

    not_recorded_figure = f"closures:{Closure.Reason.NOT_RECORDED.value}"
    closures = [total(c, metrics.CLOSURES) for c in C]
    unexplained = [
        sum(n for (m, d), n in c.items() if m == metrics.CLOSURES and d.endswith(f":{Closure.Reason.NOT_RECORDED}"))
        for c in C
    ]
    (unexplained_refs, _explained), closure_refs = page.lines(
        [
            (not_recorded_figure, unexplained),
            ("closures:recorded", [n - u for n, u in zip(closures, unexplained, strict=True)]),
        ],
        periods,
        total=metrics.CLOSURES,
    )
    trend_row(str(metrics.LABELS[metrics.CLOSURES]), closure_refs)
    trend_row(_("of which nobody recorded why"), unexplained_refs, level=1)

    # --- The route in the chosen period: the funnel --------------------------------------------
    funnel = _DraftTable(
        ROUTE,
        _("From signal to report in %(period)s") % {"period": period.label},
        _("Step of the route"),
        (Column(period_heading(period, today)),),
        caption=_(
            "Each figure counts what happened in the period itself: a dossier opened in this period may have "
            "had its first signal the year before."
        ),
    )
    for metric_label, refs in (
        (metrics.LABELS[metrics.SIGNALS], signal_refs),
        (metrics.LABELS[metrics.CASES_OPENED], route_refs[0]),
        (metrics.LABELS[metrics.ROUTES_STARTED], route_refs[1]),
        (metrics.LABELS[metrics.ROUTES_DECIDED], route_refs[2]),
        (metrics.LABELS[metrics.REPORTS], report_refs),
    ):
        funnel.add(str(metric_label), [refs[-1]])

    drafts = [trend, funnel]

    # --- Per school or per municipality --------------------------------------------------------
    units = [unit for unit in scope.units if unit.school_ids]
    without = tuple(unit.name for unit in scope.units if not unit.school_ids)
    if units:
        per_municipality = scope.kind == Kind.REGION
        unit_counts = [add(*(counts[s][period] for s in unit.school_ids)) for unit in units]
        block = page.block(
            [[total(c, figure) for figure in UNIT_FIGURES] for c in unit_counts],
            column_totals=True,
            row_schools=[len(u.school_ids) for u in units] if per_municipality else [None] * len(units),
        )
        for i, unit in enumerate(units):
            for j, figure in enumerate(UNIT_FIGURES):
                block.keys[(i, j)] = page.key(figure, period, unit.school_ids)
        for j, figure in enumerate(UNIT_FIGURES):
            block.keys[(len(units), j)] = page.key(figure, period)
        columns = tuple(Column(str(metrics.LABELS[f])) for f in UNIT_FIGURES)
        if per_municipality:
            columns = (Column(_("Schools that use Haven")), *columns)
        table = _DraftTable(
            UNITS,
            (_("Per municipality in %(period)s") if per_municipality else _("Per school in %(period)s"))
            % {"period": period.label},
            _("Municipality") if per_municipality else _("School"),
            columns,
            caption=(
                _(
                    "Only the schools that use Haven. A municipality with fewer than three of them shows no "
                    "figures of its own: they count in the total."
                )
                if per_municipality
                else _("Each school of %(scope)s that uses Haven.") % {"scope": scope.name}
            ),
            notes=((_("No school uses Haven yet in: %(names)s.") % {"names": ", ".join(without)},) if without else ()),
        )
        for i, unit in enumerate(units):
            lead = [len(unit.school_ids)] if per_municipality else []
            table.add(unit.name, [*lead, *(block.ref(i, j) for j in range(len(UNIT_FIGURES)))])
        table.add(
            _("Total"),
            [
                *([len(school_ids)] if per_municipality else []),
                *(block.total_of_column(j) for j in range(len(UNIT_FIGURES))),
            ],
            total=True,
        )
        drafts.append(table)

    # --- Where open routes stand now -------------------------------------------------------------
    labels = step_labels()
    steps = [int(step) for step in Step]
    open_block = page.block(
        [[snapshot[s][0] - snapshot[s][1], snapshot[s][1]] for s in steps],
        row_totals=True,
        column_totals=True,
        grand_total=True,
    )
    open_table = _DraftTable(
        OPEN,
        _("Where open routes stand now"),
        _("Step of the route"),
        (Column(_("Open dossiers")), Column(_("of which stalled"))),
        caption=_(
            "The open dossiers at the step they are in, as counted at the last refresh. Stalled: nothing has "
            "happened in the dossier for longer than the school's term for inactivity."
        ),
    )
    for i, step in enumerate(steps):
        open_table.add(labels[step], [open_block.total_of_row(i), open_block.ref(i, 1)])
    open_table.add(_("Total"), [open_block.grand(), open_block.total_of_column(1)], total=True)
    drafts.append(open_table)

    # --- Where closed routes stopped, and why ----------------------------------------------------
    current = C[-1]
    closed_block = page.block(
        [[current.get((metrics.CLOSURES, f"{s}:{reason.value}"), 0) for s in steps] for reason in REASONS],
        row_totals=True,
        column_totals=True,
        grand_total=True,
    )
    for i, reason in enumerate(REASONS):
        closed_block.keys[(i, len(steps))] = page.key(f"closures:{reason.value}", period)
    closed_block.keys[(len(REASONS), len(steps))] = page.key(metrics.CLOSURES, period)
    closed_table = _DraftTable(
        CLOSED,
        _("Where routes stopped in %(period)s, and why") % {"period": period.label},
        _("Reason for closing"),
        (*(Column(labels[s]) for s in steps), Column(_("Total"))),
        caption=_(
            'Each closing of a dossier in the period, at the step the route was in. "Nobody recorded why": the '
            "dossier was closed by Haven itself (retention, a pupil who left) or before a reason was asked."
        ),
    )
    for i, reason in enumerate(REASONS):
        closed_table.add(
            str(reason.label), [*(closed_block.ref(i, j) for j in range(len(steps))), closed_block.total_of_row(i)]
        )
    closed_table.add(
        _("Total"),
        [*(closed_block.total_of_column(j) for j in range(len(steps))), closed_block.grand()],
        total=True,
    )
    drafts.append(closed_table)
    not_recorded_ref = closed_block.total_of_row(REASONS.index(Closure.Reason.NOT_RECORDED))
    all_closed_ref = closed_block.grand()

    # --- Durations --------------------------------------------------------------------------------
    histograms = [_histogram(current, metric) for metric in metrics.DURATIONS]
    size_block = page.block([[stats.size(h)] for h in histograms])
    duration_table = _DraftTable(
        DURATIONS,
        _("How long the route takes (%(period)s)") % {"period": period.label},
        _("From the first signal to"),
        (Column(_("Dossiers")), Column(_("Median in days"), NUMBER), Column(_("90th percentile in days"), NUMBER)),
        caption=_(
            "Per dossier the days from its first signal to its first consultation, conversation with the parents, "
            "decision and report, counted in the period of that later step. Half of the dossiers took at most the "
            "median; nine in ten at most the 90th percentile."
        ),
    )
    duration_labels = (_("the first consultation"), _("the conversation"), _("the decision"), _("the report"))
    for i, (label, histogram) in enumerate(zip(duration_labels, histograms, strict=True)):
        size = size_block.ref(i, 0)

        def percentile(
            histogram: dict[int, int] = histogram, size: Ref = size, percent: int = 50
        ) -> Callable[[], Cell]:
            def value() -> Cell:
                if size.shown is None:
                    return None
                n = stats.size(histogram)
                # A nearest-rank percentile at the last rank is the longest dossier itself (the 90th
                # percentile of fewer than ten): one pupil's days, so not shown outside the school.
                if not page.exact and -(-percent * n // 100) >= n:
                    return None
                return stats.percentile(histogram, percent)

            return value

        duration_table.add(label, [size, percentile(), percentile(percent=90)])
    drafts.append(duration_table)

    # --- After a report ----------------------------------------------------------------------------
    after = _DraftTable(
        AFTER_REPORT,
        _("After a report"),
        _("Figure"),
        headings,
        caption=_(
            "Feedback is counted in the period of its deadline (the agreed date, at most ten weeks after the "
            "report); an evaluation of a help plan in the period it was due."
        ),
    )
    feedback_kinds = (
        ("received", _("feedback received")),
        ("overdue", _("deadline passed without feedback")),
        ("pending", _("deadline not yet reached")),
    )
    feedback_refs, feedback_totals = page.lines(
        [(f"feedback:{k}", [total(c, metrics.FEEDBACK, k) for c in C]) for k, _label in feedback_kinds],
        periods,
        total=metrics.FEEDBACK,
    )
    after.add(_("Reports whose feedback from Veilig Thuis was due"), feedback_totals)
    for (_kind, label), refs in zip(feedback_kinds, feedback_refs, strict=True):
        after.add(label, refs, level=1)
    evaluation_kinds = (
        ("on_time", _("evaluated on time")),
        ("late", _("evaluated late")),
        ("overdue", _("overdue, not evaluated")),
        ("pending", _("not yet due")),
    )
    evaluation_refs, evaluation_totals = page.lines(
        [(f"evaluations:{k}", [total(c, metrics.EVALUATIONS, k) for c in C]) for k, _label in evaluation_kinds],
        periods,
        total=metrics.EVALUATIONS,
    )
    after.add(_("Evaluation moments of help plans"), evaluation_totals)
    for (_kind, label), refs in zip(evaluation_kinds, evaluation_refs, strict=True):
        after.add(label, refs, level=1)
    drafts.append(after)

    # --- The prevalence lower bound ------------------------------------------------------------------
    haven_pupils = [total(c, metrics.PUPILS) for c in C]
    [pupil_refs], _none = page.lines([(metrics.PUPILS, haven_pupils)], periods)
    public_pupils = [
        _sum_known([getattr(published.get((m.pk, p.year)), "pupils_primary", None) for m in municipalities])
        for p in periods
    ]
    sources: list[str | None] = []
    pupil_cells: list[Spec] = []
    bases: list[Callable[[], int | None]] = []
    for haven_count, public_count, ref, signals_counted in zip(
        haven_pupils, public_pupils, pupil_refs, signals, strict=True
    ):
        if haven_count:
            sources.append(_("Haven"))
            pupil_cells.append(ref)
            bases.append(_shown_later(ref))
        # A year before the schools used Haven has nothing of Haven to set beside the bound.
        elif public and public_count and signals_counted:
            sources.append(_("public figures"))
            pupil_cells.append(public_count)
            bases.append(_known(public_count))
        else:
            sources.append(None)
            pupil_cells.append(None)
            bases.append(lambda: None)

    def bound(base: Callable[[], int | None]) -> Callable[[], Cell]:
        return lambda: None if (n := base()) is None else stats.prevalence_lower_bound(n)

    prevalence = _DraftTable(
        PREVALENCE,
        _("Beside the lower bound of prevalence"),
        _("Figure"),
        headings,
        caption=_(
            "About 3 percent of children face some form of abuse each year: the lower bound is 3 percent of the "
            "pupils counted on 1 October, rounded half up. Haven's pupils are those of the schools that use Haven; "
            "where Haven has no count, the public pupil count of the municipalities (all their schools) is used."
        ),
    )
    prevalence.add(_("Pupils on 1 October"), pupil_cells)
    prevalence.add(_("Expected at least (3 percent)"), [bound(b) for b in bases])
    prevalence.add(str(metrics.LABELS[metrics.SIGNALS]), signal_refs)
    prevalence.add(str(metrics.LABELS[metrics.CASES_OPENED]), route_refs[0])
    prevalence.add(str(metrics.LABELS[metrics.REPORTS]), report_refs)
    prevalence.add(_("Pupil count from"), sources)
    drafts.append(prevalence)

    # --- Public figures beside Haven's -------------------------------------------------------------
    draft_public = None
    if public and municipalities:
        schools_of = {unit.municipality_id: list(unit.school_ids) for unit in scope.units if unit.municipality_id}
        if scope.kind == Kind.MUNICIPALITY:
            schools_of = {municipalities[0].pk: list(school_ids)}
        draft_public = report_table.draft_table(
            scope.name, municipalities, schools_of, counts, published, years, exact=scope.exact
        )
        page.blocks.extend(draft_public.blocks)

    protect(page.blocks, threshold=page.threshold)

    tables = [draft.resolve(page) for draft in drafts]
    if draft_public is not None:
        tables.append(_public_table(draft_public.resolve(page.threshold), page))

    lines = []
    for p, signals_ref, cases_ref, reports_ref, base_of in zip(
        periods, signal_refs, route_refs[0], report_refs, bases, strict=True
    ):
        expected = base_of()
        if expected is None:
            continue
        lines.append(
            _(
                "%(period)s: %(signals)s signals, %(dossiers)s dossiers and %(reports)s reports, for an expected at "
                "least %(expected)s children."
            )
            % {
                "period": period_heading(p, today),
                "signals": _text(page.resolve(signals_ref)),
                "dossiers": _text(page.resolve(cases_ref)),
                "reports": _text(page.resolve(reports_ref)),
                "expected": _text(stats.prevalence_lower_bound(expected)),
            }
        )
    return Monitoring(
        scope=scope,
        period=period,
        periods=periods,
        today=today,
        threshold=page.threshold,
        hidden_text=page.hidden,
        refresh=refresh,
        tables=tuple(tables),
        prevalence=tuple(lines),
        public_year=period.year if public else None,
        units_without_schools=without,
        not_recorded=(not_recorded_ref.shown, all_closed_ref.shown),
    )


def _text(cell: Cell) -> str:
    if cell is None:
        return "–"
    if isinstance(cell, int):
        return format_number(cell)
    return str(cell)


def format_number(n: int) -> str:
    """A whole number the Dutch way: 12.345."""
    return f"{n:,}".replace(",", ".")


def _public_table(report: report_table.ReportTable, page: _Page) -> Table:
    columns = (
        Column(_("Year"), TEXT),
        Column(_("Pupils (primary education)")),
        Column(_("Expected at least (3 percent)")),
        Column(_("Advice requests from education (Veilig Thuis)")),
        Column(_("Reports from education (Veilig Thuis)")),
        Column(_("Verwijsindex signals (primary schools)")),
        Column(_("Schools that use Haven")),
        Column(_("Haven: signals")),
        Column(_("Haven: dossiers opened")),
        Column(_("Haven: advice requests")),
        Column(_("Haven: reports")),
        Column(_("Haven: verwijsindex signals")),
    )
    rows = tuple(
        Row(
            _("Total: %(name)s") % {"name": row.municipality} if row.is_total else row.municipality,
            tuple(row.cells()[2:]),
            total=row.is_total,
        )
        for row in report.rows
    )
    return Table(
        key=PUBLIC,
        title=_("Public figures beside Haven's"),
        stub=_("Municipality"),
        columns=columns,
        rows=rows,
        caption=_(
            "Per municipality and calendar year: the figures published by CBS (Veilig Thuis), DUO and the "
            "verwijsindex, as published, beside Haven's own counts. Haven counts only the schools that use Haven; "
            "the public figures count all schools."
        ),
        notes=(
            _("– : not known; in Haven's columns: no school of the municipality uses Haven."),
            _(
                "Expected at least: 3 percent of the pupils, rounded half up. A total is the sum of the rows above "
                "it, and not known when a row is not known; the total of the lower bound is the sum of the rows' "
                "bounds."
            ),
            _(
                "Haven's counts of a municipality with fewer than three Haven schools are hidden: they count in the "
                "total."
            ),
        ),
        hidden_text=page.hidden,
        export_header=report.header,
        export_rows=tuple(tuple(row) for row in report.cells()),
    )
