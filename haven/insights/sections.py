"""The monitoring as sections: a heading, a short text, a chart with its summary, and the tables.

The page and the PDF report both render `sections(monitoring)`. Charts are drawn from the tables
themselves (`haven.insights.charts`, which escapes every text), so a chart never shows a figure
its table hides: a hidden figure is an empty dashed bar labelled "< 5".
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from haven.insights import charts, metrics
from haven.insights.exports import Cell
from haven.insights.tables import (
    AFTER_REPORT,
    CLOSED,
    DURATIONS,
    OPEN,
    PREVALENCE,
    PUBLIC,
    ROUTE,
    TREND,
    UNITS,
    Monitoring,
    Table,
    format_number,
)


@dataclass(frozen=True)
class Chart:
    svg: str  # safe to mark safe: charts.py escapes every text
    summary: str


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    intro: str
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = ()
    # A sentence that stands out above the chart (the figure the section is about).
    lead: str = ""


def _value(cell: Cell) -> int | None:
    """A chart's value: a count, or None for a hidden figure."""
    return cell if isinstance(cell, int) and not isinstance(cell, bool) else None


def _say(cell: Cell, hidden: str) -> str:
    if isinstance(cell, int):
        return format_number(cell)
    return hidden if cell is None else str(cell)


def _series_summary(labels: Sequence[str], series: Sequence[charts.Series], hidden: str) -> str:
    parts = []
    for s in series:
        values = ", ".join(
            f"{label} {hidden if value is None else format_number(value)}"
            for label, value in zip(labels, s.values, strict=True)
        )
        parts.append(f"{s.label}: {values}")
    return "; ".join(parts) + "."


def _bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[charts.Series],
    hidden: str,
    *,
    horizontal: bool = False,
    note: str = "",
) -> Chart:
    summary = _series_summary(labels, series, hidden) + (f" {note}" if note else "")
    svg = charts.bar_chart(
        title,
        summary,
        labels,
        series,
        hidden_label=hidden,
        horizontal=horizontal,
        format_value=format_number,
        chart_id=chart_id,
    )
    return Chart(svg, summary)


def _rows(table: Table, labels: Sequence[str]) -> list[charts.Series]:
    return [charts.Series(label, [_value(cell) for cell in table.row(label).cells]) for label in labels]


def sections(monitoring: Monitoring) -> list[Section]:
    hidden = monitoring.hidden_text
    period = monitoring.period
    result: list[Section] = []
    labels = [p.label for p in monitoring.periods]

    route = monitoring.table(ROUTE)
    if route is not None:
        steps = [(row.label, _value(row.cells[0])) for row in route.rows]
        summary = "; ".join(f"{label}: {_say(value, hidden)}" for label, value in steps) + "."
        svg = charts.funnel(
            route.title, summary, steps, hidden_label=hidden, format_value=format_number, chart_id="chart-route"
        )
        lead = next((line for line in monitoring.prevalence if line.startswith(period.label)), "")
        result.append(
            Section(
                ROUTE,
                _("The route in %(period)s") % {"period": period.label},
                _("How many signals led to a dossier, a consultation, a decision and a report to Veilig Thuis."),
                (route,),
                (Chart(svg, summary),),
                lead=lead,
            )
        )

    trend = monitoring.table(TREND)
    if trend is not None:
        names = [str(metrics.LABELS[m]) for m in (metrics.SIGNALS, metrics.CASES_OPENED, metrics.REPORTS)]
        title = _("Signals, dossiers and reports over five years")
        series = [charts.Series(s.label, list(s.values[: len(labels)])) for s in _rows(trend, names)]
        result.append(
            Section(
                TREND,
                _("Five years side by side"),
                _("Every figure of the route per period, with the change from the period before."),
                (trend,),
                (_bar_chart("chart-trend", title, labels, series, hidden),),
            )
        )

    units = monitoring.table(UNITS)
    if units is not None:
        result.append(
            Section(
                UNITS,
                units.title,
                _("The main figures of the chosen period side by side, with the total."),
                (units,),
            )
        )

    open_routes = monitoring.table(OPEN)
    if open_routes is not None:
        step_names = [row.label for row in open_routes.rows if not row.total]
        series = [
            charts.Series(open_routes.columns[k].label, [_value(row.cells[k]) for row in open_routes.rows[:-1]])
            for k in range(2)
        ]
        result.append(
            Section(
                OPEN,
                open_routes.title,
                _("Where the dossiers that are still open are now, and how many of them have stalled."),
                (open_routes,),
                (_bar_chart("chart-open", open_routes.title, step_names, series, hidden, horizontal=True),),
            )
        )

    closed = monitoring.table(CLOSED)
    if closed is not None:
        unexplained, everything = monitoring.not_recorded
        if everything and unexplained is not None:
            lead = _(
                "For %(count)s of the %(total)s routes closed in %(period)s nobody recorded why (%(percent)s percent)."
            ) % {
                "count": format_number(unexplained),
                "total": format_number(everything),
                "period": period.label,
                "percent": round(100 * unexplained / everything),
            }
        elif everything:
            lead = _("%(total)s routes were closed in %(period)s.") % {
                "total": format_number(everything),
                "period": period.label,
            }
        elif everything == 0:
            lead = _("No route was closed in %(period)s.") % {"period": period.label}
        else:
            lead = ""
        found: list[Chart] = []
        if everything != 0:
            # Per step: the closings and, among them, those nobody explained (the last reason's row).
            steps_labels = [column.label for column in closed.columns[:-1]]
            total_row, unexplained_row = closed.rows[-1], closed.rows[-2]
            found.append(
                _bar_chart(
                    "chart-closed-steps",
                    _("At which step routes stopped"),
                    steps_labels,
                    [
                        charts.Series(_("Routes closed"), [_value(c) for c in total_row.cells[:-1]]),
                        charts.Series(unexplained_row.label, [_value(c) for c in unexplained_row.cells[:-1]]),
                    ],
                    hidden,
                    horizontal=True,
                )
            )
            reasons = [row for row in closed.rows[:-1] if row.cells[-1] != 0]
            found.append(
                _bar_chart(
                    "chart-closed-reasons",
                    _("Why routes stopped"),
                    [row.label for row in reasons],
                    [charts.Series(_("Routes closed"), [_value(row.cells[-1]) for row in reasons])],
                    hidden,
                    horizontal=True,
                )
            )
        result.append(
            Section(
                CLOSED,
                closed.title,
                _("At which step dossiers were closed and the reason recorded, with the closings nobody explained."),
                (closed,),
                tuple(found),
                lead=lead,
            )
        )

    durations = monitoring.table(DURATIONS)
    if durations is not None:
        result.append(
            Section(
                DURATIONS,
                durations.title,
                _("How many days it took from the first signal to the next steps of the route."),
                (durations,),
            )
        )

    after = monitoring.table(AFTER_REPORT)
    if after is not None:
        result.append(
            Section(
                AFTER_REPORT,
                after.title,
                _("Whether Veilig Thuis gave feedback in time, and whether help plans were evaluated when agreed."),
                (after,),
            )
        )

    prevalence = monitoring.table(PREVALENCE)
    if prevalence is not None:
        expected = prevalence.rows[1].cells
        known = [k for k, cell in enumerate(expected) if isinstance(cell, int)]
        chart = None
        if known:
            names = [prevalence.rows[k].label for k in (1, 2, 3, 4)]
            series = [charts.Series(name, [_value(prevalence.row(name).cells[k]) for k in known]) for name in names]
            chart = _bar_chart(
                "chart-prevalence",
                _("Haven's figures beside the lower bound"),
                [labels[k] for k in known],
                series,
                hidden,
            )
        result.append(
            Section(
                PREVALENCE,
                prevalence.title,
                _("Signals, dossiers and reports beside the number of children who, at the least, face abuse."),
                (prevalence,),
                (chart,) if chart else (),
            )
        )

    public = monitoring.table(PUBLIC)
    if public is not None:
        year = str(monitoring.public_year)
        columns = [column.label for column in public.columns]
        wanted = [2, 3, 4, 10]  # expected at least, public advice requests and reports, Haven's reports
        rows = [
            row
            for row in public.rows
            if not row.total and row.cells[0] == int(year) and all(isinstance(row.cells[k], int) for k in (1, 2, 3, 4))
        ]
        chart = None
        if rows:
            series = []
            for k in wanted:
                # No Haven school in a municipality: Haven counted nothing there.
                values = [0 if row.cells[k] is None else _value(row.cells[k]) for row in rows]
                series.append(charts.Series(columns[k], values))
            without = [row.label for row in rows if row.cells[10] is None]
            chart = _bar_chart(
                "chart-public",
                _("Public figures and Haven's beside the lower bound, %(year)s") % {"year": year},
                [row.label for row in rows],
                series,
                hidden,
                horizontal=True,
                note=_("No school uses Haven yet in: %(names)s.") % {"names": ", ".join(without)} if without else "",
            )
        result.append(
            Section(
                PUBLIC,
                public.title,
                _(
                    "The public figures of the municipalities beside Haven's own counts and the lower bound of "
                    "prevalence, per calendar year. Haven counts only the schools that use Haven."
                ),
                (public,),
                (chart,) if chart else (),
            )
        )
    return result
