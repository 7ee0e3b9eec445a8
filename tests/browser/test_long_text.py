"""A word of hundreds of letters in what a teacher typed wraps: the page stays as wide as the phone."""

from django.urls import reverse

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
