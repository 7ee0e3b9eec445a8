"""The hide-screen button: someone looks over your shoulder, one key or click and Haven is gone.

Escape or the header button adds `haven-hidden` to <body>; the overlay then covers the whole
viewport, so nothing of the page can be seen, and "Back" brings the page back as it was.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

HIDDEN = re.compile(r"(^|\s)haven-hidden(\s|$)")

# What does the user see at a 5x5 grid of points over the viewport? Only the overlay may answer.
TOP_ELEMENTS = """() => {
  const found = new Set();
  for (const fx of [0.01, 0.25, 0.5, 0.75, 0.99]) {
    for (const fy of [0.01, 0.25, 0.5, 0.75, 0.99]) {
      const el = document.elementFromPoint(innerWidth * fx, innerHeight * fy);
      found.add(el && el.closest(".haven-hide-overlay") ? "overlay" : el ? el.tagName.toLowerCase() : "nothing");
    }
  }
  return [...found].sort();
}"""

# And at the middle of the page's heading?
TOP_ELEMENT_AT_HEADING = """() => {
  const heading = document.querySelector(".haven-content h1");
  heading.scrollIntoView({block: "center"});
  const box = heading.getBoundingClientRect();
  const el = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return el && el.closest(".haven-hide-overlay") ? "overlay" : el && el.closest("main") ? "main" : String(el);
}"""


def assert_hidden(page) -> None:
    overlay = page.locator(".haven-hide-overlay")
    expect(page.locator("body")).to_have_class(HIDDEN)
    expect(overlay).to_be_visible()
    viewport = page.viewport_size
    assert overlay.bounding_box() == {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}
    style = overlay.evaluate("el => [getComputedStyle(el).position, getComputedStyle(el).backgroundColor]")
    assert style == ["fixed", "rgb(238, 238, 238)"]  # opaque, fixed over the viewport
    # Nothing of the page shows through anywhere on the screen, wherever it was scrolled.
    assert page.evaluate(TOP_ELEMENTS) == ["overlay"]
    # Nor can it be reached with the keyboard: the page behind is inert, focus sits on "Back".
    assert page.locator("main").evaluate("el => el.closest('[inert]') !== null")
    assert page.locator("header").evaluate("el => el.closest('[inert]') !== null")
    expect(page.locator(".haven-hide-overlay [data-haven-unhide]")).to_be_focused()
    # The overlay itself says nothing about a pupil.
    assert "Sanne" not in overlay.inner_text()


def assert_shown(page) -> None:
    expect(page.locator("body")).not_to_have_class(HIDDEN)
    expect(page.locator(".haven-hide-overlay")).to_be_hidden()
    expect(page.locator(".haven-content h1").first).to_be_visible()
    assert page.evaluate(TOP_ELEMENT_AT_HEADING) == "main"
    assert page.locator("main").evaluate("el => el.closest('[inert]') === null")
    assert page.locator("header").evaluate("el => el.closest('[inert]') === null")


def test_escape_and_the_hide_button_cover_the_screen(transactional_db, cast, live_server, page):
    login(page, live_server, "teacher")
    page.goto(f"{live_server.url}/signalen/nieuw/?leerling={cast.pupil.pk}")
    expect(page.locator("main")).to_contain_text("Sanne de Vries")
    typed = "Sanne vertelde dat ze thuis niet mocht eten."
    page.locator("#id_facts").fill(typed)
    assert_shown(page)

    # Escape while typing in a field belongs to the field: the screen stays, and so does the text.
    page.locator("#id_facts").press("Escape")
    assert_shown(page)
    expect(page.locator("#id_facts")).to_be_focused()
    expect(page.locator("#id_facts")).to_have_value(typed)

    # Outside a field (here on the save button) Escape hides at once.
    save = page.locator("main button[data-haven-save]")
    save.focus()
    page.keyboard.press("Escape")
    assert_hidden(page)
    screenshot(page, "hide-screen-overlay", full_page=False)

    page.locator(".haven-hide-overlay [data-haven-unhide]").click()
    assert_shown(page)
    # Nothing was lost: what was being typed is still there, and focus is back where it was.
    expect(page.locator("#id_facts")).to_have_value(typed)
    expect(save).to_be_focused()

    # Scrolled to the bottom of a long page, the overlay still covers the whole screen.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 0
    page.locator("header [data-haven-hide]").focus()
    page.keyboard.press("Escape")
    assert_hidden(page)
    # Back with the keyboard: focus is on the overlay's button, so Enter brings the page back,
    # and focus returns to the element that had it.
    page.keyboard.press("Enter")
    assert_shown(page)
    expect(page.locator("header [data-haven-hide]")).to_be_focused()

    # The button in the header hides too.
    page.locator("header [data-haven-hide]").click()
    assert_hidden(page)
    page.locator(".haven-hide-overlay [data-haven-unhide]").click()
    assert_shown(page)
    expect(page.locator("#id_facts")).to_have_value(typed)


def test_escape_hides_the_sign_in_page_too(transactional_db, live_server, page):
    page.goto(f"{live_server.url}/inloggen/")
    # Focus starts in the username field, where Escape is the field's; outside it Escape hides.
    expect(page.locator("input[name='auth-username']")).to_be_focused()
    page.keyboard.press("Escape")
    assert_shown(page)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    assert_hidden(page)
    page.locator(".haven-hide-overlay [data-haven-unhide]").click()
    assert_shown(page)


def test_escape_in_the_pupil_search_keeps_the_screen_and_the_text(transactional_db, cast, live_server, page):
    login(page, live_server, "teacher")
    page.goto(f"{live_server.url}/signalen/nieuw/")
    search = page.locator("#pupil-search")
    expect(search).to_be_focused()
    search.press_sequentially("Sanne", delay=10)
    expect(page.locator(f"#pupil-results a[href$='?leerling={cast.pupil.pk}']")).to_be_visible()
    page.keyboard.press("Escape")
    assert_shown(page)
    expect(search).to_be_focused()
    expect(search).to_have_value("Sanne")
    # The result list is a link, not a field: there Escape hides, and "Back" returns to it.
    result = page.locator(f"#pupil-results a[href$='?leerling={cast.pupil.pk}']")
    result.focus()
    page.keyboard.press("Escape")
    assert_hidden(page)
    page.keyboard.press("Enter")
    assert_shown(page)
    expect(result).to_be_focused()
    expect(search).to_have_value("Sanne")
