"""The monitoring pages (issue 11): who sees what, small cells, downloads, the report, periods, speed.

Reads as the specification. The figures come from the rollups (`RollupCount`, what `refresh_insights`
writes), made here directly where a test is about the pages, and through the services and
`refresh_school` where the test is about an event reaching the page. The cast's schools A and B are
of one board and one municipality; a third school (`school_c`) makes the board and the municipality
big enough to show figures; the region's officer sees the municipality inside their region.
"""

import csv
import io
import subprocess
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.insights import metrics
from haven.insights.models import PublicFigure, Region, RollupCount, RollupState
from haven.insights.periods import PeriodKind, period_of
from haven.insights.public_figures import HEADER as FIGURES_HEADER
from haven.insights.rollups import refresh_school
from haven.insights.tables import CLOSED, PREVALENCE, PUBLIC, TREND, UNITS
from haven.insights.templatetags.monitoring import _text
from haven.meldcode import services
from haven.organisations.models import Municipality
from tests.factories import BoardFactory, SchoolFactory, UserFactory
from tests.insights_data import (
    LAST_YEAR,
    REPORTS,
    SIGNALS,
    THIS_YEAR,
    TODAY,
    calendar,
    fill_school,
    page,
    publish,
    rollup,
    trend_cells,
)
from tests.system import require_system_tool

INSIGHTS = ("af", "leader", "af_b", "board", "municipality", "region")
OTHERS = ("teacher", "teacher2", "assistant", "ib", "admin")


# --- Who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OTHERS)
def test_staff_without_insights_are_refused(cast, name):
    assert cast.client(name).get(reverse("insights:overview")).status_code == 403
    assert cast.client(name).get(reverse("insights:report")).status_code == 403
    assert cast.client(name).get(reverse("insights:export", args=[TREND, "csv"])).status_code == 403


def test_the_af_and_the_school_leader_see_their_own_school_exactly(counted):
    for name in ("af", "leader"):
        response = page(counted.client(name), calendar())
        m = response.context["m"]
        assert m.scope.kind == "school" and m.scope.name == "OBS De Regenboog" and m.scope.exact
        # School A's own 3 signals and 1 report, shown as they are: they may read these dossiers.
        assert trend_cells(response, SIGNALS)[-3] == 3
        assert trend_cells(response, REPORTS)[-3] == 1
        assert "&lt; 5" not in response.content.decode()
    # School B's AF sees school B only.
    assert trend_cells(page(counted.client("af_b"), calendar()), SIGNALS)[-3] == 11


def test_the_board_sees_its_schools_together_and_one_by_one_suppressed(counted):
    response = page(counted.client("board"), calendar())
    m = response.context["m"]
    assert m.scope.kind == "board" and len(m.scope.school_ids) == 3
    assert trend_cells(response, SIGNALS)[-3] == 34
    units = m.table(UNITS)
    per_school = {row.label: row.cells for row in units.rows}
    # School A's 3 signals are a small cell; with the total shown, the next smallest (B's 11) is hidden too.
    assert per_school["OBS De Regenboog"][0] == "< 5"
    assert per_school["CBS Het Kompas"][0] == "< 5"
    assert per_school["IKC De Esch"][0] == 20
    assert per_school["Totaal"][0] == 34
    html = response.content.decode()
    assert "&lt; 5" in html
    assert "of verborgen zodat een ander cijfer niet terug te rekenen is" in html


def test_a_board_with_fewer_than_three_schools_is_shown_merged_with_its_municipality(counted, school_c):
    small = BoardFactory(name="Stichting Eén School")
    alone = SchoolFactory(name="De Kleine Wereld", brin_code="99ZZ", board=small, municipality=school_c.municipality)
    rollup(alone, date(LAST_YEAR.year, 5, 1), metrics.SIGNALS, 2)
    user = UserFactory(username="klein_bestuur")
    user.analyst_memberships.create(board=small)
    client = Client()
    client.force_login(user)
    response = page(client, calendar())
    m = response.context["m"]
    # Never the one school's figures: the four schools of Zonnedal together, and no breakdown per school.
    assert m.scope.merged_with == ("Zonnedal",)
    assert len(m.scope.school_ids) == 4 and m.table(UNITS) is None
    assert trend_cells(response, SIGNALS)[-3] == 36
    assert "samen met die van de andere scholen in Zonnedal" in response.content.decode()


def test_too_few_schools_show_no_figures_at_all(cast):
    """Without school C the municipality has two schools: its figures would be about one or two schools."""
    rollup(cast.school_a, date(LAST_YEAR.year, 3, 1), metrics.SIGNALS, 30)
    for name in ("municipality", "board", "region"):
        response = page(cast.client(name), calendar())
        assert not response.context["m"].shown
        assert "Te weinig scholen" in response.content.decode()
        assert cast.client(name).get(reverse("insights:export", args=[TREND, "csv"])).status_code == 404


def test_the_municipality_sees_its_schools_and_the_public_figures(counted):
    municipality = counted.school_a.municipality
    publish(municipality, LAST_YEAR.year, 2450, 45, 9, 31)
    response = page(counted.client("municipality"), calendar())
    m = response.context["m"]
    assert m.scope.kind == "municipality" and m.table(UNITS) is not None
    public = m.table(PUBLIC)
    [row] = [r for r in public.rows if not r.total and r.cells[0] == LAST_YEAR.year]
    # As published (no suppression), the bound recomputed: 3% of 2450 = 73.5 -> 74; Haven's 14 reports beside.
    assert row.cells[:6] == (LAST_YEAR.year, 2450, 74, 45, 9, 31)
    assert row.cells[10] == 14
    html = response.content.decode()
    assert "Haven telt alleen de scholen die Haven gebruiken" in html


def test_the_region_sees_its_municipalities_side_by_side(counted, school_c):
    region = Region.objects.get(name="Regio Zonnedal")
    other = Municipality.objects.create(name="Beekveld", code="GM0289")
    lonely = SchoolFactory(name="OBS Beekveld", brin_code="88BV", municipality=other, board=school_c.board)
    rollup(lonely, date(LAST_YEAR.year, 3, 1), metrics.SIGNALS, 40)
    empty = Municipality.objects.create(name="Veenhoven", code="GM0345")
    region.municipalities.add(other, empty)
    response = page(counted.client("region"), calendar())
    m = response.context["m"]
    units = {row.label: row.cells for row in m.table(UNITS).rows}
    # Beekveld has one Haven school: its 40 signals are that school's, so hidden; Zonnedal's then too.
    assert units["Beekveld"][:2] == (1, "< 5")
    assert units["Zonnedal"][:2] == (3, "< 5")
    assert units["Totaal"][:2] == (4, 74)
    assert "Veenhoven" not in units and m.units_without_schools == ("Veenhoven",)
    assert trend_cells(response, SIGNALS)[-3] == 74


# --- Small cells ---------------------------------------------------------------------------------


def test_a_hidden_figure_cannot_be_worked_out_from_another_table_on_the_page(counted, school_c):
    """Closures of last year: 1 at step 2 'nobody recorded why' and 12 at step 2 'too little to go on'. The 1
    is hidden in the closures table, so is the 12 beside it (the step's total shows 13), and so is the
    trend's 'of which nobody recorded why', which is the same figure: 13 minus a shown 12 would give it."""
    month = date(LAST_YEAR.year, 6, 1)
    rollup(school_c, month, metrics.CLOSURES, 1, "2:not_recorded")
    rollup(school_c, month, metrics.CLOSURES, 12, "2:too_vague")
    response = page(counted.client("board"), calendar())
    m = response.context["m"]
    assert trend_cells(response, str(metrics.LABELS[metrics.CLOSURES]))[-3] == 13
    assert trend_cells(response, "waarvan niemand vastlegde waarom")[-3] == "< 5"
    closed = {row.label: row.cells for row in m.table(CLOSED).rows}
    assert closed["Niemand heeft vastgelegd waarom"][1] == closed["Niemand heeft vastgelegd waarom"][-1] == "< 5"
    assert closed["Te weinig om op af te gaan"][1] == closed["Te weinig om op af te gaan"][-1] == "< 5"
    assert closed["Totaal"][1] == closed["Totaal"][-1] == 13
    # 13 closings, the unexplained one hidden everywhere: the share is not given either.
    assert m.not_recorded == (None, 13)
    assert "13 routes afgesloten" in response.content.decode()


def test_zero_is_shown_and_small_counts_are_not(counted):
    response = page(counted.client("municipality"), calendar())
    assert trend_cells(response, str(metrics.LABELS[metrics.CASES_OPENED]))[-3] == 0
    # The year before, school A alone had 2 signals: hidden for the municipality, exact for its AF.
    rollup(counted.school_a, date(LAST_YEAR.year - 1, 2, 1), metrics.SIGNALS, 2)
    assert trend_cells(page(counted.client("municipality"), calendar()), SIGNALS)[-4] == "< 5"
    assert trend_cells(page(counted.client("af"), calendar()), SIGNALS)[-4] == 2


# --- No pupil, ever --------------------------------------------------------------------------------


def test_no_pupil_name_or_dossier_in_any_page_download_or_report(cast, school_c):
    """Dossiers through the services, counted by refresh_school: every page and file of every insights
    reader holds the figures and nothing of the children (their names, birth dates, dossier links)."""
    require_system_tool("pdftotext")
    cases = [cast.case(pupil=p) for p in (cast.pupil, cast.sibling)]
    services.close_case(cast.actor("af"), cases[0], reason="too_vague", explanation="Te vaag voor nu.")
    cast.case(author="af_b", by="af_b", pupil=cast.pupil_b)
    for school in (cast.school_a, cast.school_b, school_c):
        refresh_school(school, TODAY)
    pupils = (cast.pupil, cast.sibling, cast.pupil_b)
    forbidden = [p.first_name for p in pupils] + [p.last_name for p in pupils]
    forbidden += [p.date_of_birth.isoformat() for p in pupils] + [p.date_of_birth.strftime("%d-%m-%Y") for p in pupils]
    forbidden += [reverse("meldcode:case_detail", args=[c.pk]) for c in cases]
    for name in INSIGHTS:
        client = cast.client(name)
        response = page(client)
        texts = {"page": response.content.decode()}
        for table in response.context["m"].tables:
            texts[f"{table.key}.csv"] = client.get(reverse("insights:export", args=[table.key, "csv"])).content.decode()
            book = openpyxl.load_workbook(
                io.BytesIO(client.get(reverse("insights:export", args=[table.key, "xlsx"])).content)
            )
            texts[f"{table.key}.xlsx"] = "\n".join(str(c.value) for row in book.active.iter_rows() for c in row)
        pdf = client.get(reverse("insights:report")).content
        texts["report.pdf"] = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        for where, text in texts.items():
            for word in forbidden:
                assert word not in text, (name, where, word)


# --- Downloads equal the page ------------------------------------------------------------------------


class _Tables(HTMLParser):
    """The text of every table on a page, per table id: rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id", "").startswith("tabel-"):
            self.current = self.tables.setdefault(attrs["id"][6:], [])
        elif self.current is not None and tag == "tr":
            self.current.append([])
        elif self.current is not None and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif self.cell is not None and tag in ("th", "td"):
            self.current[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_every_download_holds_exactly_the_table_on_the_page(counted, school_c):
    for school in (counted.school_a, counted.school_b, school_c):
        fill_school(school, seed=school.pk)
    publish(counted.school_a.municipality, LAST_YEAR.year, 12000, 45, 9, 31)
    client = counted.client("region")
    response = page(client, calendar())
    parser = _Tables()
    parser.feed(response.content.decode())
    monitoring = response.context["m"]
    assert {t.key for t in monitoring.tables} == set(parser.tables)
    for table in monitoring.tables:
        # The page: the table's labels and cells, written out.
        shown = parser.tables[table.key]
        assert shown[0] == [table.stub, *(column.label for column in table.columns)]
        for page_row, row in zip(shown[1:], table.rows, strict=True):
            assert page_row[0] == row.label
            if not row.heading:
                assert page_row[1:] == [_text(v, c.kind) for v, c in zip(row.cells, table.columns, strict=True)]
        # The downloads: the same table, as CSV and XLSX.
        url = reverse("insights:export", args=[table.key, "csv"]) + calendar()
        download = client.get(url)
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        assert download["Content-Disposition"] == (
            f'attachment; filename="haven-inzicht-regio-zonnedal-{table.key}-{LAST_YEAR.slug}.csv"'
        )
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        book = openpyxl.load_workbook(io.BytesIO(client.get(url.replace(".csv", ".xlsx")).content)).active
        assert [["" if c.value is None else str(c.value) for c in row] for row in book.iter_rows()] == rows
        if table.key == PUBLIC:
            # The columns of `insights_report` (the code first, "total" rows), the page's cells after them.
            assert rows[0][:3] == ["municipality_code", "municipality", "year"]
            assert [r[2:] for r in rows[1:]] == [[_csv(v) for v in row.cells] for row in table.rows]
        else:
            assert rows[0] == shown[0]
            assert rows[1:] == [
                [row.label, *(_csv(v) for v in row.cells or (None,) * len(table.columns))] for row in table.rows
            ]


def _csv(value) -> str:
    return "" if value is None else str(value)


def test_the_public_table_on_the_page_is_the_table_of_insights_report(counted):
    publish(counted.school_a.municipality, LAST_YEAR.year, 12000, 45, 9, 31)
    years = "-".join(str(y) for y in (LAST_YEAR.year - 4, LAST_YEAR.year))
    out = io.StringIO()
    call_command("insights_report", "--region", "Regio Zonnedal", "--years", years, stdout=out)
    download = counted.client("region").get(reverse("insights:export", args=[PUBLIC, "csv"]) + calendar())
    assert download.content.decode("utf-8-sig") == out.getvalue()


def test_a_download_neutralises_text_that_a_spreadsheet_would_run(counted):
    municipality = counted.school_a.municipality
    municipality.name = "=HYPERLINK(1)"
    municipality.save()
    text = counted.client("municipality").get(reverse("insights:export", args=[PUBLIC, "csv"])).content.decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_unknown_tables_and_formats_are_not_found(counted):
    client = counted.client("af")
    assert client.get(reverse("insights:export", args=["geheim", "csv"])).status_code == 404
    assert client.get("/inzicht/export/trend.json").status_code == 404


# --- The report --------------------------------------------------------------------------------------


def test_the_report_is_a_pdf_for_a_council_committee(counted, school_c):
    require_system_tool("pdftotext")
    region = Region.objects.get(name="Regio Zonnedal")
    other = Municipality.objects.create(name="Beekveld", code="GM0289")
    region.municipalities.add(other)
    publish(other, LAST_YEAR.year, 6383, 30, 7, 9)
    response = counted.client("region").get(reverse("insights:report") + calendar())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="haven-inzicht-regio-zonnedal-rapport-{LAST_YEAR.slug}.pdf"'
    )
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    for words in (
        "Monitor van de meldcode",
        "Over dit rapport",
        "Haven telt alleen de scholen die Haven gebruiken",
        "'< 5' betekent minder dan 5",
        "Zonnedal",
        "Beekveld",
        "Waar routes stopten",
        "Vijf jaar naast elkaar",
        "Openbare cijfers naast die van Haven",
    ):
        assert words in text, words


# --- Periods -------------------------------------------------------------------------------------


def test_an_event_of_15_december_counts_in_its_school_year_and_its_calendar_year(cast):
    """A signal observed on 15 December 2025 (typed in today) is in school year 2025-2026 and calendar
    year 2025; the rollups count it at the moment it was observed."""
    observed = timezone.make_aware(datetime(2025, 12, 15, 10, 0))
    cast.signal(observed_at=observed)
    refresh_school(cast.school_a, TODAY)
    client = cast.client("af")
    school_year = page(client, "?soort=schooljaar&jaar=2025-2026")
    assert [p.label for p in school_year.context["m"].periods][-2:] == ["2024-2025", "2025-2026"]
    assert trend_cells(school_year, SIGNALS)[3:5] == (0, 1)
    calendar_year = page(client, "?soort=kalenderjaar&jaar=2025")
    assert [p.label for p in calendar_year.context["m"].periods][-2:] == ["2024", "2025"]
    assert trend_cells(calendar_year, SIGNALS)[3:5] == (0, 1)
    # And not in the school year before, nor in calendar year 2026.
    assert trend_cells(page(client, "?soort=schooljaar&jaar=2024-2025"), SIGNALS)[4] == 0
    if TODAY.year >= 2026:
        assert trend_cells(page(client, "?soort=kalenderjaar&jaar=2026"), SIGNALS)[4] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?soort=week", "is geen soort periode"),
        ("?soort=schooljaar&jaar=2025", "is geen schooljaar"),
        ("?soort=kalenderjaar&jaar=2025-2026", "is geen kalenderjaar"),
        ("?soort=schooljaar&jaar=2025-2027", "is geen schooljaar"),
        ("?jaar=%3Cscript%3E", "is geen schooljaar"),
        ("?soort=kalenderjaar&jaar=" + "9" * 400, "is geen kalenderjaar"),
        ("?soort=kalenderjaar&jaar=2150", "is nog niet begonnen"),
        ("?soort=schooljaar&jaar=1850-1851", "is geen schooljaar"),
    ],
)
def test_a_bad_period_gets_a_dutch_message_and_the_last_whole_period(counted, query, message):
    response = page(counted.client("af"), query)
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html.split("</header>")[1]
    assert response.context["m"].period in (
        period_of(TODAY, PeriodKind.SCHOOL_YEAR).previous(),
        period_of(TODAY, PeriodKind.CALENDAR_YEAR).previous(),
    )


def test_without_a_period_the_page_shows_the_last_whole_school_year_and_offers_this_one(counted):
    response = page(counted.client("af"))
    current = period_of(TODAY, PeriodKind.SCHOOL_YEAR)
    assert response.context["m"].period == current.previous()
    assert f'<option value="{current.slug}">{current.label} (tot nu)</option>' in response.content.decode()


def test_the_period_picker_is_a_plain_form(counted):
    html = page(counted.client("af"), "?soort=schooljaar&jaar=2024-2025").content.decode()
    assert '<form method="get" action="/inzicht/"' in html
    assert '<option value="2024-2025" selected>' in html
    assert 'name="soort" value="kalenderjaar"' in html


# --- Speed -----------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # warm-up: sessions, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["af", "board", "municipality", "region"])
def test_the_pages_make_the_same_queries_for_ten_times_the_rollups(cast, school_c, name):
    client = cast.client(name)
    for school in (cast.school_a, cast.school_b, school_c):
        fill_school(school, seed=1)
    publish(cast.school_a.municipality, LAST_YEAR.year, 12000, 45, 9, 31)
    urls = [
        reverse("insights:overview") + calendar(),
        reverse("insights:export", args=[TREND, "csv"]) + calendar(),
    ]
    small = [_queries(client, url) for url in urls]
    small_rows = RollupCount.objects.count()
    # Ten times the rollups: ten times the schools in the same board and municipality, with more in each.
    for n in range(27):
        extra = SchoolFactory(
            name=f"Extra {n}",
            brin_code=f"{n:02d}XX",
            board=cast.school_a.board,
            municipality=cast.school_a.municipality,
        )
        fill_school(extra, seed=2, scale=3)
    for school in (cast.school_a, cast.school_b, school_c):
        fill_school(school, seed=3, scale=3)
    assert RollupCount.objects.count() >= 10 * small_rows
    assert [_queries(client, url) for url in urls] == small


# --- The audit log ---------------------------------------------------------------------------------


def test_every_read_and_download_is_audited(counted):
    client = counted.client("region")
    page(client, calendar())
    client.get(reverse("insights:export", args=[TREND, "xlsx"]) + calendar())
    client.get(reverse("insights:report") + calendar())
    events = {e.action: e for e in AuditEvent.objects.filter(actor=counted.region).order_by("pk")}
    for action in ("insights.view", "insights.export", "insights.report"):
        assert events[action].kind == "read" and events[action].outcome == "allowed"
        assert events[action].detail["scope"] == "region:Regio Zonnedal"
        assert events[action].detail["period"] == LAST_YEAR.slug
    assert events["insights.export"].detail["table"] == TREND
    assert events["insights.export"].detail["format"] == "xlsx"


# --- Refreshing one's own school -------------------------------------------------------------------


def test_the_af_updates_the_figures_of_their_own_school_only(cast, school_c):
    cast.signal()
    refresh_school(cast.school_b, TODAY - timedelta(days=3))
    before_b = RollupState.objects.get(school=cast.school_b).refreshed_at
    response = cast.client("af").post(reverse("insights:refresh"), {"soort": "kalenderjaar", "jaar": THIS_YEAR.slug})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('insights:overview')}?soort=kalenderjaar&jaar={THIS_YEAR.slug}"
    assert (
        sum(RollupCount.objects.filter(school=cast.school_a, metric=metrics.SIGNALS).values_list("count", flat=True))
        == 1
    )
    assert RollupState.objects.get(school=cast.school_b).refreshed_at == before_b
    assert not RollupState.objects.filter(school=school_c).exists()
    event = AuditEvent.objects.get(action="insights.refresh", actor=cast.af)
    assert event.kind == "change" and event.school_id == cast.school_a.pk
    html = page(cast.client("af")).content.decode()
    assert "Cijfers bijwerken" in html
    # Policy officers have no such button, and cannot post to it.
    assert "Cijfers bijwerken" not in page(cast.client("board")).content.decode()
    assert cast.client("board").post(reverse("insights:refresh")).status_code == 403
    assert cast.client("af").get(reverse("insights:refresh")).status_code == 405


def test_the_af_and_the_school_leader_find_insights_in_the_menu(cast):
    for name, shown in (("af", True), ("leader", True), ("ib", False), ("teacher", False)):
        html = cast.client(name).get(reverse("home")).content.decode()
        assert (f'href="{reverse("insights:overview")}"' in html) == shown, name


# --- Importing public figures on the page ------------------------------------------------------------

HEAD = ",".join(FIGURES_HEADER)


def upload(client, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("insights:public_figures"), {"file": SimpleUploadedFile("cijfers.csv", data)})


def test_the_region_imports_public_figures_and_sees_what_changed(cast):
    cast.school_a.municipality.code = "GM0228"
    cast.school_a.municipality.save()
    client = cast.client("region")
    assert client.get(reverse("insights:public_figures")).status_code == 200
    response = upload(client, f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},12000,45,9,31\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"GM0228 Zonnedal {LAST_YEAR.year}: toegevoegd." in html
    assert PublicFigure.objects.get(year=LAST_YEAR.year).reports_education == 9
    assert AuditEvent.objects.filter(action="insights.import_public_figures", actor=cast.region).count() == 1
    again = upload(client, f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},12000,45,9,31\n").content.decode()
    assert "Niets veranderd" in again


def test_a_file_with_a_bad_line_imports_nothing_and_says_what_is_wrong(cast):
    cast.school_a.municipality.code = "GM0228"
    cast.school_a.municipality.save()
    text = f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},12000,45,9,31\nGM0228,Zonnedal,{THIS_YEAR.year},veel,,,\n"
    html = upload(cast.client("region"), text).content.decode()
    assert "Niets geïmporteerd" in html
    assert "Regel 3, pupils_primary: &quot;veel&quot; is geen heel getal" in html
    assert not PublicFigure.objects.exists()


def test_a_municipality_imports_its_own_figures_only(cast):
    cast.school_a.municipality.code = "GM0228"
    cast.school_a.municipality.save()
    Municipality.objects.create(name="Beekveld", code="GM0289")
    text = f"{HEAD}\nGM0289,Beekveld,{LAST_YEAR.year},6000,10,2,1\n"
    html = upload(cast.client("municipality"), text).content.decode()
    assert "is niet jouw gemeente" in html and not PublicFigure.objects.exists()
    assert cast.client("board").get(reverse("insights:public_figures")).status_code == 403
    assert cast.client("af").get(reverse("insights:public_figures")).status_code == 403


def test_an_upload_is_bounded_before_it_is_read_and_needs_the_form_token(cast):
    big = HEAD.encode() + b"\n" + b"x" * (2 * 1024 * 1024)
    html = upload(cast.client("region"), big).content.decode()
    assert "groter dan 1 MB" in html and not PublicFigure.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.region)
    response = strict.post(reverse("insights:public_figures"), {"file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 403


# --- The lower bound ---------------------------------------------------------------------------------


def test_the_lower_bound_comes_from_havens_pupils_or_else_the_public_count_and_says_which(counted, school_c):
    municipality = counted.school_a.municipality
    # Last year Haven knows no pupils: the public count of all the municipality's schools is used.
    publish(municipality, LAST_YEAR.year, 12000, 45, 9, 31)
    # The year before, only the public count and nothing of Haven: no bound beside nothing.
    publish(municipality, LAST_YEAR.year - 1, 11900, 40, 8, 30)
    # Two years before, Haven's own count of its three schools on 1 October.
    for school, pupils in ((counted.school_a, 210), (counted.school_b, 190), (school_c, 250)):
        rollup(school, date(LAST_YEAR.year - 2, 10, 1), metrics.PUPILS, pupils)
    rollup(counted.school_a, date(LAST_YEAR.year - 2, 11, 1), metrics.SIGNALS, 40)
    response = page(counted.client("municipality"), calendar())
    rows = {row.label: row.cells for row in response.context["m"].table(PREVALENCE).rows}
    assert rows["Leerlingen op 1 oktober"][2:] == (650, None, 12000)
    # 3% of 650 is 19.5: 20; of 12000: 360.
    assert rows["Verwacht minstens (3 procent)"][2:] == (20, None, 360)
    assert rows["Leerlingenaantal uit"][2:] == ("Haven", None, "openbare cijfers")
    lines = response.context["m"].prevalence
    assert (
        f"{LAST_YEAR.year}: 34 signalen, 0 dossiers en 14 meldingen, bij naar verwachting minstens 360 kinderen."
        in lines
    )
    assert not any(line.startswith(f"{LAST_YEAR.year - 1}:") for line in lines)
