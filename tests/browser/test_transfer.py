"""A dossier sent in Haven from school A to school B: the send form, the receipt, and the receiving
AF's page, in a real browser at 1280 and 390 px, checked with axe; refusing shows the reason field
(haven.js) and the sender's receipt then says why."""

from django.urls import reverse

from haven.handover.models import Transfer
from tests.browser.axe import AXE_JS, Findings, check
from tests.browser.conftest import login, screenshot


def test_send_receive_and_refuse_a_transfer(axe_core, transactional_db, cast, live_server, new_page):
    case = cast.case(author="teacher")
    findings = Findings()
    sender = new_page()
    sender.context.add_init_script(path=AXE_JS)
    login(sender, live_server, "af")
    sender.goto(f"{live_server.url}{reverse('handover:transfer_create', args=[case.pk])}")
    check(sender, "transfer form", findings, counts=False)
    screenshot(sender, f"i14-transfer-form-{sender.viewport_size['width']}")
    sender.select_option("select[name=receiving]", str(cast.school_b.pk))
    sender.check("input[name=parts][value=signals]")
    sender.check("input[name=parents_informed][value=yes]")
    sender.fill("textarea[name=parents_informed_how]", "In een gesprek met moeder.")
    sender.locator("main form button[type=submit]").click()
    transfer = Transfer.objects.get()
    sender.wait_for_url(f"**{reverse('handover:transfer_sent', args=[transfer.pk])}")
    assert sender.get_attribute("#transfer-status", "data-status") == "sent"
    check(sender, "transfer sent", findings, counts=False)
    for width in (1280, 390):
        sender.set_viewport_size({"width": width, "height": 900})
        screenshot(sender, f"i14-transfer-sent-{width}")

    receiver = new_page()
    receiver.context.add_init_script(path=AXE_JS)
    login(receiver, live_server, "af_b")
    receiver.goto(f"{live_server.url}{reverse('tasks:mine')}")
    receive_url = reverse("handover:transfer_receive", args=[transfer.pk])
    receiver.locator(f"a[href='{receive_url}']").first.click()
    receiver.wait_for_url(f"**{receive_url}")
    # The reason is asked only when refusing (with JavaScript; without it, it is always shown).
    assert not receiver.locator("textarea[name=reason]").is_visible()
    check(receiver, "transfer to receive", findings, counts=False)
    for width in (1280, 390):
        receiver.set_viewport_size({"width": width, "height": 900})
        screenshot(receiver, f"i14-transfer-receive-{width}")
    receiver.check("input[name=decision][value=refuse]")
    receiver.fill("textarea[name=reason]", "Het kind is bij ons niet ingeschreven.")
    receiver.locator("main form button[type=submit]").click()
    receiver.wait_for_url(f"**{receive_url}")
    assert receiver.get_attribute("#transfer-status", "data-status") == "refused"

    sender.reload()
    assert sender.get_attribute("#transfer-status", "data-status") == "refused"
    assert "Het kind is bij ons niet ingeschreven." in sender.inner_text("main")
    check(sender, "transfer refused", findings, counts=False)
    screenshot(sender, f"i14-transfer-refused-{sender.viewport_size['width']}")
    assert findings.problems == [], "\n".join(findings.problems)
