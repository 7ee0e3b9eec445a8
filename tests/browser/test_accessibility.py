"""Every page of Haven passes axe-core's WCAG 2.2 AA rules in the real Chromium, wide and on a phone.

Which pages there are comes from the URL resolver; who may open each one, and about which object,
from the authorization matrix (tests/authorization_matrix.py), whose test fails on a URL
without a row. So a new page gets its axe visit with no change here: the first actor in PREFERRED
order (then the matrix's own order) who gets 200 on GET opens it, about the matrix's object. A URL
that never answers an HTML page (a PDF, JSON, an image, an htmx fragment, a redirect, a POST action)
is listed in NOT_PAGES with its reason; a URL that is neither fails `test_every_page_has_an_axe_visit`
with what to do.

`test_every_page_passes_axe` signs each actor in once (one browser context each, through the real
sign-in form and its second step), opens every page as every actor who may open it, runs axe at
1280 px and again at 390 px wide,
checks at 390 px that the page does not scroll sideways (WCAG 1.4.10, which axe cannot judge),
submits the main forms empty to check their error states, and reports every finding together: the
rule, its impact, the elements and the rule's help page. Besides the WCAG rules it runs the
best-practice rule `region` (everything inside a landmark) and counts what `aria-prohibited-attr`
is unsure of. Every page it checks is saved as a full-page screenshot at both widths in
test-artifacts/screenshots/pages/, named after what was checked, for people to look at (a page as
the role that sees the most of it, and the start page of every role).

axe-core is installed by scripts/ensure-axe.sh (`make test` runs it) and pinned, with the hash of
its file, in tests/browser/axe-core.pin. When it is missing the test skips with the reason; in CI
(CI=true) it fails.
"""

import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from django.template import loader
from django.urls import get_resolver, reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

# The matrix's objects (the `objects` fixture of tests/conftest.py), made through the services: the
# dossier, signal, report, package, ... that the authorization test asks about, so objects added
# there are here too.
from tests.authorization_matrix import ACTORS, MATRIX, _names, _url
from tests.browser.axe import MAIN_FORM, PAGE_SHOTS, PIN, Browsers, Findings, check

# Who opens a page when several may: the roles that see the most of it (every control and section)
# first, then the matrix's own order, so a new actor needs no change here.
PREFERRED = ["af", "leader", "ib", "teacher", "teacher2", "admin"]

# URLs that never answer an HTML page of their own, with the reason. Every other URL is visited.
NOT_PAGES = {
    "healthz": "plain text for the load balancer",
    "documents:chronology": "a PDF download",
    "documents:report": "a PDF download",
    "documents:conversation": "a PDF download",
    "handover:package_pdf": "a PDF download",
    "handover:package_json": "a JSON download",
    "two_factor:qr": "the QR image on the two-factor set-up page (which is checked, image included)",
    "meldcode:decision_advice": "an htmx fragment, checked in place on the decision form",
    "meldcode:case_add_signal": "only redirects, to the signal form for the dossier (checked in EXTRA_STATES)",
    "accounts:password_link": "only moves the link's token into the session and redirects to password_set",
    "insights:export": "a CSV or XLSX download of a monitoring table",
    "insights:report": "the monitoring report, a PDF download",
}

# Pages that no plain GET reaches, and how `_flows` opens them the way a person gets there.
REACHED_BY_FLOW = {
    "accounts:password_set": "the one-time link from an invitation, by someone not signed in",
    "two_factor:disable": "a teacher who set up two-factor sign-in herself (the matrix's teachers have none)",
}

PathFor = Callable[[dict, object], str]  # (the matrix's objects, the cast) -> path


def _object_url(name: str, obj: str = "case") -> PathFor:
    return lambda objs, cast: _url(name, obj, objs)


def _signal_form(objs, cast) -> str:
    return f"{reverse('meldcode:signal_create')}?leerling={cast.pupil.pk}"


# Pages in a state the one plain visit does not show: (what, actor, path).
EXTRA_STATES = [
    ("the dossier with a report", "af", _object_url("meldcode:case_detail", "reported_case")),
    ("the dossier closed", "af", _object_url("meldcode:case_detail", "closed_case")),
    ("the dossier with a report made and a help plan", "af", _object_url("meldcode:case_detail", "help_case")),
    ("the signal form for a pupil", "teacher", _signal_form),
    ("the signal form from a dossier", "af", _object_url("meldcode:case_add_signal")),
    ("the pupil search without JavaScript", "teacher", lambda o, c: f"{reverse('meldcode:signal_create')}?q=Sanne"),
]

# Forms submitted empty (prefilled values cleared, the browser's own checks off) so that the server's
# error state is checked: the summary, the message at each field, aria-invalid, aria-describedby.
# (what, actor, path, the form).
FORM_ERRORS = [
    ("the signal form", "teacher", _signal_form, MAIN_FORM),
    ("the consultation (step 2)", "af", _object_url("meldcode:consultation_create"), MAIN_FORM),
    ("the weighing (step 4)", "af", _object_url("meldcode:weighing_create"), MAIN_FORM),
    ("the decision (step 5)", "af", _object_url("meldcode:decision_create"), MAIN_FORM),
    ("closing a dossier", "af", _object_url("meldcode:case_close"), MAIN_FORM),
    ("Veilig Thuis's feedback", "af", _object_url("followup:feedback", "made_report"), MAIN_FORM),
    ("a new pupil", "admin", lambda o, c: reverse("organisations:pupil_create"), MAIN_FORM),
    ("a new staff member", "admin", lambda o, c: reverse("organisations:staff_create"), MAIN_FORM),
    ("a household member", "admin", _object_url("organisations:pupil_edit", "pupil"), "main form[action$='/gezin/']"),
    ("signing in", "anonymous", lambda o, c: reverse("login"), MAIN_FORM),
    ("importing public figures", "region", lambda o, c: reverse("insights:public_figures"), MAIN_FORM),
]


def _actors_for(expected: dict[str, int]) -> list[str]:
    """Every actor who gets the page (200 on GET), in PREFERRED order, then the matrix's."""
    order = [*PREFERRED, *(a for a in ACTORS if a not in PREFERRED)]
    return [actor for actor in order if expected.get(actor) == 200]


def _actor_for(expected: dict[str, int]) -> str | None:
    return next(iter(_actors_for(expected)), None)


def _coverage():
    """Every URL name in the resolver and how it is checked: 'visit', 'flow', 'form', 'not a page' or 'missing'."""
    rows = {row[0]: row for row in MATRIX}
    for name, _pattern in _names(get_resolver().url_patterns):
        row = rows.get(name)
        if name in NOT_PAGES:
            yield name, "not a page"
        elif name in REACHED_BY_FLOW:
            yield name, "flow"
        elif row is not None and row[2] == "get" and _actor_for(row[3]) is not None:
            yield name, "visit"
        elif row is not None and row[2] == "post" and 200 not in row[3].values():
            yield name, "not a page"  # an action that redirects; its form sits on a page that is visited
        elif row is not None and row[2] == "post":
            # An action that re-shows refused input (200): a FORM_ERRORS entry must post to it, which
            # the run checks by the URL the refused form comes back on.
            yield name, "form"
        else:
            yield name, "missing"


def test_every_page_has_an_axe_visit():
    missing = [name for name, how in _coverage() if how == "missing"]
    assert missing == [], (
        f"No axe visit for {missing}. Give the URL a row in the MATRIX of tests/authorization_matrix.py "
        "with an actor who gets 200 on GET (this test then opens it as that actor), or, when it never answers an "
        "HTML page, add it with the reason to NOT_PAGES in tests/browser/test_accessibility.py."
    )


# --- Browsing as the cast ------------------------------------------------------------------------


def submit_empty(page, selector: str) -> None:
    form = page.locator(selector).first
    # The server's checks, not the browser's: clear what is prefilled and let `required` fields through.
    form.evaluate(
        """form => {
          form.noValidate = true;
          for (const el of form.elements) {
            if (['hidden', 'submit', 'button'].includes(el.type)) continue;
            if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
            else if (el.tagName === 'SELECT') el.selectedIndex = -1;
            else el.value = '';
          }
        }"""
    )
    # The save button: the primary one where a form has more (the signal form's pupil search).
    primary = form.locator("button[type=submit].utrecht-button--primary-action")
    with page.expect_navigation():
        (primary if primary.count() else form.locator("button[type=submit]")).first.click()


# --- The test ------------------------------------------------------------------------------------


def test_every_page_passes_axe(axe_core, transactional_db, cast, objects, live_server, browser):
    started = time.monotonic()
    findings = Findings()
    shutil.rmtree(PAGE_SHOTS, ignore_errors=True)  # only this run's pages
    PAGE_SHOTS.mkdir(parents=True)
    # A teacher who set up an authenticator herself (optional for her role), so she may turn it off.
    TOTPDevice.objects.create(user=cast.teacher2, name="default", confirmed=True)
    browsers = Browsers(browser, live_server, findings)
    try:
        _the_checks_find_faults(browsers.new_page())
        rows = {row[0]: row for row in MATRIX}
        # Every page as every role that may open it (what a page shows differs by role: its actions,
        # its sections, the menu); the screenshots of the one who sees the most, and every start page.
        for name, how in _coverage():
            if how == "visit":
                _name, obj, _method, expected = rows[name]
                for actor in _actors_for(expected):
                    page = browsers(actor)
                    browsers.open(page, _url(name, obj, objects))
                    shots = name == "home" or actor == _actor_for(expected)
                    check(page, f"{name} as {actor}", findings, shots=shots)
        for what, actor, path in EXTRA_STATES:
            browsers.open(browsers(actor), path(objects, cast))
            check(browsers(actor), f"{what}, as {actor}", findings)
        for what, actor, path, form in FORM_ERRORS:
            page = browsers(actor)
            browsers.open(page, path(objects, cast))
            submit_empty(page, form)
            errors = page.locator(".utrecht-alert--error, .haven-field-error, .errorlist")
            assert errors.count() > 0, f"{what}: submitted empty, yet the page shows no error"
            check(page, f"{what} submitted empty, as {actor}", findings)
        _flows(browsers, objects, cast, findings)
    finally:
        browsers.close()
    seconds = time.monotonic() - started
    print(
        f"\naxe-core {PIN['AXE_VERSION']}: {findings.runs} runs over {len(findings.checked)} pages in {seconds:.0f} s"
    )
    unchecked = sorted(name for name, how in _coverage() if how != "not a page" and name not in findings.checked)
    assert unchecked == [], f"pages meant to be checked that no visit reached: {unchecked}"
    assert findings.problems == [], f"{len(findings.problems)} accessibility problems:\n" + "\n".join(findings.problems)


def _the_checks_find_faults(page) -> None:
    """A page with known faults must come back with them: a clean report from a dead check proves nothing."""
    page.set_content(
        '<!DOCTYPE html><html lang="nl"><head><title>Proef</title></head><body><main>'
        '<img src="data:,"><div style="width: 600px">breed</div></main><p>buiten elk landmark</p></body></html>'
    )
    probe = Findings()
    check(page, "probe", probe, shots=False)
    page.context.close()
    found = [problem.split("] ")[1].split(" ")[0] for problem in probe.problems]
    assert sorted(found) == ["image-alt", "image-alt", "reflow:", "region", "region"], probe.problems


def _flows(browsers: Browsers, objs, cast, findings: Findings) -> None:
    """The pages a person reaches by a path rather than by a plain address, and the error pages."""
    # Setting one's password from the invitation link, not signed in; and the page without a valid link.
    anonymous = browsers("anonymous")
    browsers.open(anonymous, reverse("accounts:password_link", args=[objs["link_token"]]))
    assert urlsplit(anonymous.url).path == reverse("accounts:password_set")
    check(anonymous, "setting a password from the link", findings)
    submit_empty(anonymous, MAIN_FORM)
    check(anonymous, "setting a password, submitted empty", findings)
    stranger = browsers.new_page()
    browsers.open(stranger, reverse("accounts:password_set"), status=404)
    check(stranger, "the password page without a valid link (404)", findings, counts=False)
    stranger.context.close()

    # Two-factor sign-in set up by a teacher (optional for her role): the app step with its QR code,
    # that step with a wrong code, and turning it off again (teacher2 has an authenticator).
    teacher = browsers("teacher")
    browsers.open(teacher, reverse("two_factor:setup"))
    with teacher.expect_navigation():
        teacher.locator(f"{MAIN_FORM} button[type=submit]").first.click()
    teacher.locator("input[name='generator-token']").wait_for()
    check(teacher, "two-factor set-up, the app step", findings)
    teacher.locator("input[name='generator-token']").fill("000000")
    with teacher.expect_navigation():
        teacher.locator(f"{MAIN_FORM} button[type=submit]").first.click()
    check(teacher, "two-factor set-up, a wrong code", findings)
    teacher2 = browsers("teacher2")
    browsers.open(teacher2, reverse("two_factor:disable"))
    check(teacher2, "turning two-factor sign-in off, as teacher2", findings)
    # New recovery codes, shown once.
    af = browsers("af")
    browsers.open(af, reverse("two_factor:backup_tokens"))
    with af.expect_navigation():
        af.locator(f"{MAIN_FORM} button[type=submit]").first.click()
    check(af, "new recovery codes, as af", findings)

    # A date long ago: the step form with its "this date is right" box, and the dossier's verwijsindex
    # side form asking for it on a page of its own (issue 12, §4).
    case = objs["case"]
    long_ago = (timezone.localdate() - timedelta(days=1000)).isoformat()
    browsers.open(af, reverse("meldcode:consultation_create", args=[case.pk]))
    af.locator("#id_held_on").fill(long_ago)
    af.locator("#id_question").fill("Wat is wijs?")
    af.locator("#id_advice").fill("Bespreek het met de IB.")
    with af.expect_navigation():
        af.locator(f"{MAIN_FORM} button.utrecht-button--primary-action").click()
    af.locator("input[type=checkbox][name=date_confirmed]").wait_for()
    check(af, "a consultation dated long ago, asking to confirm the date", findings)
    browsers.open(af, reverse("meldcode:case_detail", args=[case.pk]))
    side = af.locator(f"form[action='{reverse('external_signals:referral_index', args=[case.pk])}']")
    side.locator("input[name=action]").first.check()
    side.locator("input[name=on]").fill(long_ago)
    with af.expect_navigation():
        side.locator("button[type=submit]").first.click()
    af.locator("input[type=checkbox][name=date_confirmed]").wait_for()
    check(af, "the verwijsindex dated long ago, asking to confirm the date", findings)
    # The signal form opened for a pupil of another school: the pupil search says so.
    browsers.open(teacher, reverse("meldcode:signal_create") + f"?leerling={cast.pupil_b.pk}")
    check(teacher, "the signal form for a pupil that cannot be chosen", findings)

    # Error pages: not found, refused, and the two rendered without a request (500 and 503), served
    # from the live server's address so that their styles load as they would.
    browsers.open(teacher, "/bestaat-niet/", status=404)
    check(teacher, "not found (404), as teacher", findings, counts=False)
    browsers.open(teacher, reverse("organisations:pupil_list"), status=403)
    check(teacher, "refused (403), as teacher", findings, counts=False)
    for template in ("500.html", "503.html"):
        with translation.override("nl"):
            html = loader.render_to_string(template, {"LANGUAGE_CODE": "nl"})
        path = f"/__{template}"
        teacher.route(f"**{path}", _answer_with(html))
        browsers.open(teacher, path, status=503)
        check(teacher, template, findings)
        teacher.unroute(f"**{path}")


def _answer_with(html: str):
    def handler(route, _request):
        route.fulfill(status=503, body=html, content_type="text/html; charset=utf-8")

    return handler
