"""The dossier page shows what the next step needs first: on a phone, in the first screen.

The AF opens a dossier at step 2 whose step 1 holds many signals. At 390 x 844 the next action's
button is in view without scrolling; the completed step is folded, the current one open; the
decision is not offered beside the next step but under "Other actions", and the acute path stays
in view.
"""

from django.urls import reverse

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
