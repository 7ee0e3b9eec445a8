"""The dossier page shows what the next step needs first: on a phone, in the first screen.

The AF opens a dossier at step 2 whose step 1 holds many signals. At 390 x 844 the next action's
button is in view without scrolling; the completed step is folded, the current one open; the
decision is not offered beside the next step but under "Other actions", and the acute path stays
in view.
"""

from django.urls import reverse

from haven.meldcode import services
from tests.browser.axe import AXE_JS, Findings, check
from tests.browser.conftest import login, screenshot

TOP = "(selector) => document.querySelector(selector).getBoundingClientRect().top"


def _dossier_at_step_two(cast):
    case = cast.case(author="teacher")
    for n in range(8):
        cast.signal("teacher2", case=case, facts=f"Feit {n}: " + "Sanne kwam te laat en had honger. " * 12)
    return case


def test_the_next_step_is_in_the_first_screen_on_a_phone(transactional_db, cast, live_server, page):
    case = _dossier_at_step_two(cast)
    url = f"{live_server.url}{reverse('meldcode:case_detail', args=[case.pk])}"
    # One sign-in (a second one within the same 30 seconds would reuse the one-time code).
    login(page, live_server, "af")
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        go = page.locator("#next-action")
        assert go.get_attribute("href") == reverse("meldcode:consultation_create", args=[case.pk])
        assert page.evaluate(TOP, "#next-action") < height, width
        assert page.evaluate(TOP, "#acute-action") < height, width
        # Deciding is not one of the current step's buttons: it is folded under "Other actions".
        decide = reverse("meldcode:decision_create", args=[case.pk])
        assert page.locator(f"#next-step a[href='{decide}']").count() == 0
        assert page.locator(f"#other-actions a[href='{decide}']").count() == 1
        assert page.locator("#other-actions").get_attribute("open") is None
        assert not page.locator(f"#other-actions a[href='{decide}']").is_visible()
        # Step 1 is done and folded (its signals hidden until opened); step 2 is open.
        step1 = page.locator("section[aria-labelledby=step1] > details")
        assert step1.get_attribute("open") is None
        assert not page.locator("section[aria-labelledby=step1] article").first.is_visible()
        assert page.locator("section[aria-labelledby=step2] > details").get_attribute("open") is not None
        screenshot(page, f"dossier-step-2-{width}", full_page=False)
        # Opening the folded step shows its signals; "Other actions" opens with a click, no script needed.
        page.locator("#step1").click()
        assert page.locator("section[aria-labelledby=step1] article").first.is_visible()
        page.locator("#other-actions > summary").click()
        assert page.locator(f"#other-actions a[href='{decide}']").is_visible()
        screenshot(page, f"dossier-step-2-{width}-unfolded")


def test_the_changed_pages_pass_axe_in_their_full_state(
    axe_core,
    transactional_db,
    cast,
    live_server,
    page,
):
    """The dossier page folded and unfolded, the triage page with a history, the inbox with an open
    dossier and a request to look along, and the pupil search: axe at 1280 and 390 px, no findings."""
    case = _dossier_at_step_two(cast)
    sibling_case = cast.case("teacher2", pupil=cast.sibling)
    services.close_case(cast.actor("af"), sibling_case, reason="too_vague", explanation="Vaag.")
    new = cast.signal("teacher")
    services.request_look_along(cast.actor("teacher"), new)
    page.context.add_init_script(path=AXE_JS)
    findings = Findings()
    login(page, live_server, "af")
    for label, url in (
        ("dossier", reverse("meldcode:case_detail", args=[case.pk])),
        ("triage", reverse("meldcode:signal_detail", args=[new.pk])),
        ("inbox", reverse("meldcode:inbox")),
        ("search", reverse("meldcode:signal_create") + "?q=vries"),
    ):
        page.goto(f"{live_server.url}{url}")
        check(page, label, findings, counts=False)
        screenshot(page, f"i12d-{label}-{page.viewport_size['width']}")
    page.goto(f"{live_server.url}{reverse('meldcode:case_detail', args=[case.pk])}")
    page.locator("#other-actions > summary").click()
    page.locator("#step1").click()
    check(page, "dossier unfolded", findings, counts=False)
    assert findings.problems == [], "\n".join(findings.problems)
