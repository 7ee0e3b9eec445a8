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


def test_bench_quick_measures_every_page_on_both_databases(tmp_path) -> None:
    out = StringIO()
    call_command("bench", "--quick", "--workdir", str(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()

    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    assert sum(1 for line in lines if line.startswith("bench:")) == 1
    worst_ratio, worst_floor, verify = float(summary[1]), float(summary[2]), int(summary[3])
    assert worst_ratio > 0 and worst_floor > 0 and verify > 0

    rows = {(line.split()[0], line.split()[1]): line.split()[2:] for line in lines if line.split()[:1]}
    for page in (bench.FLOOR, *bench.PAGES):
        small, region = rows[(page, "small")], rows[(page, "region")]
        assert len(small) == (2 if page == bench.FLOOR else 3), small  # p50, p95 (, x floor)
        assert len(region) == (4 if page == bench.FLOOR else 5), region  # + large/small p50 and p95
        assert all(re.fullmatch(r"\d+\.\d+", value) for value in small + region)
    ratios = [float(rows[(page, "region")][2]) for page in bench.PAGES]
    floors = [float(rows[(page, size)][-1]) for page in bench.PAGES for size in ("small", "region")]
    assert f"{max(ratios):.2f}" == summary[1]
    assert f"{max(floors):.2f}" == summary[2]
    for size in ("small", "region"):
        assert re.search(rf"^audit {size}: append \d+ µs/event \(50 events\); verify \d+ events", out.getvalue(), re.M)
    # The quick databases are removed afterwards.
    assert not any(tmp_path.iterdir())
