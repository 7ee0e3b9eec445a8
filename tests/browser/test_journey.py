"""The main journey through the meldcode, in real Chromium, as the people at school click it.

A teacher logs a signal about Sanne and asks the IB/AF to look along; the AF picks the request up,
opens a dossier, walks steps 2 to 5, decides to report, prepares the report and records it as made.
Each page is checked for what it shows, and a screenshot of each main page is kept in
test-artifacts/screenshots/ for review.

Elements are found by URL, form field ids and names, not by visible text: the Dutch catalogue may or
may not be compiled. Where the text matters (the framework's advice, the timeline), the expected
words come from the same catalogue through gettext, so the test holds in either state.
"""

import base64
import re
import sqlite3

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from haven.accounts import totp
from haven.audit import actions
from haven.meldcode.models import Case, LookAlongRequest, Signal
from tests.browser.conftest import login, screenshot

FACTS = "Sanne kwam maandag, dinsdag en woensdag zonder ontbijt en zonder jas naar school."
CHILD_WORDS = '"Mama was er niet, ik heb zelf brood gezocht."'
INTERPRETATION = "Ik denk dat er thuis weinig toezicht is."
VT_REFERENCE = "VT-2026-0001"


def nl(message: str) -> str:
    """The text as Haven shows it in Dutch (the msgid itself while the catalogue is not compiled)."""
    with translation.override("nl"):
        return gettext(message)


def submit(form) -> None:
    # The form's save button: the primary one where a form has more (the signal form's pupil search).
    primary = form.locator("button[type=submit].utrecht-button--primary-action")
    (primary if primary.count() else form.locator("button[type=submit]")).first.click()


def expect_no_form_errors(page) -> None:
    expect(page.locator("main .utrecht-alert--error, main .haven-field-error")).to_have_count(0)


def teacher_logs_a_signal(page, live_server, cast) -> Signal:
    login(page, live_server, "teacher")

    # The main menu leads to "log a signal"; it starts with choosing the pupil.
    page.locator(".haven-nav a[href='/signalen/nieuw/']").click()
    page.wait_for_url("**/signalen/nieuw/")
    search = page.locator("#pupil-search")
    expect(search).to_be_focused()  # autofocus: the teacher can type at once
    search.press_sequentially("Sanne", delay=20)
    # htmx fills the results while typing; only pupils of the teacher's own school are found.
    result = page.locator(f"#pupil-results a[href$='?leerling={cast.pupil.pk}']")
    expect(result).to_have_text("Sanne de Vries")
    expect(page.locator("#pupil-results")).not_to_contain_text("Noah Jansen")
    expect(page).to_have_url(re.compile(r"/signalen/nieuw/$"))  # hx-push-url="false"
    screenshot(page, "01-pick-pupil")
    result.click()
    page.wait_for_url(f"**/signalen/nieuw/?leerling={cast.pupil.pk}")

    main = page.locator("main")
    expect(main.locator(".haven-content .haven-meta").first).to_contain_text("Sanne de Vries")
    # When: prefilled with "now"; source: own observation by default.
    # The date and a 24-hour time as text: two tab stops, "14:30" whatever the browser's locale.
    expect(page.locator("#id_observed_at_0")).to_have_value(re.compile(r"^\d\d-\d\d-\d{4}$"))
    expect(page.locator("#id_observed_at_1")).to_have_value(re.compile(r"^([01]\d|2[0-3]):[0-5]\d$"))
    expect(page.locator("#id_source")).to_have_value(Signal.Source.OWN_OBSERVATION)
    page.locator("#id_source").select_option(Signal.Source.CHILD_TOLD)
    # The category with the keyboard: focus the checkbox, Space ticks it.
    neglect = page.locator(f"input[name=categories][value={Signal.Category.PHYSICAL_NEGLECT}]")
    neglect.focus()
    page.keyboard.press("Space")
    expect(neglect).to_be_checked()
    # The texts with the keyboard, tabbing from field to field in the order of the form.
    page.locator("#id_facts").click()
    page.keyboard.type(FACTS)
    page.keyboard.press("Tab")
    expect(page.locator("#id_child_words")).to_be_focused()
    page.keyboard.type(CHILD_WORDS)
    page.keyboard.press("Tab")
    expect(page.locator("#id_interpretation")).to_be_focused()
    page.keyboard.type(INTERPRETATION)
    expect(page.locator("#id_facts")).to_have_value(FACTS)
    screenshot(page, "02-signal-form")
    submit(main.locator("form[method=post]"))

    page.wait_for_url(re.compile(r"/signalen/\d+/$"))
    signal = Signal.objects.get(pupil=cast.pupil)
    assert page.url.endswith(f"/signalen/{signal.pk}/")
    assert (signal.author, signal.source, signal.categories) == (
        cast.teacher,
        Signal.Source.CHILD_TOLD,
        [Signal.Category.PHYSICAL_NEGLECT],
    )
    expect(main.locator(".haven-messages .utrecht-alert--ok")).to_be_visible()
    facts, words = main.locator(".haven-fact").nth(0), main.locator(".haven-fact").nth(1)
    expect(facts).to_contain_text(FACTS)
    expect(words).to_contain_text(CHILD_WORDS)
    # The interpretation is shown apart from the facts.
    expect(main.locator(".haven-interpretation")).to_contain_text(INTERPRETATION)
    expect(main.locator(".haven-fact", has_text=INTERPRETATION)).to_have_count(0)
    expect(main.locator(".haven-badge--warning")).to_have_count(1)  # the category
    # A teacher cannot triage: no "open a dossier" form.
    expect(main.locator("form[action$='/dossier-openen/']")).to_have_count(0)
    screenshot(page, "03-signal-detail")

    # Ask the IB/AF to look along.
    submit(main.locator(f"form[action='/signalen/{signal.pk}/meekijken/']"))
    page.wait_for_url(f"**/signalen/{signal.pk}/")
    expect(main.locator(".haven-messages .utrecht-alert--ok")).to_be_visible()
    expect(main.locator("li .haven-badge--warning")).to_have_count(1)  # asked, not yet picked up
    # Asked once: the button is still there for the author, but no second open request is made.
    assert LookAlongRequest.objects.filter(signal=signal, picked_up_at__isnull=True).count() == 1
    return signal


def test_from_signal_to_report_made(transactional_db, cast, live_server, new_page, tmp_path):
    teacher = new_page()
    signal = teacher_logs_a_signal(teacher, live_server, cast)
    request = LookAlongRequest.objects.get(signal=signal)

    # b. The AF sees the signal and the request in the inbox ---------------------------------------
    page = new_page()
    login(page, live_server, "af")
    page.locator(".haven-nav a[href='/inbox/']").click()
    page.wait_for_url("**/inbox/")
    main = page.locator("main")
    ask = main.locator("li", has=page.locator(f"form[action='/meekijken/{request.pk}/oppakken/']"))
    expect(ask).to_contain_text("Sanne de Vries")
    expect(ask.locator(f"a[href='/signalen/{signal.pk}/']")).to_be_visible()
    row = main.locator("table tbody tr", has=page.locator(f"a[href='/signalen/{signal.pk}/']"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Sanne de Vries")
    expect(row.locator("td").nth(2)).to_contain_text(str(cast.teacher))
    expect(main.locator("table tbody tr")).to_have_count(1)  # school B's signals stay out
    screenshot(page, "04-inbox")

    submit(ask.locator("form"))
    page.wait_for_url(f"**/signalen/{signal.pk}/")
    expect(main.locator("li .haven-badge--success")).to_contain_text(str(cast.af))  # picked up by af
    request.refresh_from_db()
    assert request.picked_up_by == cast.af
    # The teacher sees it too.
    teacher.reload()
    expect(teacher.locator("main li .haven-badge--success")).to_contain_text(str(cast.af))

    # The AF opens a dossier and leads it herself (she is preselected).
    open_form = main.locator(f"form[action='/signalen/{signal.pk}/dossier-openen/']")
    expect(open_form.locator("#id_lead")).to_have_value(str(cast.af.pk))
    submit(open_form)
    page.wait_for_url(re.compile(r"/dossiers/\d+/$"))
    case = Case.objects.get(pupil=cast.pupil)
    assert case.lead == cast.af
    dossier_url = f"{live_server.url}/dossiers/{case.pk}/"
    assert page.url == dossier_url

    steps = main.locator("ol.haven-steps > li")
    expect(steps).to_have_count(5)
    expect(steps.nth(0)).to_have_class(re.compile(r"\bis-done\b"))
    expect(steps.nth(1)).to_have_class(re.compile(r"\bis-current\b"))
    expect(steps.nth(1)).to_have_attribute("aria-current", "step")
    expect(main.locator("ol.haven-steps > li[aria-current]")).to_have_count(1)
    next_step = main.locator("#next-step")
    expect(next_step).to_be_visible()
    expect(next_step.locator(f"a[href='/dossiers/{case.pk}/consultatie/']")).to_be_visible()
    expect(main.locator("section[aria-labelledby=step1] .haven-fact").first).to_contain_text(FACTS)
    screenshot(page, "05-dossier-step-2")

    # c. Step 2: consultation with Veilig Thuis, anonymous advice ----------------------------------
    next_step.locator("#next-action").click()
    page.wait_for_url(f"**/dossiers/{case.pk}/consultatie/")
    expect(page.locator("#id_held_on")).to_have_value(timezone.localdate().isoformat())
    page.locator("#id_consulted").select_option("veilig_thuis")
    page.locator("#id_consulted_name").fill("Veilig Thuis Zonnedal")
    page.locator("#id_anonymous").check()
    page.locator("#id_question").fill("Is dit reden voor een melding?")
    page.locator("#id_advice").fill("Ga eerst in gesprek met de ouders en weeg daarna.")
    submit(main.locator("form[method=post]"))
    page.wait_for_url(dossier_url)
    expect_no_form_errors(page)
    consultation = main.locator("section[aria-labelledby=step2] article")
    expect(consultation).to_contain_text("Veilig Thuis Zonnedal")
    # Step 2 is done, so it is folded; its heading opens it.
    expect(consultation).to_be_hidden()
    main.locator("#step2").click()
    expect(consultation.locator(".haven-badge--info")).to_be_visible()  # anonymous advice
    expect(steps.nth(2)).to_have_attribute("aria-current", "step")

    # Step 3: the conversation with the mother and the pupil.
    next_step.locator(f"a[href='/dossiers/{case.pk}/gesprek/']").click()
    page.wait_for_url(f"**/dossiers/{case.pk}/gesprek/")
    page.locator("input[name=participants][value=mother]").check()
    page.locator("input[name=participants][value=pupil]").check()
    page.locator("#id_shared").fill("Wat we zagen: drie dagen zonder ontbijt en zonder jas.")
    page.locator("#id_reaction").fill('Moeder: "Ik werk vroeg, ik kan het niet altijd regelen."')
    page.locator("#id_acknowledgement").select_option("seen")
    submit(main.locator("form[method=post]"))
    page.wait_for_url(dossier_url)
    expect_no_form_errors(page)
    expect(main.locator("section[aria-labelledby=step3] article")).to_contain_text("Moeder:")
    expect(steps.nth(3)).to_have_attribute("aria-current", "step")

    # Step 4: the weighing, questions 1 and 2 both "yes".
    next_step.locator(f"a[href='/dossiers/{case.pk}/wegen/']").click()
    page.wait_for_url(f"**/dossiers/{case.pk}/wegen/")
    page.locator("input[name=suspicion][value=yes]").check()
    page.locator("#id_suspicion_explanation").fill("Structureel geen ontbijt en geen toezicht.")
    page.locator("input[name=unsafety][value=yes]").check()
    page.locator("#id_unsafety_explanation").fill("Het patroon houdt aan, ook na het gesprek.")
    page.locator("#id_risk_factors").fill("Moeder werkt vroeg, geen andere volwassene thuis.")
    submit(main.locator("form[method=post]"))
    page.wait_for_url(dossier_url)
    expect_no_form_errors(page)
    expect(main.locator("section[aria-labelledby=step4] article")).to_contain_text("Structureel geen ontbijt")
    expect(steps.nth(4)).to_have_attribute("aria-current", "step")

    # Step 5: the decision. Questions 1 and 2 come from the weighing; the advice follows live.
    next_step.locator(f"a[href='/dossiers/{case.pk}/beslissen/']").click()
    page.wait_for_url(f"**/dossiers/{case.pk}/beslissen/")
    expect(page.locator("#id_suspicion")).to_have_value("yes")
    expect(page.locator("#id_unsafety")).to_have_value("yes")
    expect(page.locator("#id_can_help")).to_have_value("")
    advice = page.locator("#framework-advice")
    report_advice = nl("Report to Veilig Thuis (and keep supporting the pupil where you can).")
    expect(advice).to_contain_text(report_advice)
    with page.expect_response(lambda r: "/beslissen/advies/" in r.url and "unsafety=no" in r.url):
        page.locator("#id_unsafety").select_option("no")
    pending = nl("Not yet known: answer question %(n)s.") % {"n": 3}  # blocktranslate's msgid
    expect(advice).to_contain_text(pending)
    expect(advice).not_to_contain_text(report_advice)
    page.locator("#id_unsafety").select_option("yes")
    expect(advice).to_contain_text(report_advice)
    expect(page.locator("#framework-advice")).to_have_count(1)  # swapped in place, not nested
    page.locator("#id_outcome").select_option("report")
    page.locator("#id_rationale").fill("Structurele onveiligheid: vraag 2 is ja, dus melden.")
    expect(page.locator("#id_decided_by")).to_have_value(str(cast.af.pk))
    screenshot(page, "06-decision-form")
    submit(main.locator("form[method=post]"))
    page.wait_for_url(dossier_url)
    expect_no_form_errors(page)
    decision = main.locator("section[aria-labelledby=step5] article").first
    expect(decision).to_contain_text(nl("Report to Veilig Thuis"))
    expect(decision).to_contain_text("Structurele onveiligheid")
    expect(steps.locator(":scope.is-done")).to_have_count(5)

    # The report: warning first, prefilled from the dossier.
    next_step.locator(f"a[href='/dossiers/{case.pk}/melding/']").click()
    page.wait_for_url(f"**/dossiers/{case.pk}/melding/")
    warning = main.locator(".utrecht-alert--warning")
    expect(warning).to_contain_text("0800-2000")
    expect(warning).to_contain_text("112")
    expect(warning).to_contain_text("12")
    expect(warning).to_contain_text(
        nl(
            "Parents, and children from 12, may read what the report says about them. "
            "Write facts, not judgements, and keep your interpretation apart."
        )
    )
    expect(page.locator("#id_facts")).to_have_value(re.compile(re.escape(FACTS)))
    expect(page.locator("#id_facts")).to_have_value(re.compile(re.escape(CHILD_WORDS)))
    expect(page.locator("#id_interpretation")).to_have_value(INTERPRETATION)
    expect(page.locator("#id_direct_cause")).to_have_value(FACTS)
    expect(page.locator("#id_relation_to_family")).to_have_value(re.compile("OBS De Regenboog"))
    expect(page.locator("#id_household")).to_have_value(re.compile("Sanne de Vries"))
    expect(page.locator("#id_risk_factors")).to_have_value("Moeder werkt vroeg, geen andere volwassene thuis.")
    expect(page.locator("#id_help_contacts")).to_have_value(re.compile("Veilig Thuis Zonnedal"))
    # Who reports, for which school: from the account and the school; the AF adds how to reach them.
    expect(page.locator("#id_reporter_name")).to_have_value(cast.af.get_full_name())
    expect(page.locator("#id_school_name")).to_have_value("OBS De Regenboog")
    page.locator("#id_reporter_phone").fill("030 123 45 67")
    page.locator("#id_household_contacts_unknown").check()
    page.locator("#id_expectations").fill("Onderzoek naar de thuissituatie en passende hulp.")
    page.locator("input[name=parents_informed][value=yes]").check()
    page.locator("#id_parents_informed_how").fill("In een gesprek met moeder op school.")
    screenshot(page, "07-report-form")
    submit(main.locator("form[method=post]:not([action])"))
    page.wait_for_url(f"**/dossiers/{case.pk}/melding/")
    expect_no_form_errors(page)
    expect(main.locator(".haven-messages .utrecht-alert--ok")).to_be_visible()

    # Record it as made.
    made = main.locator(f"form[action='/dossiers/{case.pk}/melding/gedaan/']")
    expect(made.locator("#id_made_on")).to_have_value(timezone.localdate().isoformat())
    expect(made.locator("#id_made_by")).to_have_value(str(cast.af.pk))
    made.locator("#id_vt_reference").fill(VT_REFERENCE)
    submit(made)
    page.wait_for_url(dossier_url)
    expect_no_form_errors(page)
    report = main.locator("section[aria-labelledby=step5] article", has=page.locator("h3"))
    expect(report.locator(".haven-badge--success")).to_be_visible()
    expect(report).to_contain_text(VT_REFERENCE)
    expect(report).to_contain_text(str(cast.af))

    # The timeline tells the whole story, newest first.
    events = main.locator("ol.haven-timeline > li")
    texts = [t.strip() for t in events.locator(".haven-timeline__text").all_inner_texts()]
    expected = [
        "signal.log",
        "signal.request_look_along",
        "signal.pick_up_look_along",
        "case.open",
        "case.consultation",
        "case.conversation",
        "case.weighing",
        "case.decision",
        "case.report_draft",
        "case.report_made",
    ]
    with translation.override("nl"):
        wanted = [actions.label(action) for action in expected]
    for label in wanted:
        assert label in texts, f"{label!r} missing from the timeline {texts}"
    order = [texts.index(label) for label in wanted]
    assert order == sorted(order, reverse=True), texts
    screenshot(page, "08-dossier-end")

    # The print version of the report.
    page.goto(f"{live_server.url}/dossiers/{case.pk}/melding/afdrukken/")
    expect(main).to_contain_text(VT_REFERENCE)
    expect(main.locator(".haven-report")).to_contain_text(FACTS)
    expect(main.locator(".haven-report")).to_contain_text("In een gesprek met moeder op school.")
    screenshot(page, "09-report-print")
    # On paper: no header, menu, buttons or hide-screen overlay; the report itself stays.
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.locator(".haven-nav")).to_be_hidden()
    expect(page.locator("[data-haven-no-print]")).to_be_hidden()
    expect(main.locator(".haven-report")).to_be_visible()
    screenshot(page, "10-report-print-media")

    # After the report: Veilig Thuis's feedback comes in; the AF records it and closes the dossier.
    page.emulate_media(media="screen")
    page.goto(dossier_url)
    main.locator(f"a[href$='/meldingen/{report_pk(case)}/terugkoppeling/']").click()
    form = main.locator("form[method=post]").first
    form.locator("input[name=outcome][value=confirmed]").check()
    form.locator("textarea[name=follow_up_started]").fill("Het lokale team start een gezinsbegeleiding.")
    form.locator("textarea[name=school_expectations]").fill("Blijf signaleren en meld nieuwe zorgen.")
    submit(form)
    page.wait_for_url(lambda url: url.startswith(dossier_url))
    expect_no_form_errors(page)
    expect(main).to_contain_text("Het lokale team start een gezinsbegeleiding.")
    screenshot(page, "11-dossier-feedback")

    page.goto(f"{dossier_url}afsluiten/")
    form = main.locator("form[method=post]").first
    form.locator("input[name=reason][value=taken_over]").check()
    form.locator("textarea[name=explanation]").fill("Veilig Thuis heeft het overgenomen; de school blijft signaleren.")
    submit(form)
    page.wait_for_url(dossier_url)
    expect_no_form_errors(page)
    case.refresh_from_db()
    assert not case.is_open
    expect(main.locator(".haven-badge--info").first).to_be_visible()
    screenshot(page, "12-dossier-closed")

    # What the journey wrote is in the database only encrypted: a copy of its raw file holds none of it.
    assert_the_raw_database_holds_none_of(
        Signal.Category.PHYSICAL_NEGLECT,  # the category, stored next to Sanne's signal
        VT_REFERENCE,
        FACTS,
        INTERPRETATION,
        "Het lokale team start een gezinsbegeleiding.",
        *two_factor_key_forms(cast.af),
        tmp_path=tmp_path,
    )


def two_factor_key_forms(user) -> list[str]:
    """The user's TOTP secret as django-otp keeps it (hex) and as an authenticator app shows it (base32)."""
    secret = bytes.fromhex(totp.plain_key(TOTPDevice.objects.get(user=user)))
    return [secret.hex(), secret.hex().upper(), base64.b32encode(secret).decode().rstrip("=")]


def assert_the_raw_database_holds_none_of(*texts: str, tmp_path) -> None:
    """The test database (SQLite: in memory for the live server) copied byte for byte to a file, then searched."""
    assert connection.vendor == "sqlite"
    copy = tmp_path / "journey.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    with sqlite3.connect(copy) as db:  # the rows are there: a scan of an empty file would prove nothing
        assert db.execute("SELECT COUNT(*) FROM meldcode_report WHERE vt_reference LIKE 'enc2:%'").fetchone()[0] == 1
    data = copy.read_bytes()
    assert [text for text in texts if text.encode() in data] == []


def report_pk(case) -> int:
    return case.reports.get().pk
