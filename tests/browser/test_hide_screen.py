"""The hide-screen button: someone looks over your shoulder, one key or click and Haven is gone.

Escape or the header button adds `haven-hidden` to <body>; the overlay then covers the whole
viewport, so nothing of the page can be seen, and "Back" brings the page back.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

HIDDEN = re.compile(r"(^|\s)haven-hidden(\s|$)")

# Which element does the user see at the middle of the main heading? Only the overlay may answer.
TOP_ELEMENT_AT_HEADING = """() => {
  const box = document.querySelector(".haven-content h1").getBoundingClientRect();
  const el = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return el ? (el.closest(".haven-hide-overlay") ? "overlay" : el.closest("main") ? "main" : el.tagName) : null;
}"""


def assert_hidden(page) -> None:
    overlay = page.locator(".haven-hide-overlay")
    expect(page.locator("body")).to_have_class(HIDDEN)
    expect(overlay).to_be_visible()
    viewport = page.viewport_size
    box = overlay.bounding_box()
    assert box == {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}
    # Opaque, on top of everything: the content behind it is not visible to the user.
    assert overlay.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(238, 238, 238)"
    assert page.evaluate(TOP_ELEMENT_AT_HEADING) == "overlay"
    # ...nor reachable with the keyboard: the page behind is inert, focus sits on "Back".
    assert page.locator("main").evaluate("el => el.closest('[inert]') !== null")
    expect(page.locator(".haven-hide-overlay [data-haven-unhide]")).to_be_focused()
    # The page title stays, but nothing about a pupil is readable on the overlay.
    assert "Sanne" not in overlay.inner_text()


def assert_shown(page) -> None:
    expect(page.locator("body")).not_to_have_class(HIDDEN)
    expect(page.locator(".haven-hide-overlay")).to_be_hidden()
    expect(page.locator(".haven-content h1").first).to_be_visible()
    assert page.evaluate(TOP_ELEMENT_AT_HEADING) == "main"
    assert page.locator("main").evaluate("el => el.closest('[inert]') === null")


def test_escape_and_the_hide_button_cover_the_screen(transactional_db, cast, live_server, page):
    login(page, live_server, "teacher")
    page.goto(f"{live_server.url}/signalen/nieuw/?leerling={cast.pupil.pk}")
    expect(page.locator("main")).to_contain_text("Sanne de Vries")
    page.locator("#id_facts").fill("Sanne vertelde dat ze thuis niet mocht eten.")
    assert_shown(page)

    page.keyboard.press("Escape")
    assert_hidden(page)
    screenshot(page, "hide-screen-overlay")

    page.locator(".haven-hide-overlay [data-haven-unhide]").click()
    assert_shown(page)
    # Nothing was lost: what was being typed is still there.
    expect(page.locator("#id_facts")).to_have_value("Sanne vertelde dat ze thuis niet mocht eten.")

    page.locator("header [data-haven-hide]").click()
    assert_hidden(page)

    # Back with the keyboard: focus is on the overlay's button, so Enter brings the page back.
    page.keyboard.press("Enter")
    assert_shown(page)


def test_escape_hides_the_sign_in_page_too(transactional_db, live_server, page):
    page.goto(f"{live_server.url}/inloggen/")
    page.keyboard.press("Escape")
    assert_hidden(page)
    page.locator(".haven-hide-overlay [data-haven-unhide]").click()
    assert_shown(page)
