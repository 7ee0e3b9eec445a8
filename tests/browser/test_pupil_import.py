"""The pupil import in real Chromium: the functional administrator uploads the administration's
EDEXML file, reads the dry run, ticks a teacher to invite, and applies it (haven/pupils/administration/)."""

from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from haven.accounts.models import User
from haven.pupils.models import Pupil, PupilImport
from tests.browser.conftest import login, screenshot

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "pupil_import"


def test_upload_dry_run_apply(transactional_db, cast, live_server, page):
    User.objects.filter(pk=cast.teacher.pk).update(email="teacher@regenboog.example")
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/beheer/leerlingen/")
    page.locator("#pupil-import-link").click()
    page.wait_for_url("**/beheer/leerlingen/importeren/")
    page.locator("input[name='file']").set_input_files(str(FILES / "school.xml"))
    screenshot(page, "pupil-import-upload")
    page.locator("#import-upload").click()
    page.wait_for_url("**/beheer/leerlingen/importeren/*/")
    pending = PupilImport.objects.get()

    # The dry run: what would change, and nothing changed yet.
    expect(page.locator("#import-counts li")).to_have_count(6)
    expect(page.locator("#added + .utrecht-table-container tbody tr")).to_have_count(2)
    expect(page.locator("#changed + .utrecht-table-container tbody tr")).to_have_count(2)
    assert not Pupil.objects.filter(administration_key="1003").exists()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"pupil-import-dry-run-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Pieter (T2) has no account yet: ticked, he gets an invitation.
    page.locator("input[name='invite'][value='T2']").check()
    page.locator("#import-apply").click()
    page.wait_for_url(f"**/beheer/leerlingen/importeren/{pending.pk}/")
    expect(page.locator("#import-applied")).to_be_visible()
    expect(page.locator("#import-apply")).to_have_count(0)
    screenshot(page, "pupil-import-applied")
    assert Pupil.objects.filter(school=cast.school_a, administration_key__in=["1003", "1004"]).count() == 2
    assert User.objects.filter(email="p.dewit@regenboog.example").exists()
    assert [m.to for m in mail.outbox] == [["p.dewit@regenboog.example"]]
