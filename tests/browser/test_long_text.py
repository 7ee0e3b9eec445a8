"""A word of hundreds of letters in what a teacher typed wraps: the page stays as wide as the phone."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

WIDTH = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""


def test_a_long_unbroken_word_does_not_widen_the_page(transactional_db, cast, live_server, new_page):
    word = "Zorgen" + "a" * 600
    signal = cast.signal(facts=f"Sanne zei: {word} en toen liep ze weg.")
    case = cast.case(author="teacher")
    for width in (390, 1280):
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        login(page, live_server, "teacher")
        for url in (
            reverse("meldcode:signal_detail", args=[signal.pk]),
            reverse("meldcode:case_detail", args=[case.pk]),
        ):
            page.goto(f"{live_server.url}{url}")
            scroll_width, client_width = page.evaluate(WIDTH)
            assert scroll_width <= client_width, (url, width, scroll_width)
        page.goto(f"{live_server.url}{reverse('meldcode:signal_detail', args=[signal.pk])}")
        assert word[:50] in page.locator("main").inner_text().replace("\n", "")
        screenshot(page, f"long-word-{width}")


def test_a_long_text_shows_how_much_is_left_near_its_limit(transactional_db, cast, live_server, new_page):
    case = cast.case(author="teacher")
    page = new_page()
    login(page, live_server, "af")
    page.goto(f"{live_server.url}{reverse('meldcode:consultation_create', args=[case.pk])}")
    counter = page.locator("#id_question_counter")
    assert counter.is_hidden()  # far from the limit: no counter
    page.fill("#id_question", "a" * 3900)
    page.locator("#id_question").press("a")
    assert counter.is_hidden()  # 78%
    page.fill("#id_question", "a" * 4100)
    page.locator("#id_question").press("a")
    assert counter.is_visible()
    assert "899" in counter.inner_text() and "5000" in counter.inner_text()
    # The browser stops at the limit: a paste of more is cut off there.
    page.fill("#id_question", "b" * 6000)
    assert len(page.input_value("#id_question")) == 5000
    assert re.search(r"(^|\D)0 ", counter.inner_text())  # "0 of 5000" / "Nog 0 van 5000"
    # Screen readers hear it after a pause, from the polite live region beside it.
    live = page.locator("#id_question_counter + .haven-counter-live")
    assert live.get_attribute("aria-live") == "polite"
    page.locator("#id_question").press("Backspace")
    expect(live).to_have_text(re.compile(r"(^|\D)1 "))
    screenshot(page, "text-counter")
