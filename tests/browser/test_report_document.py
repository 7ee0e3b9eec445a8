"""The report to Veilig Thuis on a phone and a desktop: the form in its parts, the print page as a report."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.builders import _to_report

WIDTH = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""


def test_the_report_form_and_its_print_page_at_390_and_1280_px(transactional_db, cast, live_server, new_page):
    case = _to_report(cast, cast.case())
    form_url = f"{live_server.url}{reverse('meldcode:report_edit', args=[case.pk])}"
    page = new_page()
    login(page, live_server, "af")  # once: the second factor's code is not accepted twice
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(form_url)
        main = page.locator("main")
        # The parts of the report, each a fieldset with its legend, prefilled from the account and the school.
        expect(main.locator("fieldset.haven-form-section > legend")).to_have_count(6)
        expect(page.locator("#id_reporter_name")).to_have_value(cast.af.get_full_name())
        expect(page.locator("#id_school_name")).to_have_value(cast.school_a.name)
        scroll_width, client_width = page.evaluate(WIDTH)
        assert scroll_width <= client_width, (width, scroll_width)
        screenshot(page, f"report-form-{width}")
        if width == 390:
            continue
        page.locator("#id_reporter_phone").fill("030 123 45 67")
        page.locator("#id_household_contacts").fill("Els de Vries (moeder): 06 1234 5678")
        page.locator("#id_expectations").fill("Onderzoek naar de thuissituatie.")
        page.locator("input[name=parents_informed][value=yes]").check()
        page.locator("#id_parents_informed_how").fill("In een gesprek met moeder.")
        with page.expect_navigation():
            main.locator("form[method=post]:not([action]) button[type=submit]").click()
        expect(main.locator(".haven-messages .utrecht-alert--ok")).to_be_visible()
        page.goto(f"{live_server.url}{reverse('meldcode:report_print', args=[case.pk])}")
        report = main.locator(".haven-report")
        expect(report.locator("h2.haven-report__part")).to_have_count(6)
        expect(report).to_contain_text("030 123 45 67")
        expect(report).to_contain_text("Els de Vries (moeder): 06 1234 5678")
        expect(report.locator("label, textarea, input")).to_have_count(0)
        screenshot(page, f"report-print-{width}")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}{reverse('meldcode:report_print', args=[case.pk])}")
    scroll_width, client_width = page.evaluate(WIDTH)
    assert scroll_width <= client_width, scroll_width
    screenshot(page, "report-print-390")
