"""`manage.py bench --quick`: the whole pipeline on tiny databases, and the report's format.

The figures of a quick run say nothing about speed (a few requests on tiny data); the test checks
that every page is measured on both databases, the ratios are printed, and the output ends with
the one summary line the acceptance checks read. On the PostgreSQL run of the suite the bench
builds its databases on that server (haven_bench_quick_*) and drops them afterwards.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from haven.core import bench

SUMMARY = re.compile(r"^bench: worst large/small (\d+\.\d\d); worst floor (\d+\.\d\d); verify (\d+) events/s$")


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 201)]
    assert bench.percentile(values, 0.5) == 100.0
    assert bench.percentile(values, 0.95) == 190.0
    assert bench.percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert bench.percentile([7.0], 0.95) == 7.0


def test_the_report_takes_the_worst_ratios_over_pages_and_databases() -> None:
    def pages(floor: float, **others: float) -> dict[str, dict[str, float]]:
        figures = {bench.FLOOR: floor, **others}
        return {page: {"p50": value, "p95": value * 2, "n": 3} for page, value in figures.items()}

    def result(floor: float, events: int, seconds: float, **others: float) -> dict[str, object]:
        return {
            "pages": pages(floor, **others),
            "append": {"events": 100, "seconds": 0.05},
            "verify": {"events": events, "seconds": seconds},
        }

    small = {"inbox": 0.004, "dossier": 0.010, "pupil_search": 0.003, "signal_submit": 0.006, "dashboard": 0.008}
    large = {"inbox": 0.005, "dossier": 0.011, "pupil_search": 0.006, "signal_submit": 0.006, "dashboard": 0.008}
    lines: list[str] = []
    figures = bench.report(
        {"small": result(0.004, 1000, 0.01, **small), "region": result(0.005, 400_000, 2.0, **large)}, lines.append
    )
    # Pupil search doubles (0.003 -> 0.006); the dossier is 2.5 x the small floor, 2.2 x the large one.
    assert figures["worst_ratio"] == pytest.approx(2.0)
    assert figures["worst_floor"] == pytest.approx(2.5)
    # The verification speed is the longest chain's: 400,000 events in 2 s.
    assert lines[-1] == "bench: worst large/small 2.00; worst floor 2.50; verify 200000 events/s"
    assert "audit small: append 500 µs/event (100 events)" in "\n".join(lines)


def test_bench_quick_measures_every_page_on_each_of_its_databases(tmp_path) -> None:
    out = StringIO()
    call_command("bench", "--quick", "--workdir", str(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()

    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    assert sum(1 for line in lines if line.startswith("bench:")) == 1
    worst_ratio, worst_floor, verify = float(summary[1]), float(summary[2]), int(summary[3])
    assert worst_ratio > 0 and worst_floor > 0 and verify > 0

    rows = {(line.split()[0], line.split()[1]): line.split()[2:] for line in lines if len(line.split()) > 1}
    # p50, p95, then large/small p50 and p95 where the page has a counterpart, then x floor (not for the floor).
    expected = {
        (bench.FLOOR, "small"): 2,
        (bench.FLOOR, "municipality"): 2,
        (bench.FLOOR, "region"): 4,
        **{(page, "small"): 3 for page in bench.SCHOOL_PAGES},
        **{(page, "region"): 5 for page in bench.SCHOOL_PAGES},
        **{(page, "municipality"): 3 for page in ("insights_board", "insights_municipality")},
        **{(page, "region"): 5 for page in ("insights_board", "insights_municipality")},
        # The region's page has no counterpart without the national database.
        ("insights_region", "region"): 3,
    }
    for key, n in expected.items():
        assert len(rows[key]) == n, (key, rows[key])
        assert all(re.fullmatch(r"\d+\.\d+", value) for value in rows[key]), (key, rows[key])
    assert ("insights_region", "municipality") not in rows and ("insights_board", "small") not in rows
    ratios = [float(values[2]) for (page, _size), values in rows.items() if page in bench.PAGES and len(values) == 5]
    floors = [float(values[-1]) for (page, _size), values in rows.items() if page in bench.PAGES]
    assert len(ratios) == len(bench.PAGES) - 1
    assert f"{max(ratios):.2f}" == summary[1]
    assert f"{max(floors):.2f}" == summary[2]
    for size in ("small", "municipality", "region"):
        assert re.search(rf"^audit {size}: append \d+ µs/event \(50 events\); verify \d+ events", out.getvalue(), re.M)
    # Query counts: the insights pages make as many queries on the larger database as on its counterpart.
    queries = {
        line.split()[1].rstrip(":"): dict(re.findall(r"(\w+) (\d+)", line.split(":", 1)[1]))
        for line in lines
        if line.startswith("queries ")
    }
    assert set(queries) == {bench.FLOOR, *bench.PAGES} - {"signal_submit"}  # the read pages
    for page in bench.INSIGHTS_PAGES:
        base = bench.baseline_of(page, "region")
        if base is not None:
            assert queries[page]["region"] == queries[page][base], (page, queries[page])
    # The policy officers' pages were measured on scopes of several schools, as the report says.
    assert re.search(r"^  board \d+: 3 schools, \d+ rollup rows$", out.getvalue(), re.M)
    # The quick databases are removed afterwards.
    assert not any(tmp_path.iterdir())
