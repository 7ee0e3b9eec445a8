"""The monitoring in the browser: a region's policy officer imports public figures, sees them beside
Haven's counts, switches the period and downloads a table and the report; every monitoring page at
1280 and 390 px (screenshots in test-artifacts/screenshots/, for review).
"""

import subprocess

import openpyxl
import pytest

from haven.insights.models import Region
from haven.insights.periods import PeriodKind, period_of
from haven.insights.public_figures import HEADER
from haven.organisations.models import Municipality
from tests.browser.axe import Browsers, Findings, check
from tests.browser.conftest import SCREENSHOTS, login, screenshot
from tests.factories import BoardFactory, SchoolFactory
from tests.insights_data import fill_school, publish
from tests.system import require_system_tool


def region_of_schools(cast) -> Region:
    """Regio Vallei: Zonnedal (schools A, B and two more), Beekveld (three schools), Renswoude (one school:
    its figures count only in the total) and Veenhoven (no Haven school yet), with five years of rollups."""
    zonnedal = cast.school_a.municipality
    zonnedal.code = "GM0228"
    zonnedal.save()
    beekveld = Municipality.objects.create(name="Beekveld", code="GM0289")
    renswoude = Municipality.objects.create(name="Renswoude", code="GM0279")
    veenhoven = Municipality.objects.create(name="Veenhoven", code="GM0345")
    board = cast.school_a.board
    schools = [cast.school_a, cast.school_b]
    for i in range(2):
        schools.append(SchoolFactory(name=f"De Esch {i + 1}", brin_code=f"7{i}ES", municipality=zonnedal, board=board))
    for i in range(3):
        schools.append(
            SchoolFactory(name=f"IKC Beekveld {i + 1}", brin_code=f"8{i}BV", municipality=beekveld, board=board)
        )
    schools.append(
        SchoolFactory(name="OBS Renswoude", brin_code="90RW", municipality=renswoude, board=BoardFactory(name="Klein"))
    )
    for seed, school in enumerate(schools):
        fill_school(school, seed=seed)
    region = Region.objects.get(name="Regio Zonnedal")
    region.name = "Regio Vallei"
    region.save()
    region.municipalities.add(beekveld, renswoude, veenhoven)
    return region


def last_calendar_year() -> int:
    from django.utils import timezone

    return period_of(timezone.localdate(), PeriodKind.CALENDAR_YEAR).year - 1


def test_a_region_officer_imports_public_figures_and_downloads_the_report(
    transactional_db, live_server, cast, page, tmp_path
):
    require_system_tool("pdftotext")
    region_of_schools(cast)
    year = last_calendar_year()
    login(page, live_server, "region")
    page.goto(f"{live_server.url}/inzicht/")
    assert page.locator("h1").inner_text() == "Monitor: Regio Vallei"

    # Import the public figures on the page.
    page.get_by_role("link", name="Openbare cijfers importeren").click()
    lines = [
        ",".join(HEADER),
        f"GM0228,Zonnedal,{year},5450,31,5,12",
        f"GM0289,Beekveld,{year},6383,30,7,9",
        f"GM0279,Renswoude,{year},1200,6,1,2",
        f"GM0345,Veenhoven,{year},4327,26,5,",
    ]
    page.get_by_label("Bestand met openbare cijfers (CSV)").set_input_files(
        {"name": "cijfers.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}
    )
    page.get_by_role("button", name="Importeren").click()
    result = page.locator("#import-resultaat")
    result.wait_for()
    assert f"GM0228 Zonnedal {year}: toegevoegd." in result.inner_text()
    screenshot(page, "insights-import-region-1280")

    # Beside Haven's counts, in calendar years.
    page.get_by_role("link", name="Bekijk ze naast de cijfers van Haven").click()
    public = page.locator("#publieke-cijfers")
    rows = public.locator("tbody tr").filter(has_text="Zonnedal").filter(has_text=str(year))
    # Pupils as published (5.450), the lower bound 3% (164) beside them.
    assert "5.450" in rows.first.inner_text() and "164" in rows.first.inner_text()
    assert public.get_by_role("img").count() == 1  # the chart of the public figures against the lower bound

    # Switch to a school year, and back to the calendar year before.
    page.get_by_label("Schooljaar", exact=True).select_option(f"{year - 1}-{year}")
    page.get_by_role("button", name="Wissel Schooljaar").click()
    page.wait_for_url(f"**/inzicht/?soort=schooljaar&jaar={year - 1}-{year}")
    assert page.get_by_role("heading", name=f"Waar routes stopten in {year - 1}-{year}, en waarom").count() == 1
    page.get_by_label("Kalenderjaar", exact=True).select_option(str(year))
    page.get_by_role("button", name="Wissel Kalenderjaar").click()
    page.wait_for_url(f"**/inzicht/?soort=kalenderjaar&jaar={year}")

    # Download the public figures' table as XLSX.
    with page.expect_download() as xlsx:
        public.get_by_role("link", name="Excel").click()
    assert xlsx.value.suggested_filename == f"haven-inzicht-regio-vallei-publieke-cijfers-{year}.xlsx"
    path = tmp_path / "tabel.xlsx"
    xlsx.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Zonnedal", "Beekveld", "Renswoude", "Veenhoven"} <= names

    # And the report as PDF.
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download het monitorrapport (pdf)").click()
    assert pdf.value.suggested_filename == f"haven-inzicht-regio-vallei-rapport-{year}.pdf"
    report = tmp_path / "rapport.pdf"
    pdf.value.save_as(report)
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, check=True).stdout.decode()
    for name in ("Regio Vallei", "Zonnedal", "Beekveld", "Renswoude", "Veenhoven"):
        assert name in text, name


@pytest.mark.parametrize("name", ["region", "municipality", "board", "af"])
def test_every_monitoring_page_reads_on_a_wide_and_a_narrow_screen(transactional_db, live_server, cast, new_page, name):
    region_of_schools(cast)
    year = last_calendar_year()
    for municipality in Municipality.objects.all():
        publish(municipality, year, 4000, 25, 5, 9)
    page = new_page()
    login(page, live_server, name)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/inzicht/?soort=kalenderjaar&jaar={year}")
        screenshot(page, f"insights-{name}-{width}")
        # The page itself never scrolls sideways (WCAG 1.4.10): tables and charts scroll in their own region.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
        assert page.locator("svg[role=img] title").count() >= 3
    if name in ("region", "municipality"):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/inzicht/publieke-cijfers/")
            screenshot(page, f"insights-import-{name}-{width}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (name, width, overflow)


def test_the_report_pages_as_pictures(transactional_db, live_server, cast, page, tmp_path):
    """The PDF report of the region as PNG pages (pdftoppm), for review beside the screenshots."""
    require_system_tool("pdftoppm")
    region_of_schools(cast)
    year = last_calendar_year()
    for municipality in Municipality.objects.all():
        publish(municipality, year, 4000, 25, 5, 9)
    login(page, live_server, "region")
    response = page.request.get(f"{live_server.url}/inzicht/rapport.pdf?soort=kalenderjaar&jaar={year}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    out = SCREENSHOTS / "insights-report"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".pdf").write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(out.with_suffix(".pdf")), str(out)], check=True)
    assert list(out.parent.glob("insights-report-*.png"))


def test_the_monitoring_pages_pass_axe_with_figures_shown_and_hidden(
    axe_core,
    transactional_db,
    cast,
    live_server,
    browser,
):
    """The accessibility test visits every page once with the authorization matrix's objects (where the
    monitoring has nothing to hide); here the pages with five years of figures, hidden cells, every chart
    and the public figures, for every kind of reader, and the import page with an import's errors."""
    region_of_schools(cast)
    year = last_calendar_year()
    for municipality in Municipality.objects.all():
        publish(municipality, year, 4000, 25, 5, 9)
    findings = Findings()
    browsers = Browsers(browser, live_server, findings)
    try:
        for actor in ("region", "municipality", "board", "af"):
            page = browsers(actor)
            for query in (f"?soort=kalenderjaar&jaar={year}", f"?soort=schooljaar&jaar={year - 1}-{year}", "?jaar=x"):
                browsers.open(page, f"/inzicht/{query}")
                check(page, f"the monitoring {query} as {actor}", findings)
        page = browsers("region")
        browsers.open(page, "/inzicht/publieke-cijfers/")
        page.get_by_label("Bestand met openbare cijfers (CSV)").set_input_files(
            {
                "name": "cijfers.csv",
                "mimeType": "text/csv",
                "buffer": f"{','.join(HEADER)}\nGM0228,Zonnedal,x,,,,\n".encode(),
            }
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Importeren").click()
        assert page.locator("#import-fouten").count() == 1
        check(page, "an import with a bad line, as region", findings)
    finally:
        browsers.close()
    # Every page at 1280 and at 390 px, and the AF's second sign-in step, which the shared sign-in checks too.
    assert findings.runs == 2 * (4 * 3 + 1) + 2
    assert findings.problems == [], f"{len(findings.problems)} accessibility problems:\n" + "\n".join(findings.problems)
