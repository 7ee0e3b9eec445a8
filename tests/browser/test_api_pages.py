"""The API's pages in the real Chromium: the region's policy officer makes a key (shown once) and
opens the API's documentation (Haven's own page, rendered from the schema); the
AF matches a police notice that came in through the API. Screenshots at 1280 and 390 px."""

from django.urls import reverse
from django.utils import timezone

from haven.api import services as key_services
from haven.external_signals import services as external_services
from tests.browser.conftest import login, screenshot

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def test_a_policy_officer_makes_a_key_and_reads_the_docs(transactional_db, cast, live_server, new_page):
    for size, label in ((WIDE, "1280"), (PHONE, "390")):
        page = new_page()
        page.set_viewport_size(size)
        problems: list[str] = []
        page.on(
            "console", lambda message, seen=problems: seen.append(message.text) if message.type == "error" else None
        )
        login(page, live_server, "region")
        page.goto(f"{live_server.url}{reverse('api_keys:list')}")
        page.fill("input[name=name]", f"Politie Zonnedal {label}")
        page.check("input[name=scopes][value=intake]")
        page.locator("main form[action$='/api-sleutels/'] button[type=submit]").click()
        key = page.locator("#api-sleutel")
        key.wait_for()
        assert key.input_value().startswith("hv_")
        screenshot(page, f"api/key-created-{label}")
        page.goto(f"{live_server.url}{reverse('api_keys:list')}")
        screenshot(page, f"api/keys-{label}")
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        page.goto(f"{live_server.url}{reverse('api:docs')}")
        page.locator("#handle_with_care_notice_create").wait_for()
        assert not [p for p in problems if "Content Security Policy" in p], problems
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        screenshot(page, f"api/docs-{label}")


def test_the_af_matches_a_notice_from_the_api(transactional_db, cast, live_server, new_page):
    key = key_services.create_key(cast.actor("region"), name="Politie", scopes=["intake"]).key
    intake = external_services.receive_police_notice(
        sender=key.sender,
        sender_notice_id="N-1",
        school=cast.school_a,
        first_name="Sanna",
        last_name="de Vries",
        date_of_birth=cast.pupil.date_of_birth,
        notice_date=timezone.localdate(),
        author=key.account,
        via={"api_key": key.pk},
    ).intake
    page = new_page()
    login(page, live_server, "af")  # once: a second sign-in within the same half minute reuses the code
    for size, label in ((WIDE, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}{reverse('meldcode:inbox')}")
        link = page.locator("#politiemeldingen-te-koppelen a")
        assert link.get_attribute("href") == reverse("external_signals:intake_list")
        page.goto(f"{live_server.url}{reverse('external_signals:intake_list')}")
        screenshot(page, f"api/intake-list-{label}")
        page.goto(f"{live_server.url}{reverse('external_signals:intake_match', args=[intake.pk])}")
        screenshot(page, f"api/intake-match-{label}")
    page.select_option("select[name=pupil]", str(cast.pupil.pk))
    match = reverse("external_signals:intake_match", args=[intake.pk])
    page.locator(f"main form[action='{match}'] button[type=submit]").click()
    page.wait_for_url("**/signalen/**")
    screenshot(page, "api/intake-matched-390")
