"""Browser tests: Haven in Debian's Chromium, driven by Playwright's sync API.

Chromium comes from Debian (`apt-get install chromium`), never from `playwright install`. When it
is missing or cannot start, the browser tests skip with the reason; in CI (CI=true) they fail.

Every test here runs against pytest-django's `live_server`, which needs `transactional_db`: the
server thread must see what the test writes. Ask for it before `cast` in the test's arguments
(pytest-django also switches to transactional for any test that uses `live_server`, whatever the
order, so `cast`'s `db` then gets the transactional database too).
"""

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API keeps an event loop running in this thread; without this, Django refuses
# database access from it (SynchronousOnlyOperation) in the test code and in fixtures like `cast`.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in tests/browser drives the real browser: mark it `browser`."""
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    """No browser: a skip on a developer's machine, a failure in CI (where it must run)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator["object"]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:  # pragma: no cover - requirements-dev.txt installs it
        _unavailable(f"Playwright for Python is not installed ({exc}).")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        _unavailable(f"Chromium is not installed ({executable} not found); install Debian's chromium package.")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Error as exc:
        playwright.stop()
        detail = " ".join(exc.message.split())[:400]
        _unavailable(f"Chromium ({executable}) could not start: {detail}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[[], "object"]]:
    """Opens a page in a fresh browser context (its own cookies: one signed-in user per context)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def axe_core() -> None:
    """Session-scoped and asked first, so a missing axe-core skips (or fails, in CI) before the database is built."""
    from tests.browser.axe import AXE_JS, PIN  # here, not at the top: axe.py imports this conftest

    if not AXE_JS.exists():
        reason = f"axe-core {PIN['AXE_VERSION']} is not installed ({AXE_JS}): run scripts/ensure-axe.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(f"The accessibility test must run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    digest = hashlib.sha256(AXE_JS.read_bytes()).hexdigest()
    assert digest == PIN["AXE_SHA256"], f"{AXE_JS} is not the pinned axe-core: run scripts/ensure-axe.sh"


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Signs in through the real /inloggen/ form, with the second factor where the role needs it."""
    device = two_factor_device(username)
    page.goto(f"{live_server.url}/inloggen/")
    form = page.locator("main form[method=post]").first
    form.locator("input[name='auth-username']").fill(username)
    form.locator("input[name='auth-password']").fill(password)
    form.locator("button[type=submit]").click()
    if device is not None:
        token = page.locator("input[name='token-otp_token']")
        token.wait_for()
        token.fill(current_totp(device))
        page.locator("main form[method=post]").first.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    # Signed in: the header carries the sign-out form.
    page.locator("header form[action$='/uitloggen/']").wait_for()


def two_factor_device(username: str):
    """The user's authenticator (made on first use) when their role must sign in with two factors."""
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.accounts.models import Membership

    roles = set(Membership.objects.filter(user__username=username).values_list("role", flat=True))
    if not roles & set(settings.HAVEN_TWO_FACTOR_ROLES):
        return None
    device, _created = TOTPDevice.objects.get_or_create(
        user=Membership.objects.filter(user__username=username).first().user,
        defaults={"name": "default", "confirmed": True},
    )
    return device


def current_totp(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Saves a full-page PNG to test-artifacts/screenshots/<name>.png (git-ignored) for review.

    full_page=False keeps to the viewport: what the user actually sees (fixed overlays included).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
