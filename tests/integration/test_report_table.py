"""The region's table: public figures beside Haven's own suppressed counts, totals recomputed from the rows."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from haven.access.middleware import actor_for
from haven.accounts.models import AnalystMembership
from haven.insights import metrics
from haven.insights.models import PublicFigure, Region, RollupCount
from haven.insights.report_table import HEADER, region_table, table_for
from haven.insights.stats import prevalence_lower_bound
from haven.organisations.models import Municipality
from tests.factories import SchoolFactory, UserFactory

ISSUE_HEADER = (
    "municipality_code,municipality,year,pupils_primary,prevalence_lower_bound,advice_requests_education,"
    "reports_education,referral_index_signals_primary"
)


def municipality(name: str, code: str, schools: int) -> tuple[Municipality, list]:
    m = Municipality.objects.create(name=name, code=code)
    return m, [SchoolFactory(municipality=m) for _ in range(schools)]


def rollup(school, month: date, metric: str, count: int, dimension: str = "") -> None:
    RollupCount.objects.create(school=school, month=month, metric=metric, dimension=dimension, count=count)


def publish(m: Municipality, year: int, pupils, advice, reports, referral) -> None:
    PublicFigure.objects.create(
        municipality=m,
        year=year,
        pupils_primary=pupils,
        advice_requests_education=advice,
        reports_education=reports,
        referral_index_signals_primary=referral,
    )


@pytest.fixture
def vallei(db):
    """Two municipalities of three Haven schools each; Haven's counts for 2023 spread over schools,
    months and dimensions, and counts just outside 2023 and outside the region that must not count."""
    ede, ede_schools = municipality("Ede", "GM0228", 3)
    wageningen, wag_schools = municipality("Wageningen", "GM0289", 3)
    _renkum, renkum_schools = municipality("Renkum", "GM0274", 3)  # not in the region
    region = Region.objects.create(name="Regio Vallei")
    region.municipalities.add(ede, wageningen)

    rollup(ede_schools[0], date(2023, 1, 1), metrics.SIGNALS, 7)
    rollup(ede_schools[1], date(2023, 12, 1), metrics.SIGNALS, 3)
    rollup(ede_schools[2], date(2023, 6, 1), metrics.SIGNALS, 2)
    rollup(ede_schools[0], date(2022, 12, 1), metrics.SIGNALS, 50)  # 2022
    rollup(ede_schools[0], date(2024, 1, 1), metrics.REPORTS, 0)
    rollup(ede_schools[0], date(2025, 1, 1), metrics.SIGNALS, 50)  # 2025
    rollup(ede_schools[0], date(2023, 3, 1), metrics.CASES_OPENED, 5)
    rollup(ede_schools[0], date(2023, 3, 1), metrics.ADVICE_REQUESTS, 2, "dossier:named")
    rollup(ede_schools[1], date(2023, 4, 1), metrics.ADVICE_REQUESTS, 2, "loose:anonymous")
    rollup(ede_schools[2], date(2023, 5, 1), metrics.REFERRAL_INDEX_PLACED, 6, "loose")
    rollup(wag_schools[0], date(2023, 2, 1), metrics.SIGNALS, 9)
    rollup(wag_schools[1], date(2023, 2, 1), metrics.CASES_OPENED, 2)
    rollup(wag_schools[2], date(2023, 2, 1), metrics.ADVICE_REQUESTS, 7, "dossier:anonymous")
    rollup(wag_schools[2], date(2023, 9, 1), metrics.REPORTS, 1)
    rollup(wag_schools[2], date(2023, 9, 1), metrics.LOOK_ALONG_REQUESTS, 40)  # not a column
    rollup(renkum_schools[0], date(2023, 2, 1), metrics.SIGNALS, 99)

    publish(ede, 2023, 2450, 45, 9, 31)
    publish(ede, 2024, 12100, 40, 7, None)
    publish(wageningen, 2023, 2550, 12, 3, 8)
    return region


EXPECTED = [
    ",".join(HEADER),
    # Complementary suppression over the year's block: Wageningen's 2 dossiers and Ede's 4 advice
    # requests are small, so with the totals shown Ede's 5 dossiers and Wageningen's 7 advice
    # requests are hidden too (each column then has two hidden figures); the reports' total is small.
    "GM0228,Ede,2023,2450,74,45,9,31,3,12,< 5,< 5,0,6",
    "GM0289,Wageningen,2023,2550,77,12,3,8,3,9,< 5,< 5,< 5,0",
    # Recomputed from the rows: the bounds add up to 151, not 3% of 5000 (150).
    "total,Regio Vallei,2023,5000,151,57,12,39,6,21,7,11,< 5,6",
    "GM0228,Ede,2024,12100,363,40,7,,3,0,0,0,0,0",
    "GM0289,Wageningen,2024,,,,,,3,0,0,0,0,0",
    "total,Regio Vallei,2024,,,,,,6,0,0,0,0,0",
]


def test_insights_report_prints_the_regions_table(vallei):
    out = io.StringIO()
    call_command("insights_report", "--region", "Regio Vallei", "--format", "csv", "--years", "2023-2024", stdout=out)
    lines = out.getvalue().split("\r\n")
    assert lines[0].startswith(ISSUE_HEADER + ",")
    assert lines == [*EXPECTED, ""]


def test_insights_report_for_one_municipality(vallei):
    out = io.StringIO()
    call_command("insights_report", "--municipality", "gm0289", "--years", "2023", stdout=out)
    assert out.getvalue().split("\r\n") == [
        ",".join(HEADER),
        "GM0289,Wageningen,2023,2550,77,12,3,8,3,9,< 5,7,< 5,0",
        "total,Wageningen,2023,2550,77,12,3,8,3,9,< 5,7,< 5,0",
        "",
    ]


def test_insights_report_as_xlsx(vallei, tmp_path):
    path = tmp_path / "vallei.xlsx"
    call_command(
        "insights_report", "--region", "Regio Vallei", "--format", "xlsx", "--years", "2023-2024",
        "--output", str(path), stdout=io.StringIO(),
    )  # fmt: skip
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Regio Vallei"
    assert [c.value for c in sheet[1]] == list(HEADER)
    assert [c.value for c in sheet[2]] == ["GM0228", "Ede", 2023, 2450, 74, 45, 9, 31, 3, 12, "< 5", "< 5", 0, 6]
    assert [c.data_type for c in sheet[2]][3:] == ["n"] * 7 + ["s", "s", "n", "n"]
    assert sheet["H5"].value is None  # not known: an empty cell, not a zero


def test_insights_report_refuses_what_it_cannot_find(vallei):
    with pytest.raises(CommandError, match="No region"):
        call_command("insights_report", "--region", "Regio Nergens", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No municipality"):
        call_command("insights_report", "--municipality", "GM9999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--years"):
        call_command("insights_report", "--region", "Regio Vallei", "--years", "2025-2021", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--output"):
        call_command("insights_report", "--region", "Regio Vallei", "--format", "xlsx", stdout=io.StringIO())


def test_the_default_is_the_last_five_calendar_years_this_one_included(vallei):
    out = io.StringIO()
    call_command("insights_report", "--region", "Regio Vallei", stdout=out)
    years = [int(line.split(",")[2]) for line in out.getvalue().split("\r\n")[1:] if line]
    this_year = timezone.localdate().year
    # Per year two municipalities and the total.
    assert years == [year for year in range(this_year - 4, this_year + 1) for _row in range(3)]


@pytest.mark.parametrize(("pupils", "bound"), [(2550, 77), (2450, 74), (2483, 74), (2484, 75), (0, 0), (27200, 816)])
def test_the_lower_bound_is_three_percent_rounded_half_up_in_exact_decimals(pupils, bound):
    # 0.03 × 2550 is 76.49999999999999 in floating point, and 76 with round-half-even.
    assert prevalence_lower_bound(pupils) == bound


def test_totals_are_recomputed_from_the_rows_as_in_seed_004(db):
    """Five municipalities, reports 5 + 7 + 3 + 6 + 5: the total is 26 (a printed 27 would be off by one),
    and the bound's total is the sum of the rows' bounds. Without Haven schools, Haven's cells are empty."""
    region = Region.objects.create(name="Regio 004")
    rows = [
        ("GM0001", "Aa", 5450, 31, 5),
        ("GM0002", "Bb", 6383, 30, 7),
        ("GM0003", "Cc", 4150, 25, 3),
        ("GM0004", "Dd", 6890, 35, 6),
        ("GM0005", "Ee", 4327, 26, 5),
    ]
    for code, name, pupils, advice, reports in rows:
        m = Municipality.objects.create(name=name, code=code)
        region.municipalities.add(m)
        publish(m, 2020, pupils, advice, reports, None)

    table = region_table([2020], region=region)

    *municipalities, total = table.rows
    assert [row.prevalence_lower_bound for row in municipalities] == [164, 191, 125, 207, 130]
    assert total.is_total and total.municipality_code == "total"
    assert total.reports_education == 26
    assert total.advice_requests_education == 147
    assert total.pupils_primary == 27200
    assert total.prevalence_lower_bound == 164 + 191 + 125 + 207 + 130
    assert total.referral_index_signals_primary is None  # not known in any row
    assert all(cell is None for row in table.rows for cell in row.haven)


def test_a_column_total_is_not_known_when_one_row_is_not_known(db):
    region = Region.objects.create(name="R")
    for code, name, reports in [("GM0001", "Aa", 4), ("GM0002", "Bb", None)]:
        m = Municipality.objects.create(name=name, code=code)
        region.municipalities.add(m)
        publish(m, 2022, 1000, 3, reports, 2)
    [_a, _b, total] = region_table([2022], region=region).rows
    assert (total.pupils_primary, total.prevalence_lower_bound, total.reports_education) == (2000, 60, None)


def test_municipalities_with_fewer_than_three_schools_show_their_counts_only_in_the_total(db):
    region = Region.objects.create(name="R")
    for code, name in [("GM0001", "Aa"), ("GM0002", "Bb")]:
        m, schools = municipality(name, code, 2)
        region.municipalities.add(m)
        for school in schools:
            rollup(school, date(2024, 5, 1), metrics.SIGNALS, 4)
            rollup(school, date(2024, 5, 1), metrics.REPORTS, 1)

    a, b, total = region_table([2024], region=region).rows

    assert a.haven == b.haven == ("< 5",) * 5
    assert (a.haven_schools, b.haven_schools, total.haven_schools) == (2, 2, 4)
    # 4 schools together: signals 16 is shown, the 4 reports are a small cell. A total of 0 would
    # tell that both municipalities had none, so those are hidden too.
    assert total.haven == (16, "< 5", "< 5", "< 5", "< 5")


def test_a_total_that_would_reveal_one_small_municipality_is_hidden(db):
    region = Region.objects.create(name="R")
    big, big_schools = municipality("Groot", "GM0001", 3)
    small, small_schools = municipality("Klein", "GM0002", 2)
    region.municipalities.add(big, small)
    rollup(big_schools[0], date(2024, 5, 1), metrics.SIGNALS, 20)
    rollup(small_schools[0], date(2024, 5, 1), metrics.SIGNALS, 9)

    groot, klein, total = region_table([2024], region=region).rows

    assert klein.haven[0] == "< 5"
    # 29 minus the shown 20 would be Klein's 9, about two schools: one of them is hidden too (the smaller).
    assert (groot.haven[0], total.haven[0]) == ("< 5", 29)


def test_the_table_costs_the_same_few_queries_for_any_number_of_municipalities(vallei, django_assert_num_queries):
    # The region's municipalities, their schools, the rollups (one read), the public figures.
    with django_assert_num_queries(4):
        region_table([2022, 2023, 2024], region=vallei)
    for n in range(6):
        m, _schools = municipality(f"Extra {n}", f"GM09{n:02d}", 3)
        vallei.municipalities.add(m)
        publish(m, 2023, 1000, 1, 1, 1)
    with django_assert_num_queries(4):
        table = region_table([2022, 2023, 2024], region=vallei)
    assert len(table.rows) == 3 * (8 + 1)


def test_a_policy_officer_gets_the_table_of_their_own_region_or_municipality(vallei, cast):
    user = UserFactory(username="regio")
    AnalystMembership.objects.create(user=user, region=vallei)
    region_actor, _membership = actor_for(user)
    assert [row.municipality for row in table_for(region_actor, [2023]).rows] == ["Ede", "Wageningen", "Regio Vallei"]

    zonnedal = table_for(cast.actor("municipality"), [2023])
    assert [row.municipality for row in zonnedal.rows] == ["Zonnedal", "Zonnedal"]

    for name in ("teacher", "af", "leader", "board"):
        with pytest.raises(PermissionDenied):
            table_for(cast.actor(name), [2023])
