"""`manage.py bench --quick`: the whole pipeline on tiny databases, and the report's format; and the
insights pages' query counts on a small and a ten times bigger rollup set.

The figures of a quick run say nothing about speed (a few requests on tiny data); the test checks
that every page is measured on both databases, the ratios are printed, and the output ends with
the one summary line the acceptance checks read. On the PostgreSQL run of the suite the bench
builds its databases on that server (haven_bench_quick_*) and drops them afterwards.
"""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.middleware import actor_for
from haven.accounts.models import User
from haven.insights import metrics
from haven.insights.models import RollupCount, RollupState, RouteSnapshot
from haven.insights.scopes import scope_of
from haven.organisations.models import School
from haven.tools import bench

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
        # Why prepared queries exist, measured on each database (docs/decisions/0005-prepared-queries.md).
        figures = re.search(
            rf"^prepared {size}: one small read \(a dossier's signals\): queryset (\d+\.\d+) ms, "
            r"prepared (\d+\.\d+) ms, its SQL alone (\d+\.\d+) ms$",
            out.getvalue(),
            re.M,
        )
        assert figures is not None, size
        queryset, prepared, alone = map(float, figures.groups())
        assert queryset > 0 and prepared > 0 and alone > 0
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


def _signed_in(username: str) -> Client:
    """A generated user's session, past two-factor sign-in where their role has it."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, name="default").first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _queries(client: Client, url: str) -> int:
    """The queries of one request (in tests every read stays on the primary: tests/conftest.py)."""
    assert client.get(url).status_code == 200  # warm-up: sessions, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _rollups_seen_by(username: str) -> int:
    """The rollup rows in the scope of a generated user's insights page."""
    actor, _membership = actor_for(User.objects.get(username=username))
    scope = scope_of(actor)
    assert scope is not None
    return RollupCount.objects.filter(school_id__in=scope.school_ids).count()


def test_the_insights_pages_make_as_many_queries_on_ten_times_the_rollups(db) -> None:
    """The AF's, the board's, the municipality's and the region's page: the same number of queries
    on a small rollup set and one ten times bigger (more schools in the scope, a longer histogram)."""
    call_command(
        "generate_scale_data", "--schools", "3", "--pupils-per-school", "40", "--years", "2", stdout=StringIO()
    )
    readers = ("af-0001", "bestuur-0001", "gemeente-0001", "regio-0001")
    url = reverse("insights:overview")
    clients = {username: _signed_in(username) for username in readers}
    small = {username: _queries(client, url) for username, client in clients.items()}
    rollups_small = {username: _rollups_seen_by(username) for username in readers}

    # Nine times as many schools in the board (and so in the municipality and the region), each with
    # the figures of one of the first three.
    schools = list(School.objects.order_by("pk"))
    counts = {school.pk: list(RollupCount.objects.filter(school=school)) for school in schools}
    snapshots = {school.pk: list(RouteSnapshot.objects.filter(school=school)) for school in schools}
    for n in range(27):
        model = schools[n % 3]
        copy = School.objects.create(
            name=f"Kopie {n}", brin_code=f"{n:02d}AA", board_id=model.board_id, municipality_id=model.municipality_id
        )
        RollupCount.objects.bulk_create(
            RollupCount(school=copy, month=r.month, metric=r.metric, dimension=r.dimension, count=r.count)
            for r in counts[model.pk]
        )
        RouteSnapshot.objects.bulk_create(
            RouteSnapshot(school=copy, step=r.step, open=r.open, stalled=r.stalled) for r in snapshots[model.pk]
        )
        RollupState.objects.create(school=copy, refreshed_at=timezone.now())
    # The AF's own school: long histograms of durations (distinct numbers of days) in recent months.
    af_school = schools[0]
    months = sorted({r.month for r in counts[af_school.pk] if r.month >= date(timezone.localdate().year - 1, 1, 1)})
    needed = 9 * len(counts[af_school.pk])
    RollupCount.objects.bulk_create(
        RollupCount(
            school=af_school,
            month=months[n % len(months)],
            metric=metrics.DURATIONS[n % len(metrics.DURATIONS)],
            dimension=str(1000 + n),
            count=1,
        )
        for n in range(needed)
    )

    large = {username: _queries(client, url) for username, client in clients.items()}
    rollups_large = {username: _rollups_seen_by(username) for username in readers}
    assert all(rollups_large[u] >= 10 * rollups_small[u] for u in readers), (rollups_small, rollups_large)
    assert large == small
