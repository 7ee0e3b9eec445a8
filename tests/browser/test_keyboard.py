"""The teacher's signal with the keyboard only (issue 12, §1): sign in, find the pupil, log the
signal and ask the IB/AF to look along, driven by page.keyboard alone.

Every key press that is not part of typed text is counted (Tab, Shift+Tab, Enter, Space, arrows);
the goal is at most 25 (it took 62 before focus went where the work is). After every page load
the test asserts where focus is (document.activeElement).
"""

import re

from playwright.sync_api import expect

from haven.audit.models import AuditEvent
from haven.meldcode.models import LookAlongRequest, Signal
from tests.browser.axe import Browsers, Findings, check
from tests.browser.conftest import login, screenshot
from tests.factories import PASSWORD

FACTS = "Sanne kwam zonder jas en zonder ontbijt; ze zei dat er thuis niemand was."
ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "")
    + (el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : "")
    + (el.hasAttribute("data-haven-message") ? "[data-haven-message]" : "");
}"""


class Keyboard:
    """page.keyboard, counting every press that is not typed text."""

    def __init__(self, page):
        self.page = page
        self.presses: list[str] = []

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.presses.append(key)
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def focus_is(page, expected: str) -> None:
    """Where focus is, as document.activeElement describes it."""
    assert page.evaluate(ACTIVE) == expected


def test_a_teacher_logs_a_signal_with_look_along_by_keyboard_only(transactional_db, cast, live_server, page):
    keys = Keyboard(page)

    # Sign in: the username field has focus at once.
    page.goto(f"{live_server.url}/inloggen/")
    focus_is(page, "input#id_auth-username[name=auth-username]")
    keys.type("teacher")
    keys.press("Tab")
    keys.type(PASSWORD)
    keys.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The overview is no form: focus stays at the top. The skip link leads past the header and menu.
    page.locator("main h1").wait_for()
    focus_is(page, "body")
    keys.press("Tab")
    focus_is(page, "a[href=#content]")
    keys.press("Enter")
    keys.press("Tab")
    focus_is(page, "a[href=/signalen/nieuw/]")
    keys.press("Enter")

    # Choosing the pupil: the search box has focus; typing finds her.
    page.wait_for_url("**/signalen/nieuw/")
    focus_is(page, "input#pupil-search[name=q]")
    keys.type("Sanne")
    result = page.locator(f"#pupil-results a[href$='?leerling={cast.pupil.pk}']")
    expect(result).to_be_visible()
    keys.press("ArrowDown")  # from the search box to the first result
    expect(result).to_be_focused()
    keys.press("Enter")

    # The signal form: focus on its first field, the date (prefilled, like the time).
    page.wait_for_url(f"**/signalen/nieuw/?leerling={cast.pupil.pk}")
    focus_is(page, "input#id_observed_at_0[name=observed_at_0]")
    keys.press("Tab")
    focus_is(page, "input#id_observed_at_1[name=observed_at_1]")
    keys.press("Tab")
    focus_is(page, "select#id_source[name=source]")
    keys.press("Tab")  # the categories are one tab stop; the arrows go along them
    focus_is(page, "input#id_categories_0[name=categories]")
    keys.press("ArrowUp")  # round to the last: "gut feeling"
    focus_is(page, "input#id_categories_8[name=categories]")
    keys.press("Space")
    keys.press("Tab")
    focus_is(page, "textarea#id_facts[name=facts]")
    keys.type(FACTS)
    keys.press("Tab", 5)  # past the child's words, interpretation, context, contradicting information
    focus_is(page, "input#id_other_pupils[name=leerling_zoeken]")
    keys.press("Tab", 2)  # past the pupil search's button, to the look-along checkbox
    focus_is(page, "input#id_look_along[name=look_along]")
    keys.press("Space")
    keys.press("Tab")
    expect(page.locator("main button[data-haven-save]")).to_be_focused()
    screenshot(page, "keyboard-signal-form")
    keys.press("Enter")

    # Saved and asked: focus is on the success message, which the live region also reads out.
    page.wait_for_url(re.compile(r"/signalen/\d+/$"))
    focus_is(page, "div[data-haven-message]")
    expect(page.locator("[data-haven-live]")).not_to_be_empty()
    signal = Signal.objects.get(pupil=cast.pupil)
    assert (signal.author, signal.categories, signal.facts) == (cast.teacher, ["gut_feeling"], FACTS)
    assert LookAlongRequest.objects.filter(signal=signal, requested_by=cast.teacher).exists()
    assert AuditEvent.objects.filter(action="signal.request_look_along", pupil_id=cast.pupil.pk).exists()

    n = len(keys.presses)
    print(f"keyboard: {n} key presses besides the text")
    assert n <= 25, keys.presses


def test_other_pupils_are_added_and_removed_by_keyboard(transactional_db, cast, live_server, page):
    login(page, live_server, "teacher")
    page.goto(f"{live_server.url}/signalen/nieuw/?leerling={cast.pupil.pk}")
    focus_is(page, "input#id_observed_at_0[name=observed_at_0]")
    keys = Keyboard(page)
    page.locator("#id_categories_8").check()
    page.locator("#id_facts").focus()
    keys.type(FACTS)
    keys.press("Tab", 5)
    focus_is(page, "input#id_other_pupils[name=leerling_zoeken]")

    # Enter in the search box searches (the form comes back with everything typed); focus on the result.
    keys.type("Daan")
    with page.expect_navigation():
        keys.press("Enter")
    add = page.locator(f"button[name=voeg_leerling_toe][value='{cast.sibling.pk}']")
    expect(add).to_be_focused()
    expect(page.locator("#id_facts")).to_have_value(FACTS)
    expect(page.locator("main [data-haven-error-summary]")).to_have_count(0)
    screenshot(page, "keyboard-other-pupils-found")

    # Enter adds her; focus goes back to the search box to add another, and the addition is announced.
    with page.expect_navigation():
        keys.press("Enter")
    focus_is(page, "input#id_other_pupils[name=leerling_zoeken]")
    expect(page.locator("#id_other_pupils")).to_have_value("")  # ready for the next name
    remove = page.locator(f"button[name=verwijder_leerling][value='{cast.sibling.pk}']")
    expect(remove).to_be_visible()
    expect(page.locator("[data-haven-live]")).to_contain_text("Daan de Vries")
    screenshot(page, "keyboard-other-pupils-added")

    # Shift+Tab reaches her remove button; Enter removes her.
    keys.press("Shift+Tab")
    expect(remove).to_be_focused()
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.locator("button[name=verwijder_leerling]")).to_have_count(0)
    focus_is(page, "input#id_other_pupils[name=leerling_zoeken]")

    # Add her again and save: the signal links her.
    keys.type("Daan")
    with page.expect_navigation():
        keys.press("Enter")
    expect(add).to_be_focused()
    with page.expect_navigation():
        keys.press("Enter")
    page.locator("main button[data-haven-save]").focus()
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/signalen/\d+/$"))
    assert list(Signal.objects.get(pupil=cast.pupil).other_pupils.all()) == [cast.sibling]


def test_a_form_with_errors_puts_focus_on_its_summary(transactional_db, cast, live_server, page):
    login(page, live_server, "teacher")
    page.goto(f"{live_server.url}/signalen/nieuw/?leerling={cast.pupil.pk}")
    page.locator("#id_observed_at_1").fill("25:99")
    with page.expect_navigation():
        page.locator("main button[data-haven-save]").click()
    summary = page.locator("main [data-haven-error-summary]")
    expect(summary).to_be_focused()
    screenshot(page, "keyboard-error-summary")
    # Its links lead to the fields: Tab to the first, Enter puts focus in that field.
    links = summary.locator("a")
    expect(links.first).to_have_attribute("href", "#id_observed_at_0")
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_observed_at_0")).to_be_focused()


def test_the_signal_form_states_pass_axe(axe_core, transactional_db, cast, live_server, browser):
    """The states only a submit reaches (search results, pupils added, the look-along box ticked),
    with axe-core's WCAG 2.2 AA rules at 1280 and 390 px, as tests/browser/test_accessibility.py does."""
    findings = Findings()
    browsers = Browsers(browser, live_server, findings)
    page = browsers("teacher")
    browsers.open(page, f"/signalen/nieuw/?leerling={cast.pupil.pk}")
    page.locator("#id_look_along").check()
    page.locator("#id_other_pupils").fill("de Vries")
    with page.expect_navigation():
        page.locator("button[name=zoek_leerling]:not([tabindex='-1'])").click()
    check(page, "the signal form with pupils found", findings)
    screenshot(page, "signal-form-pupils-found")
    with page.expect_navigation():
        page.locator(f"button[name=voeg_leerling_toe][value='{cast.sibling.pk}']").click()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "signal-form-pupil-added-390")
    check(page, "the signal form with a pupil added", findings)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#id_other_pupils").fill("niemand")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(page, "the signal form with nobody found", findings)
    browsers.close()
    assert findings.problems == [], "\n".join(findings.problems)


def test_focus_goes_to_the_first_field_only_where_the_form_is_the_work(transactional_db, cast, live_server, page):
    case = cast.case()
    login(page, live_server, "af")
    # A step's own form page: focus in its first field.
    page.goto(f"{live_server.url}/dossiers/{case.pk}/consultatie/")
    page.locator("main form[data-haven-autofocus]").wait_for()
    first = page.locator("main form[data-haven-autofocus]").locator("input:not([type=hidden]), select, textarea").first
    expect(first).to_be_focused()
    # The dossier page holds forms too, but they are not its main work: focus stays where it was.
    page.goto(f"{live_server.url}/dossiers/{case.pk}/")
    page.locator("main h1").wait_for()
    focus_is(page, "body")
