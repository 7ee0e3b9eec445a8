"""The monitoring's SVG charts: valid, accessible, escaped, readable without colour, and silent
about hidden figures."""

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.insights import charts
from haven.insights.charts import PALETTE, Series, bar_chart, funnel, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"
YEARS = ["2021-2022", "2022-2023", "2023-2024", "2024-2025", "2025-2026"]


def dutch(n):
    return f"{n:,}".replace(",", ".")


def parse(svg):
    return ET.fromstring(svg)


def texts(root):
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def all_text(root):
    return " ".join(texts(root))


def bars(root):
    return [el for el in root.iter(f"{SVG}rect") if "data-series" in el.attrib]


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour):
    return 1.05 / (luminance(colour) + 0.05)


def trend(**kwargs):
    return bar_chart(
        "Five years",
        "Signals rose from 120 to 160.",
        YEARS,
        [
            Series("Signals", [120, 134, 151, 1290, 160]),
            Series("Dossiers opened", [31, 29, None, 40, 38]),
            Series("Reports", [6, None, 8, 0, 9]),
        ],
        hidden_label="< 5",
        format_value=dutch,
        **kwargs,
    )


def route_funnel(**kwargs):
    steps = [("Signal logged", 151), ("Consultation", 52), ("Conversation", 20), ("Decision", None)]
    return funnel("Funnel", "Of 151 signals, 52 reached a consultation.", steps, hidden_label="< 5", **kwargs)


def stops(**kwargs):
    return stacked_bars(
        "Where routes stop",
        "Most stop at the consultation.",
        ["Step 1", "Step 2: consultation"],
        [
            Series("Suspicion taken away", [12, 20]),
            Series("Help already involved", [5, None]),
            Series("Nobody recorded why", [0, 31]),
        ],
        hidden_label="< 5",
        **kwargs,
    )


CHARTS = {
    "vertical bars": trend,
    "horizontal bars": lambda **kw: trend(horizontal=True, **kw),
    "funnel": route_funnel,
    "stacked bars": stops,
}


def test_the_module_is_pure():
    tree = ast.parse(Path(charts.__file__).read_text())
    imported = {
        name.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (node.names if isinstance(node, ast.Import) else [node])
    }
    assert not any(str(module).startswith("django") for module in imported), imported


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_a_chart_is_an_image_named_by_its_title_and_summary(make):
    root = parse(make())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert by_id[title_id].tag == f"{SVG}title" and by_id[title_id].text
    assert by_id[desc_id].tag == f"{SVG}desc" and by_id[desc_id].text
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert int(root.get("height")) > 0


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_a_chart_runs_no_script_and_links_nowhere(make):
    for el in parse(make()).iter():
        assert el.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}a")
        assert not any(name.lower().startswith("on") or name.endswith("href") for name in el.attrib), el.attrib


def test_the_bar_chart_shows_every_label_and_value():
    for horizontal in (False, True):
        root = parse(trend(horizontal=horizontal))
        words = all_text(root)
        assert root.find(f"{SVG}title").text == "Five years"
        assert root.find(f"{SVG}desc").text == "Signals rose from 120 to 160."
        for label in [*YEARS, "Signals", "Dossiers opened", "Reports"]:
            assert label in words
        shown = set(texts(root))
        for value in ["120", "134", "151", "1.290", "160", "31", "29", "40", "38", "6", "8", "0", "9"]:
            assert value in shown, value
        assert texts(root).count("< 5") == 2


def test_the_funnel_shows_every_step_and_count():
    root = parse(route_funnel())
    words = all_text(root)
    for label in ["Signal logged", "Consultation", "Conversation", "Decision"]:
        assert label in words
    assert {"151", "52", "20", "< 5"} <= set(texts(root))


def test_the_funnel_narrows_with_the_counts():
    root = parse(route_funnel())
    widths = [float(el.get("width")) for el in bars(root) if "data-hidden" not in el.attrib]
    assert widths == sorted(widths, reverse=True) and len(widths) == 3
    assert widths[0] / widths[1] == pytest.approx(151 / 52, rel=1e-3)


def test_the_stacked_bars_show_every_reason_and_count_but_no_total():
    root = parse(stops())
    words = all_text(root)
    for label in [
        "Step 1",
        "Step 2: consultation",
        "Suspicion taken away",
        "Help already involved",
        "Nobody recorded why",
    ]:
        assert label in words
    shown = texts(root)
    assert {"12", "20", "5", "31"} <= set(shown)
    assert shown.count("< 5") == 1
    # A total would be 17 or more: "20 + 31 + something below 5" is exactly what must stay hidden.
    assert not {"17", "51", "52", "53", "54", "55"} & set(shown)


def test_segments_are_as_long_as_their_counts():
    root = parse(stops())
    lengths = {
        (el.get("data-series"), float(el.get("y"))): float(el.get("width"))
        for el in bars(root)
        if "data-hidden" not in el.attrib and float(el.get("height")) > 20
    }
    step_2 = sorted(y for (_k, y) in lengths)[-1]
    assert lengths[("0", step_2)] / lengths[("2", step_2)] == pytest.approx(20 / 31, rel=1e-3)


def test_a_hidden_figure_is_a_dashed_empty_bar_whose_size_says_nothing():
    root = parse(
        bar_chart(
            "t",
            "s",
            ["a", "b", "c"],
            [Series("small", [None, 3000, None]), Series("large", [None, 7, 2])],
            hidden_label="fewer than 5",
        )
    )
    hidden = [el for el in bars(root) if el.get("data-hidden") == "true"]
    assert len(hidden) == 3
    assert {(el.get("width"), el.get("height")) for el in hidden} == {(hidden[0].get("width"), hidden[0].get("height"))}
    for el in hidden:
        assert el.get("fill") == "#ffffff" and el.get("stroke-dasharray")
    assert texts(root).count("fewer than 5") == 3


HOSTILE_CHARTS = {
    "vertical bars": lambda: bar_chart(HOSTILE, HOSTILE, [HOSTILE], [Series(HOSTILE, [None])], hidden_label=HOSTILE),
    "horizontal bars": lambda: bar_chart(
        HOSTILE, HOSTILE, [HOSTILE], [Series(HOSTILE, [4])], hidden_label="x", horizontal=True
    ),
    "funnel": lambda: funnel(HOSTILE, HOSTILE, [(HOSTILE, None)], hidden_label=HOSTILE),
    "stacked bars": lambda: stacked_bars(HOSTILE, HOSTILE, [HOSTILE], [Series(HOSTILE, [None])], hidden_label=HOSTILE),
}


@pytest.mark.parametrize("make", HOSTILE_CHARTS.values(), ids=HOSTILE_CHARTS.keys())
def test_hostile_labels_come_out_escaped(make):
    svg = make()
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert root.find(f"{SVG}desc").text == HOSTILE
    assert HOSTILE in all_text(root)
    assert not list(root.iter(f"{SVG}script"))


@pytest.mark.parametrize("values", [[0, 0, 0], [None, None, None], [0, None, 0]], ids=["zero", "hidden", "both"])
def test_nothing_to_scale_draws_without_dividing_by_zero(values):
    drawn = [
        bar_chart("t", "s", ["a", "b", "c"], [Series("x", values), Series("y", values)], hidden_label="< 5"),
        bar_chart("t", "s", ["a", "b", "c"], [Series("x", values)], hidden_label="< 5", horizontal=True),
        funnel("t", "s", list(zip("abc", values, strict=True)), hidden_label="< 5"),
        stacked_bars("t", "s", ["a", "b", "c"], [Series("x", values), Series("y", values)], hidden_label="< 5"),
    ]
    for svg in drawn:
        root = parse(svg)
        assert not re.search(r"nan|inf", svg, re.IGNORECASE)
        for el in bars(root):
            assert float(el.get("width")) > 0 and float(el.get("height")) > 0


def test_empty_charts_draw():
    for svg in [
        bar_chart("t", "s", [], [], hidden_label="< 5"),
        bar_chart("t", "s", [], [], hidden_label="< 5", horizontal=True),
        funnel("t", "s", [], hidden_label="< 5"),
        stacked_bars("t", "s", [], [], hidden_label="< 5"),
    ]:
        assert parse(svg).get("role") == "img"


@pytest.mark.parametrize("count", [2, 7, 12, 30])
def test_every_series_has_its_own_pattern_and_colour(count):
    series = [Series(f"figure {k}", [k + 1, None]) for k in range(count)]
    root = parse(bar_chart("t", "s", ["a", "b"], series, hidden_label="< 5"))
    patterns = {el.get("id"): el for el in root.iter(f"{SVG}pattern")}
    looks = {}
    for el in bars(root):
        if "data-hidden" in el.attrib:
            continue
        pattern = patterns[re.fullmatch(r"url\(#(.+)\)", el.get("fill")).group(1)]
        colour = next(pattern.iter(f"{SVG}rect")).get("fill")
        looks.setdefault(el.get("data-series"), set()).add((pattern.get("data-pattern"), colour))
    assert len(looks) == count
    assert all(len(look) == 1 for look in looks.values())  # the legend and the bars agree
    fills = [next(iter(look)) for look in looks.values()]
    assert len(set(fills)) == count
    if count <= len(charts.PATTERNS):
        assert len({kind for kind, _colour in fills}) == count  # apart in greyscale too


def test_the_palette_and_the_text_have_enough_contrast():
    assert all(contrast_with_white(colour) >= 3 for colour in PALETTE)
    for make in CHARTS.values():
        for el in parse(make()).iter(f"{SVG}text"):
            assert contrast_with_white(el.get("fill")) >= 4.5
            assert int(el.get("font-size")) >= 12


def test_charts_on_one_page_have_their_own_ids():
    one, other = parse(trend()), parse(route_funnel())
    ids = [el.get("id") for root in (one, other) for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    root = parse(trend(chart_id="trend-signals"))
    assert root.get("aria-labelledby") == "trend-signals-title trend-signals-desc"
    assert all(el.get("id").startswith("trend-signals-") for el in root.iter() if el.get("id"))


@pytest.mark.parametrize("chart_id", ['x" onload="alert(1)', "1abc", "", "a b"])
def test_a_chart_id_must_be_a_plain_name(chart_id):
    with pytest.raises(ValueError):
        trend(chart_id=chart_id)


def test_series_and_labels_must_match():
    with pytest.raises(ValueError):
        bar_chart("t", "s", ["a", "b"], [Series("x", [1])], hidden_label="< 5")
    with pytest.raises(ValueError):
        stacked_bars("t", "s", ["a"], [Series("x", [1, 2])], hidden_label="< 5")
    with pytest.raises(ValueError):
        bar_chart("t", "s", ["a"], [Series("x", [-1])], hidden_label="< 5")
    with pytest.raises(ValueError):
        funnel("t", "s", [("a", -3)], hidden_label="< 5")


def test_long_labels_wrap_inside_the_chart():
    label = "A municipality with a name far too long to fit on one line of a chart of this width at all"
    root = parse(bar_chart("t", "s", [label], [Series("x", [10])], hidden_label="< 5", horizontal=True, width=320))
    lines = [t for t in texts(root) if t and t in label]
    assert len(lines) > 1 and " ".join(lines) == label
    assert all(len(line) * charts.CHAR * charts.FONT_SIZE <= 320 for line in lines)


@given(
    st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=1, max_size=8),
    st.integers(1, 5),
    st.booleans(),
)
def test_any_figures_draw_inside_the_chart(values, series_count, horizontal):
    series = [Series(f"s{k}", values) for k in range(series_count)]
    labels = [f"label {k}" for k in range(len(values))]
    root = parse(bar_chart("t", "s", labels, series, hidden_label="< 5", horizontal=horizontal))
    width, height = float(root.get("width")), float(root.get("height"))
    for el in bars(root):
        x, y, w, h = (float(el.get(a)) for a in ("x", "y", "width", "height"))
        assert x >= 0 and x + w <= width + 0.5 and y >= 0 and y + h <= height + 0.5
