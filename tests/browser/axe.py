"""axe-core in the real Chromium: run it on a page at 1280 and 390 px, collect the findings, browse as the cast.

The `axe_core` fixture (tests/browser/conftest.py) checks that the pinned axe-core is installed;
tests/browser/test_accessibility.py, and the browser tests that check a page in its states, use these.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, Response, ViewportSize
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS, current_totp, two_factor_device
from tests.factories import PASSWORD

HERE = Path(__file__).resolve().parent
PIN = dict(
    line.split("=", 1)
    for line in (HERE / "axe-core.pin").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)
AXE_JS = HERE.parents[1] / ".cache" / f"axe-core-{PIN['AXE_VERSION']}" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (what EN 301 549 and the Dutch government ask, and 2.2 on top).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_SHOTS = SCREENSHOTS / "pages"
WIDE: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
MAIN_FORM = "main form[method=post]"


# --- Running axe ---------------------------------------------------------------------------------

# Two rules beyond the WCAG tags, as issue 12 asks: `region` (best practice: all content inside a
# landmark) and `aria-prohibited-attr` (WCAG, but what it is unsure of it reports as "incomplete"):
# for these two an incomplete result counts as a finding too.
STRICT_RULES = ["region", "aria-prohibited-attr"]

AXE_RUN = """async ([tags, strict]) => {
  const rules = Object.fromEntries(strict.map(id => [id, {enabled: true}]));
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules});
  const unsure = result.incomplete.filter(v => strict.includes(v.id));
  return [...result.violations, ...unsure].map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, more: Math.max(0, v.nodes.length - 5),
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1).join(' ').trim()),
  }));
}"""

# WCAG 1.4.10 (Reflow): at phone width the page itself must not scroll sideways; a wide table may,
# inside its own scroll region (a stacked table has none there: see theme.css). Names the outermost
# elements that stick out.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const sticksOut = el => el.getBoundingClientRect().right > width + 1;
  // A table stacked as cards has no scroll region of its own on a phone: what sticks out there counts.
  const inScrollRegion = el => {
    const region = el.closest('.utrecht-table-container');
    return region !== null && getComputedStyle(region).overflowX !== 'visible';
  };
  const classes = el => typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
  const name = el => [el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), ...classes(el)].join('.');
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(el => sticksOut(el) && !sticksOut(el.parentElement) && !inScrollRegion(el))
    .slice(0, 5)
    .map(el => name(el) + ' (right edge at ' + Math.round(el.getBoundingClientRect().right) + ' px)');
  // The page scrolls sideways even when no single element can be named: that is a finding too.
  return culprits.length ? culprits : ['the page is ' + document.documentElement.scrollWidth + ' px wide'];
}"""


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)  # URL names
    runs: int = 0
    second_step_checked: bool = False


def check(page: Page, label: str, findings: Findings, *, counts: bool = True, shots: bool = True) -> None:
    """axe on the page as it is now, at 1280 px and at 390 px (the same document, the phone layout).

    `counts`: the page answers for its URL in the coverage check (not so for an error page shown there).
    `shots`: a full-page screenshot at each width goes to test-artifacts/screenshots/pages/, named by
    the label (`meldcode-case_detail-as-af-390.png`), for people to look at.
    """
    # Both sizes, starting from the one the page has: one resize per page instead of two.
    sizes = (PHONE, WIDE) if page.viewport_size == PHONE else (WIDE, PHONE)
    for size in sizes:
        if page.viewport_size != size:
            page.set_viewport_size(size)
        where = f"{label} [{size['width']} px]"
        findings.runs += 1
        for v in page.evaluate(AXE_RUN, [WCAG_TAGS, STRICT_RULES]):
            nodes = "\n    ".join(v["nodes"]) + (f"\n    (and {v['more']} more)" if v["more"] else "")
            findings.problems.append(f"{where} {v['id']} ({v['impact']}): {v['help']}\n    {nodes}\n    {v['helpUrl']}")
        if shots:
            _screenshot(page, f"{label}-{size['width']}")
        if size is PHONE and (wide := page.evaluate(SIDEWAYS)):
            findings.problems.append(
                f"{where} reflow: the page scrolls sideways (WCAG 1.4.10)\n    " + "\n    ".join(wide)
            )
        if counts and (name := _url_name(page.url)) is not None:
            findings.checked.add(name)


def _screenshot(page: Page, label: str) -> None:
    name = re.sub(r"[^a-z0-9_]+", "-", label.lower()).strip("-")
    page.screenshot(path=str(PAGE_SHOTS / f"{name}.png"), full_page=True)


def _url_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


# --- Browsing as the cast ------------------------------------------------------------------------


class Browsers:
    """One browser context per actor, signed in on first use and kept for all of that actor's pages."""

    def __init__(self, browser: Browser, live_server: Any, findings: Findings) -> None:
        self.browser, self.live_server, self.findings = browser, live_server, findings
        self.pages: dict[str, Page] = {}

    def new_page(self) -> Page:
        context = self.browser.new_context(viewport=WIDE, locale="nl-NL")
        context.set_default_timeout(TIMEOUT_MS)
        # axe-core is in every page the context opens, before the page's own scripts. An init script
        # is not subject to the page's Content-Security-Policy (no inline script), which a script tag
        # added afterwards would be, so the pages are checked under their real policy.
        context.add_init_script(path=AXE_JS)
        return context.new_page()

    def __call__(self, actor: str) -> Page:
        if actor not in self.pages:
            self.pages[actor] = page = self.new_page()
            if actor != "anonymous":
                self.sign_in(page, actor)
        return self.pages[actor]

    def sign_in(self, page: Page, username: str) -> None:
        """The real sign-in form, and its second step for whoever has an authenticator (that step checked once)."""
        device = two_factor_device(username) or TOTPDevice.objects.filter(user__username=username).first()
        self.open(page, reverse("login"))
        form = page.locator(MAIN_FORM).first
        form.locator("input[name='auth-username']").fill(username)
        form.locator("input[name='auth-password']").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        if device is not None:
            token = page.locator("input[name='token-otp_token']")
            token.wait_for()
            if not self.findings.second_step_checked:
                self.findings.second_step_checked = True
                check(page, f"the second sign-in step, as {username}", self.findings)
            token.fill(current_totp(device))
            page.locator(MAIN_FORM).first.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/inloggen/" not in url)
        page.locator("header form[action$='/uitloggen/']").wait_for()

    def open(self, page: Page, path: str, *, status: int = 200) -> Response:
        try:
            response = page.goto(f"{self.live_server.url}{path}")
        except PlaywrightError as exc:  # a download, for one
            first_line = exc.message.splitlines()[0]
            pytest.fail(f"{path} did not open as a page ({first_line}): list its URL name in NOT_PAGES with the reason")
        assert response is not None and response.status == status, (path, response and response.status)
        kind = response.headers.get("content-type", "")
        assert kind.startswith("text/html"), (
            f"{path} answered {kind!r}, not a page: list its URL name in NOT_PAGES with the reason"
        )
        return response

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()
