"""Charts of the monitoring as SVG drawn on the server: no JavaScript, readable without colour. Pure.

Each function returns one `<svg>` element as a string, with `role="img"` and `aria-labelledby`
pointing at its `<title>` (the caption) and `<desc>` (the text summary the caller writes, so a
screen reader hears what a sighted reader sees). Every text that goes in is escaped here, so the
caller may mark the result safe. The page puts the data table next to the chart.

Readable without colour and for colour-blind readers: each series has its own colour from a
palette after Okabe and Ito (darkened where needed so every fill has at least 3:1 contrast with
white) AND its own pattern (solid, hatching, dots, cross-hatching, ...), the legend shows both,
and every value is printed next to its bar in dark text (at least 12px, far above 4.5:1). A
hidden figure (None: suppressed) is an empty bar with a dashed outline of a fixed small size, so
its size says nothing, labelled with the caller's text (e.g. "< 5"). The charts draw only the
figures passed in: they compute no totals, which could give away a hidden figure.

All labels come from the caller, already translated; numbers go through `format_value` (e.g. a
Dutch thousands separator), by default `str`.
"""

import hashlib
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TEXT = "#1a1a1a"  # 17:1 on white
MUTED = "#595959"  # 7:1 on white: tick labels
GRID = "#d9d9d9"  # decoration only
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
FONT_SIZE = 14
SMALL_SIZE = 13
LINE = 18  # the height of a line of text
CHAR = 0.6  # a generous estimate of a character's width, in ems, to lay text out without a font
STUB = 18  # the length of the bar of a hidden figure

# After Okabe & Ito (2008), darkened where the original is lighter than 3:1 against white
# (orange, sky blue and yellow), with a dark grey and Paul Tol's wine to reach seven.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#9A6700", "#5E5E5E", "#882255")
PATTERNS = (
    "solid",
    "diagonal",
    "dots",
    "crosshatch",
    "horizontal",
    "backdiagonal",
    "vertical",
    "grid",
    "checks",
    "rings",
    "zigzag",
    "plus",
)

# The white marks over an 8 x 8 tile of the series' colour, and the tile's turn.
_WHITE = 'fill="none" stroke="#ffffff"'
_MARKS = {
    "solid": ("", ""),
    "diagonal": (f'<path d="M0,0 V8" {_WHITE} stroke-width="2"/>', ' patternTransform="rotate(45)"'),
    "dots": ('<circle cx="4" cy="4" r="1.8" fill="#ffffff"/>', ""),
    "crosshatch": (f'<path d="M0,0 V8 M0,4 H8" {_WHITE} stroke-width="2"/>', ' patternTransform="rotate(45)"'),
    "horizontal": (f'<path d="M0,4 H8" {_WHITE} stroke-width="2"/>', ""),
    "backdiagonal": (f'<path d="M0,0 V8" {_WHITE} stroke-width="2"/>', ' patternTransform="rotate(-45)"'),
    "vertical": (f'<path d="M4,0 V8" {_WHITE} stroke-width="2"/>', ""),
    "grid": (f'<path d="M4,0 V8 M0,4 H8" {_WHITE} stroke-width="1.2"/>', ""),
    "checks": ('<path d="M0,0 H4 V4 H0 Z M4,4 H8 V8 H4 Z" fill="#ffffff"/>', ""),
    "rings": (f'<circle cx="4" cy="4" r="2.2" {_WHITE} stroke-width="1.2"/>', ""),
    "zigzag": (f'<path d="M0,6 L2,2 L4,6 L6,2 L8,6" {_WHITE} stroke-width="1.4"/>', ""),
    "plus": (f'<path d="M4,1.5 V6.5 M1.5,4 H6.5" {_WHITE} stroke-width="1.4"/>', ""),
}


@dataclass(frozen=True)
class Series:
    """One figure over the labels (a year, a step): a count, or None when it is hidden."""

    label: str
    values: Sequence[int | None]


def bar_chart(
    title: str,
    summary: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    hidden_label: str,
    horizontal: bool = False,
    format_value: Callable[[int], str] = str,
    chart_id: str | None = None,
    width: int = 640,
) -> str:
    """Grouped bars: per label (a year, a municipality) one bar per series (a figure).

    Vertical bars by default (years along the bottom); horizontal when the labels are long.
    """
    _check(labels, series)
    chart = _Chart(title, summary, chart_id, width, [s.label for s in series], labels)
    top = chart.legend([(s.label, k) for k, s in enumerate(series)])
    shown = [v for s in series for v in s.values if v is not None]
    if horizontal:
        _horizontal_groups(chart, top, labels, series, shown, hidden_label, format_value)
    else:
        _vertical_groups(chart, top, labels, series, shown, hidden_label, format_value)
    return chart.render()


def funnel(
    title: str,
    summary: str,
    steps: Sequence[tuple[str, int | None]],
    *,
    hidden_label: str,
    format_value: Callable[[int], str] = str,
    chart_id: str | None = None,
    width: int = 640,
) -> str:
    """The funnel of the route: per step a bar centred under the one before, its count beside it."""
    for _label, value in steps:
        _check_value(value)
    chart = _Chart(title, summary, chart_id, width, [], [label for label, _ in steps])
    shown = [value for _label, value in steps if value is not None]
    texts = [format_value(v) for v in shown] + [hidden_label]
    room = max(_text_width(t) for t in texts) + 8
    widest = max(chart.plot_width - 2 * room, STUB)
    fill = chart.pattern(0)
    scale = _Scale(max(shown, default=0), widest)
    y = 8.0
    centre = chart.left + chart.plot_width / 2
    for label, value in steps:
        y = chart.wrapped_text(label, chart.left, y, chart.plot_width) + 4
        if value is None:
            chart.stub(centre - STUB / 2, y, STUB, 22, 0)
            chart.text(hidden_label, centre + STUB / 2 + 6, y + 16)
        else:
            length = scale.length(value)
            chart.bar(centre - length / 2, y, length, 22, fill)
            chart.text(format_value(value), centre + length / 2 + 6, y + 16)
        y += 22 + 14
    chart.height = y
    return chart.render()


def stacked_bars(
    title: str,
    summary: str,
    categories: Sequence[str],
    segments: Sequence[Series],
    *,
    hidden_label: str,
    format_value: Callable[[int], str] = str,
    chart_id: str | None = None,
    width: int = 640,
) -> str:
    """Per category (a step) one horizontal bar split into its segments (the reasons), with a line
    under it giving each segment's count beside its pattern. Hidden segments follow the shown
    ones as dashed stubs."""
    _check(categories, segments)
    chart = _Chart(title, summary, chart_id, width, [s.label for s in segments], categories)
    y = chart.legend([(s.label, k) for k, s in enumerate(segments)])
    fills = [chart.pattern(k) for k in range(len(segments))]
    known = [sum(v for s in segments if (v := s.values[c]) is not None) for c in range(len(categories))]
    hidden = [sum(s.values[c] is None for s in segments) for c in range(len(categories))]
    room = max((h * (STUB + 2) for h in hidden), default=0)
    scale = _Scale(max(known, default=0), max(chart.plot_width - room, STUB))
    for c, category in enumerate(categories):
        y = chart.wrapped_text(category, chart.left, y, chart.plot_width) + 4
        x = float(chart.left)
        for k, segment in enumerate(segments):
            value = segment.values[c]
            if value:
                length = scale.length(value)
                chart.bar(x, y, length, 22, fills[k], k)
                x += length
        for k, segment in enumerate(segments):
            if segment.values[c] is None:
                chart.stub(x + 2, y, STUB, 22, k)
                x += STUB + 2
        y += 22 + 6
        chips = [
            (k, hidden_label if value is None else format_value(value))
            for k, segment in enumerate(segments)
            if (value := segment.values[c]) is None or value > 0
        ]
        if not chips:
            chart.text(format_value(0), chart.left, y + 14)
            y += LINE
        else:
            y = chart.chips(chips, y)
        y += 14
    chart.height = y
    return chart.render()


# --- layout --------------------------------------------------------------------------------------


def _vertical_groups(
    chart: "_Chart",
    top: float,
    labels: Sequence[str],
    series: Sequence[Series],
    shown: list[int],
    hidden_label: str,
    format_value: Callable[[int], str],
) -> None:
    scale_max, ticks = _ticks(max(shown, default=0))
    tick_texts = [format_value(t) for t in ticks]
    axis = max(_text_width(t, SMALL_SIZE) for t in tick_texts) + 8
    left = chart.left + axis
    plot = max(chart.plot_width - axis, 4 * STUB)
    group = plot / max(len(labels), 1)
    bar = max(min(group * 0.8 / max(len(series), 1), 48), 6)
    value_texts = [format_value(v) for v in shown] + [hidden_label]
    longest = max(_text_width(t, SMALL_SIZE) for t in value_texts)
    upright = longest > bar + 4  # too wide above a bar: turned a quarter
    headroom = (longest + 6) if upright else LINE + 2
    label_lines = max((len(_wrap(label, group - 4)) for label in labels), default=1)
    plot_top = top + headroom
    plot_height = 240.0
    base = plot_top + plot_height
    scale = _Scale(scale_max, plot_height)
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = base - scale.length(tick)
        chart.line(left, y, left + plot, y, GRID)
        chart.text(text, left - 6, y + 4, anchor="end", size=SMALL_SIZE, fill=MUTED)
    fills = [chart.pattern(k) for k in range(len(series))]
    for g, label in enumerate(labels):
        start = left + g * group + (group - bar * len(series)) / 2
        for k, s in enumerate(series):
            x = start + k * bar
            value = s.values[g]
            if value is None:
                chart.stub(x + 1, base - STUB, bar - 2, STUB, k)
                chart.value(hidden_label, x + bar / 2, base - STUB - 6, upright)
            else:
                length = scale.length(value)
                chart.bar(x + 1, base - length, bar - 2, length, fills[k], k)
                chart.value(format_value(value), x + bar / 2, base - length - 6, upright)
        y = base + LINE
        for line in _wrap(label, group - 4):
            chart.text(line, left + g * group + group / 2, y, anchor="middle")
            y += LINE
    chart.line(left, base, left + plot, base, TEXT)
    chart.height = base + label_lines * LINE + 12


def _horizontal_groups(
    chart: "_Chart",
    top: float,
    labels: Sequence[str],
    series: Sequence[Series],
    shown: list[int],
    hidden_label: str,
    format_value: Callable[[int], str],
) -> None:
    value_texts = [format_value(v) for v in shown] + [hidden_label]
    room = max(_text_width(t) for t in value_texts) + 8
    plot = max(chart.plot_width - room, 4 * STUB)
    scale_max, ticks = _ticks(max(shown, default=0))
    scale = _Scale(scale_max, plot)
    fills = [chart.pattern(k) for k in range(len(series))]
    y = top
    for g, label in enumerate(labels):
        y = chart.wrapped_text(label, chart.left, y, chart.plot_width) + 4
        for k, s in enumerate(series):
            value = s.values[g]
            if value is None:
                chart.stub(chart.left, y, STUB, 18, k)
                chart.text(hidden_label, chart.left + STUB + 6, y + 14)
            else:
                length = scale.length(value)
                chart.bar(chart.left, y, length, 18, fills[k], k)
                chart.text(format_value(value), chart.left + length + 6, y + 14)
            y += 18 + 3
        y += 12
    for tick in ticks:
        x = chart.left + scale.length(tick)
        chart.line(x, top, x, y, GRID, behind=True)
        chart.text(format_value(tick), x, y + 14, anchor="middle", size=SMALL_SIZE, fill=MUTED)
    chart.line(chart.left, top, chart.left, y, TEXT)
    chart.height = y + LINE + 8


class _Scale:
    def __init__(self, maximum: int, length: float):
        self.maximum = max(maximum, 1)  # all zero or all hidden: nothing to divide by
        self.full = length

    def length(self, value: int) -> float:
        return self.full * value / self.maximum


def _ticks(maximum: int) -> tuple[int, list[int]]:
    """A round top of the axis at or above `maximum` and about four whole-number steps to it."""
    if maximum <= 0:
        return 1, [0]
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step) * step
    return top, list(range(0, top + 1, step))


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * CHAR * size


def _wrap(text: str, width: float, size: int = FONT_SIZE) -> list[str]:
    """Words on lines of at most `width` (estimated); a longer word gets a line of its own."""
    limit = max(int(width / (CHAR * size)), 1)
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current or not lines:
        lines.append(current)
    return lines


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(labels)} labels")
        for value in s.values:
            _check_value(value)


def _check_value(value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError("a count cannot be negative")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _n(number: float) -> str:
    """A coordinate: short, and never in exponent notation."""
    return f"{number:.1f}".removesuffix(".0")


class _Chart:
    """One SVG being drawn: its definitions, its shapes, and its height once laid out."""

    def __init__(
        self, title: str, summary: str, chart_id: str | None, width: int, series: Sequence[str], labels: Sequence[str]
    ):
        if chart_id is None:
            digest = hashlib.sha256("\x1f".join([title, summary, *series, *labels]).encode()).hexdigest()
            chart_id = f"chart-{digest[:12]}"
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", chart_id):
            raise ValueError("a chart id is a letter followed by letters, digits, - or _")
        self.id = chart_id
        self.title = title
        self.summary = summary
        self.width = width
        self.left = 8
        self.plot_width = width - 16
        self.height = 0.0
        self.defs: dict[int, str] = {}
        self.behind: list[str] = []
        self.shapes: list[str] = []

    # definitions

    def pattern(self, k: int) -> str:
        """The fill of series k: its colour with its pattern in white over it."""
        if k not in self.defs:
            colour, kind = PALETTE[k % len(PALETTE)], PATTERNS[k % len(PATTERNS)]
            marks, turn = _MARKS[kind]
            self.defs[k] = (
                f'<pattern id="{self.id}-p{k}" data-pattern="{kind}" width="8" height="8" '
                f'patternUnits="userSpaceOnUse"{turn}><rect width="8" height="8" fill="{colour}"/>'
                f"{marks}</pattern>"
            )
        return f"url(#{self.id}-p{k})"

    # shapes

    def text(
        self, text: str, x: float, y: float, *, anchor: str = "start", size: int = FONT_SIZE, fill: str = TEXT
    ) -> None:
        self.shapes.append(
            f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}" text-anchor="{anchor}">{_e(text)}</text>'
        )

    def value(self, text: str, x: float, y: float, upright: bool) -> None:
        if upright:
            self.shapes.append(
                f'<text x="{_n(x + 4)}" y="{_n(y)}" font-size="{SMALL_SIZE}" fill="{TEXT}" '
                f'transform="rotate(-90 {_n(x + 4)} {_n(y)})">{_e(text)}</text>'
            )
        else:
            self.text(text, x, y, anchor="middle", size=SMALL_SIZE)

    def wrapped_text(self, text: str, x: float, y: float, width: float) -> float:
        """Lines of text from y down; where the next thing may start."""
        for line in _wrap(text, width):
            self.text(line, x, y + LINE - 4)
            y += LINE
        return y

    def bar(self, x: float, y: float, w: float, h: float, fill: str, k: int = 0) -> None:
        if w <= 0 or h <= 0:
            return
        colour = PALETTE[k % len(PALETTE)]
        self.shapes.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}" '
            f'stroke="{colour}" stroke-width="1.5" data-series="{k}"/>'
        )

    def stub(self, x: float, y: float, w: float, h: float, k: int) -> None:
        colour = PALETTE[k % len(PALETTE)]
        self.shapes.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3" data-series="{k}" data-hidden="true"/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, *, behind: bool = False) -> None:
        (self.behind if behind or colour == GRID else self.shapes).append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" stroke-width="1"/>'
        )

    def swatch(self, x: float, y: float, k: int, size: float = 16) -> None:
        self.bar(x, y, size, size, self.pattern(k), k)

    def legend(self, items: Sequence[tuple[str, int]]) -> float:
        """The series' patterns and names in rows across the top; where the chart may start."""
        x, y = float(self.left), 8.0
        for label, k in items:
            room = 16 + 6 + _text_width(label) + 18
            if x > self.left and x + room > self.left + self.plot_width:
                x, y = float(self.left), y + LINE + 6
            self.swatch(x, y + 1, k)
            self.text(label, x + 22, y + 14)
            x += room
        return y + LINE + 14 if items else 8.0

    def chips(self, chips: Sequence[tuple[int, str]], y: float) -> float:
        """Per segment its pattern and its count, in rows; where the next thing may start."""
        x = float(self.left)
        for k, text in chips:
            room = 14 + 5 + _text_width(text) + 14
            if x > self.left and x + room > self.left + self.plot_width:
                x, y = float(self.left), y + LINE + 2
            self.swatch(x, y + 2, k, 14)
            self.text(text, x + 19, y + 14)
            x += room
        return y + LINE

    def render(self) -> str:
        height = math.ceil(self.height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-labelledby="{self.id}-title {self.id}-desc" viewBox="0 0 {self.width} {height}" '
            f'width="{self.width}" height="{height}" font-family="{_e(FONT)}" class="haven-chart">'
            f'<title id="{self.id}-title">{_e(self.title)}</title>'
            f'<desc id="{self.id}-desc">{_e(self.summary)}</desc>'
            f"<defs>{''.join(self.defs[k] for k in sorted(self.defs))}</defs>"
            f'<rect width="{self.width}" height="{height}" fill="#ffffff"/>'
            f"{''.join(self.behind)}{''.join(self.shapes)}</svg>"
        )
