"""Parents' right of access (inzage): the AF prepares what is shown, withholds with reasons, and
the export shows everything else, with a marker in place of what is withheld."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from haven.audit.models import AuditEvent
from haven.disclosure.models import Disclosure
from haven.disclosure.queries import build_record, withheld_marker
from haven.disclosure.services import record_disclosure
from haven.external_signals import services as external_signals
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import advice, services
from haven.meldcode.models import AdviceRequest, Signal
from haven.pupils import services as pupil_services
from tests.factories import PupilFactory

# A function, not a constant: a run that passes midnight must not compare yesterday with today.
TODAY = timezone.localdate
SECRET = "De buurvrouw Jansen drinkt en slaat haar eigen kinderen"
REASON = "gaat over de buurvrouw, niet over het kind"
REPORTER_REASON = "veiligheid van de melder"


@pytest.fixture
def dossier(cast):
    """A dossier about cast.pupil with a record of every kind, a household and a loose signal."""
    af = cast.actor("af")
    pupil_services.add_household_member(
        cast.actor("admin"), cast.pupil, name="Els de Vries", relation="mother", lives_with_pupil=True
    )
    case = cast.case(author="teacher")
    signal = case.signals.get()
    services.amend_signal(
        cast.actor("teacher"), signal, reason="Aanvulling.", facts="Komt vaak zonder ontbijt en zonder jas."
    )
    consultation = services.record_consultation(
        af,
        case,
        held_on=TODAY(),
        consulted="other_organisation",
        consulted_name="Buurtteam Oost",
        question=SECRET,
        advice="Observeer verder.",
    )
    services.record_conversation(
        af,
        case,
        held_on=TODAY(),
        participants=["mother", "pupil"],
        shared="De zorgen over ontbijt en kleding.",
        reaction="Moeder vertelt dat het thuis druk is.",
        acknowledgement="seen",
    )
    services.record_weighing(af, case, suspicion=True, suspicion_explanation="Herhaald patroon.", unsafety=False)
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": False, "can_help": True, "accepted": True, "effective": None},
        outcome="help",
        rationale="Hulp via het buurtteam.",
        decided_by=cast.af,
    )
    services.close_case(af, case, reason="help_working", explanation="Hulp loopt goed.")
    loose = cast.signal("teacher2", pupil=cast.pupil, facts="Losse observatie op het schoolplein.")
    # A signal about the sibling that names this pupil as involved.
    other = cast.signal("teacher", pupil=cast.sibling, facts="Ruzie tussen broer en zus.", other_pupils=[cast.pupil])
    return {"case": case, "signal": signal, "consultation": consultation, "loose": loose, "other": other}


def prepare_url(cast):
    return reverse("disclosure:prepare", args=[cast.pupil.pk])


def form_data(cast, **choices):
    record = build_record(cast.pupil)
    data = {"state": record.state}
    data.update(choices)
    return data


def html(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page's text and attribute values, with the markup's own whitespace collapsed."""
    # Unescaped, so names like "van 't Hof" compare as written.
    return re.sub(r"\s+", " ", unescape(html(response)))


# Preparing -------------------------------------------------------------------------------------------


def test_the_prepare_page_lists_everything_haven_holds_on_the_pupil(cast, dossier):
    response = cast.client("af").get(prepare_url(cast))
    assert response.status_code == 200
    page = text_of(response)
    for text in (
        "Sanne de Vries",
        "Els de Vries",
        "Komt vaak zonder ontbijt en zonder jas.",  # the current text
        "Komt voor de derde keer deze week zonder ontbijt",  # the original stays visible
        SECRET,
        "Buurtteam Oost",
        "Moeder vertelt dat het thuis druk is.",
        "Herhaald patroon.",
        "Hulp via het buurtteam.",
        "Hulp loopt goed.",
        "Losse observatie op het schoolplein.",
        str(cast.teacher),
    ):
        assert text in page, text
    # The sibling's signal is about the sibling: the date is listed, not what it says.
    assert "Ruzie tussen broer en zus." not in page
    record = response.context["record"]
    assert {i.split("-")[0] for i in record.item_ids} >= {
        "household",
        "signal",
        "consultation",
        "conversation",
        "weighing",
        "decision",
        "closure",
    }
    for item in record.item_ids:
        assert f'name="withhold_{item}"' in page
        assert f'name="reason_{item}"' in page
    assert "Sanne" not in re.search(r"<title>(.*?)</title>", page).group(1)


def test_preparing_is_an_audited_read_of_the_pupil_and_each_dossier(cast, dossier):
    cast.client("af").get(prepare_url(cast))
    events = AuditEvent.objects.filter(action="disclosure.prepare", kind=AuditEvent.Kind.READ, actor=cast.af)
    assert events.filter(pupil=cast.pupil, case__isnull=True).count() == 1
    assert events.filter(case=dossier["case"]).count() == 1


def test_recording_the_access_stores_what_is_withheld_and_why(cast, dossier):
    consultation = f"consultation-{dossier['consultation'].pk}"
    data = form_data(
        cast,
        withhold_reporter="on",
        reporter_reason=REPORTER_REASON,
        **{f"withhold_{consultation}": "on", f"reason_{consultation}": REASON},
    )
    response = cast.client("af").post(prepare_url(cast), data)
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("disclosure:export", args=[disclosure.pk])
    assert disclosure.pupil == cast.pupil
    assert disclosure.school == cast.school_a
    assert disclosure.made_by == cast.af
    assert disclosure.withheld == {consultation: REASON}
    assert disclosure.reporter_identity_withheld is True
    assert disclosure.reporter_reason == REPORTER_REASON
    assert set(disclosure.items) == set(build_record(cast.pupil).item_ids)
    event = AuditEvent.objects.get(action="pupil.disclose")
    assert event.kind == AuditEvent.Kind.CHANGE
    assert event.pupil_id == cast.pupil.pk
    assert event.detail == {
        "items": len(disclosure.items),
        "withheld": [consultation],
        "reporter_identity_withheld": True,
    }
    # The reasons describe what was withheld: they stay out of the audit log.
    assert REASON not in str(event.detail)


@pytest.mark.parametrize("case", ["tick without reason", "reason without tick", "reporter without reason"])
def test_a_withheld_item_needs_its_reason_and_a_reason_needs_its_tick(cast, dossier, case):
    consultation = f"consultation-{dossier['consultation'].pk}"
    choices = {
        "tick without reason": {f"withhold_{consultation}": "on", f"reason_{consultation}": "  "},
        "reason without tick": {f"reason_{consultation}": REASON},
        "reporter without reason": {"withhold_reporter": "on"},
    }[case]
    response = cast.client("af").post(prepare_url(cast), form_data(cast, **choices))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="pupil.disclose").exists()


def test_data_that_changed_while_preparing_is_not_recorded_unseen(cast, dossier):
    data = form_data(cast)
    services.record_consultation(
        cast.actor("ib"),
        _reopened(cast, dossier["case"]),
        held_on=TODAY(),
        consulted="colleague",
        question="Nieuw overleg",
        advice="Nieuw advies",
    )
    response = cast.client("af").post(prepare_url(cast), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Disclosure.objects.exists()
    # The page now shows the new item, with the fingerprint of what it shows.
    assert "Nieuw overleg" in html(response)
    assert response.context["record"].state == build_record(cast.pupil).state


def _reopened(cast, case):
    services.reopen_case(cast.actor("af"), case, reason="Nieuwe zorgen.")
    case.refresh_from_db()
    return case


def test_an_item_id_of_another_pupil_cannot_be_withheld(cast, dossier):
    from django.core.exceptions import ValidationError

    from haven.disclosure.services import record_disclosure

    other = cast.signal("teacher", pupil=cast.sibling)
    with pytest.raises(ValidationError):
        record_disclosure(
            cast.actor("af"),
            cast.pupil,
            state=build_record(cast.pupil).state,
            withheld={f"signal-{other.pk}": REASON},
            reporter_identity_withheld=False,
        )
    assert not Disclosure.objects.exists()


# The export ------------------------------------------------------------------------------------------


@pytest.fixture
def disclosure(cast, dossier):
    consultation = f"consultation-{dossier['consultation'].pk}"
    data = form_data(
        cast,
        withhold_reporter="on",
        reporter_reason=REPORTER_REASON,
        **{f"withhold_{consultation}": "on", f"reason_{consultation}": REASON},
    )
    cast.client("af").post(prepare_url(cast), data)
    return Disclosure.objects.get()


def export(cast, disclosure, who="af"):
    return cast.client(who).get(reverse("disclosure:export", args=[disclosure.pk]))


def test_the_export_shows_the_data_and_replaces_what_is_withheld_by_its_reason(cast, dossier, disclosure):
    response = export(cast, disclosure)
    assert response.status_code == 200
    page = text_of(response)
    for text in (
        "Sanne de Vries",
        "Els de Vries",
        "Komt vaak zonder ontbijt en zonder jas.",
        "Moeder vertelt dat het thuis druk is.",
        "Herhaald patroon.",
        "Hulp via het buurtteam.",
        "Hulp loopt goed.",
        "Losse observatie op het schoolplein.",
        withheld_marker(REASON),
        withheld_marker(REPORTER_REASON),
    ):
        assert text in page, text
    # What is withheld is not in the page at all.
    for secret in (SECRET, "Buurtteam Oost", "Observeer verder."):
        assert secret not in page, secret
    # The reporters' names, and the source of their signals, are replaced throughout.
    for name in (str(cast.teacher), str(cast.teacher2)):
        assert name not in page, name
    assert str(Signal.Source.OWN_OBSERVATION.label) not in page
    assert "Ruzie tussen broer en zus." not in page
    assert "Sanne" not in re.search(r"<title>(.*?)</title>", page).group(1)


def test_the_marker_is_the_dutch_message_with_the_reason(cast, disclosure):
    # English message id "[withheld: %(reason)s]"; the catalogue makes it "[achtergehouden: <reason>]".
    from django.utils import translation

    with translation.override("nl"):
        marker = withheld_marker(REASON)
    assert marker in text_of(export(cast, disclosure))
    assert marker.startswith("[") and marker.endswith(f": {REASON}]")


def test_without_withholding_the_reporter_is_named(cast, dossier):
    response = cast.client("af").post(prepare_url(cast), form_data(cast))
    page = text_of(cast.client("af").get(response.url))
    assert str(cast.teacher) in page
    assert SECRET in page
    assert str(Signal.Source.OWN_OBSERVATION.label) in page


def test_reading_the_export_is_an_audited_read(cast, dossier, disclosure):
    export(cast, disclosure, who="leader")
    events = AuditEvent.objects.filter(action="disclosure.view", kind=AuditEvent.Kind.READ, actor=cast.leader)
    assert events.filter(object_type="disclosure", object_id=disclosure.pk, case__isnull=True).count() == 1
    assert events.filter(case=dossier["case"]).count() == 1


def test_what_was_added_after_the_access_is_not_in_its_export(cast, dossier, disclosure):
    case = _reopened(cast, dossier["case"])
    services.record_consultation(
        cast.actor("af"), case, held_on=TODAY(), consulted="colleague", question="LATER-VRAAG", advice="LATER-ADVIES"
    )
    services.amend_signal(cast.actor("af"), dossier["signal"], reason="Later.", facts="LATER-CORRECTIE van de feiten.")
    pupil_services.add_household_member(
        cast.actor("admin"), cast.pupil, name="Piet Later", relation="father", lives_with_pupil=False
    )
    cast.signal("teacher", pupil=cast.pupil, facts="LATER-SIGNAAL", case=case)
    page = text_of(export(cast, disclosure))
    for later in ("LATER-VRAAG", "LATER-CORRECTIE", "Piet Later", "LATER-SIGNAAL", "Nieuwe zorgen."):
        assert later not in page, later
    assert "Komt vaak zonder ontbijt en zonder jas." in page


def test_a_draft_report_changed_after_the_access_is_not_shown(cast):
    af = cast.actor("af")
    case = cast.case()
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Structureel.",
        decided_by=cast.af,
    )
    fields = {
        "relation_to_family": "School",
        "direct_cause": "Blauwe plekken",
        "facts": "EERSTE-VERSIE",
        "household": "Moeder",
        "expectations": "Onderzoek",
        "parents_informed": True,
        "parents_informed_how": "Gesprek",
    }
    services.save_report(af, case, **fields)
    cast.client("af").post(prepare_url(cast), form_data(cast))
    disclosure = Disclosure.objects.get()
    assert "EERSTE-VERSIE" in text_of(export(cast, disclosure))
    services.save_report(af, case, **{**fields, "facts": "TWEEDE-VERSIE"})
    page = text_of(export(cast, disclosure))
    assert "TWEEDE-VERSIE" not in page
    assert "EERSTE-VERSIE" not in page


def test_a_dossier_destroyed_after_the_access_is_gone_from_the_export(cast, dossier, disclosure):
    services.destroy_case(dossier["case"], reason="retention")
    response = export(cast, disclosure)
    page = text_of(response)
    assert "Hulp via het buurtteam." not in page
    assert "Losse observatie op het schoolplein." in page
    gone = set(disclosure.items) - set(build_record(cast.pupil).item_ids)
    assert len(gone) == 6  # the signal, consultation, conversation, weighing, decision and closing
    assert response.context["record"].missing == len(gone)


def test_other_pupils_named_in_a_signal_are_counted_not_named(cast):
    cast.signal("teacher", pupil=cast.pupil, other_pupils=[cast.sibling])
    cast.client("af").post(prepare_url(cast), form_data(cast))
    page = text_of(export(cast, Disclosure.objects.get()))
    assert "Daan" not in page


# Who may ---------------------------------------------------------------------------------------------

WHO_MAY = [("af", 200), ("leader", 200), ("ib", 403), ("teacher", 403), ("teacher2", 403), ("admin", 403)]


@pytest.mark.parametrize(("who", "status"), WHO_MAY)
def test_only_the_af_and_the_school_leader_prepare_an_access(cast, dossier, who, status):
    assert cast.client(who).get(prepare_url(cast)).status_code == status
    response = cast.client(who).post(prepare_url(cast), form_data(cast))
    assert response.status_code == (302 if status == 200 else status)


@pytest.mark.parametrize(("who", "status"), WHO_MAY)
def test_only_the_af_and_the_school_leader_read_the_export(cast, disclosure, who, status):
    assert export(cast, disclosure, who).status_code == status


def test_another_schools_af_finds_nothing_and_the_attempt_is_logged(cast, dossier, disclosure):
    client = cast.client("af_b")
    assert client.get(prepare_url(cast)).status_code == 404
    assert client.post(prepare_url(cast), form_data(cast)).status_code == 404
    assert client.get(reverse("disclosure:export", args=[disclosure.pk])).status_code == 404
    denied = AuditEvent.objects.filter(actor=cast.af_b, outcome=AuditEvent.Outcome.DENIED)
    assert denied.filter(action="disclosure.prepare", pupil=cast.pupil).exists()
    assert denied.filter(action="disclosure.view", object_id=disclosure.pk).exists()
    assert Disclosure.objects.count() == 1
    # And school A's AF cannot reach school B's pupil.
    assert cast.client("af").get(reverse("disclosure:prepare", args=[cast.pupil_b.pk])).status_code == 404


def test_the_dossier_page_links_to_the_access_for_those_who_may(cast, dossier):
    url = reverse("meldcode:case_detail", args=[dossier["case"].pk])
    link = prepare_url(cast)
    assert link in html(cast.client("af").get(url))
    assert link in html(cast.client("leader").get(url))
    assert link not in html(cast.client("ib").get(url))
    assert link not in html(cast.client("teacher").get(url))


def test_earlier_accesses_are_listed_on_the_prepare_page(cast, dossier, disclosure):
    page = html(cast.client("leader").get(prepare_url(cast)))
    assert reverse("disclosure:export", args=[disclosure.pk]) in page


def test_a_pupil_without_any_record_can_be_disclosed_too(cast):
    pupil = PupilFactory(school=cast.school_a, first_name="Lotte")
    url = reverse("disclosure:prepare", args=[pupil.pk])
    response = cast.client("af").get(url)
    assert response.status_code == 200
    assert response.context["record"].item_ids == []
    response = cast.client("af").post(url, {"state": build_record(pupil).state})
    assert response.status_code == 302
    assert "Lotte" in text_of(cast.client("af").get(response.url))


def test_noted_signals_show_why_no_dossier_was_opened(cast):
    signal = cast.signal("teacher", observed_at=timezone.now() - timedelta(days=1))
    services.note_signal(cast.actor("ib"), signal, reason="Past bij de leeftijd.")
    cast.client("af").post(prepare_url(cast), form_data(cast))
    assert "Past bij de leeftijd." in text_of(export(cast, Disclosure.objects.get()))


# Records without a dossier ---------------------------------------------------------------------------

ADVICE_QUESTION = "Sanne zegt dat ze niet naar huis wil. Wat kunnen we doen?"
ADVICE_ANSWER = "Leg de signalen vast en ga met moeder in gesprek."
NAMED_QUESTION = "Mogen we de zorgen met het buurtteam delen?"
NAMED_ANSWER = "Ja, met toestemming van de ouders."
VERWIJSINDEX_NOTE = (
    "The verwijsindex risicojongeren only records that a professional is involved with a young person, never why."
)


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text)


def dutch_day(day):
    with translation.override("nl"):
        return date_format(day, "j F Y")


def advice_request(
    cast, *, by="af", pupil=None, anonymous=True, question=ADVICE_QUESTION, answer=ADVICE_ANSWER, held_on=None
):
    return advice.record_advice_request(
        cast.actor(by),
        held_on=held_on or TODAY() - timedelta(days=20),
        anonymous=anonymous,
        question=question,
        advice=answer,
        pupil=pupil or cast.pupil,
    )


def loose_referral(cast, *, by="ib", action="placed", on=None, pupil=None):
    return external_signals.record_referral_index_without_case(
        cast.actor(by), pupil=pupil or cast.pupil, action=action, on=on or TODAY() - timedelta(days=10)
    )


@pytest.fixture
def loose(cast):
    """Advice requests and a verwijsindex signal about cast.pupil, recorded without any dossier."""
    return {
        "anonymous": advice_request(cast, held_on=TODAY() - timedelta(days=30)),
        "named": advice_request(
            cast,
            by="ib",
            anonymous=False,
            question=NAMED_QUESTION,
            answer=NAMED_ANSWER,
            held_on=TODAY() - timedelta(days=5),
        ),
        "placed": loose_referral(cast, on=TODAY() - timedelta(days=12)),
    }


def section(page, title, until):
    """The page's text from the section headed `title` up to the next heading `until`."""
    start = page.index(dutch(title))
    return page[start : page.index(dutch(until), start)]


def test_records_without_a_dossier_are_offered_for_withholding_in_their_own_sections(cast, loose):
    response = cast.client("af").get(prepare_url(cast))
    page = text_of(response)
    advice = section(page, "Advice requests to Veilig Thuis without a dossier", "Verwijsindex without a dossier")
    # Oldest first, each with its date, whether it was anonymous, who recorded it, question and advice.
    assert advice.index(ADVICE_QUESTION) < advice.index(NAMED_QUESTION)
    for text in (ADVICE_QUESTION, ADVICE_ANSWER, NAMED_QUESTION, NAMED_ANSWER, dutch("anonymous advice")):
        assert text in advice, text
    assert advice.count(dutch("anonymous advice")) == 1  # the named request is not marked anonymous
    assert dutch_day(TODAY() - timedelta(days=30)) in advice
    assert str(cast.af) in advice and str(cast.ib) in advice
    verwijsindex = section(page, "Verwijsindex without a dossier", "There is no dossier about this pupil.")
    assert dutch("Placed in the verwijsindex") in verwijsindex
    assert dutch_day(TODAY() - timedelta(days=12)) in verwijsindex
    assert str(cast.ib) in verwijsindex
    record = response.context["record"]
    ids = {f"advice-{loose['anonymous'].pk}", f"advice-{loose['named'].pk}", f"referral-{loose['placed'].pk}"}
    assert ids <= set(record.item_ids)
    for item in ids:
        assert f'name="withhold_{item}"' in page
        assert f'name="reason_{item}"' in page


def test_a_pupil_without_such_records_gets_empty_sections(cast):
    page = text_of(cast.client("af").get(prepare_url(cast)))
    advice = section(page, "Advice requests to Veilig Thuis without a dossier", "Verwijsindex without a dossier")
    assert dutch("None.") in advice


def test_a_record_without_a_dossier_is_withheld_with_its_reason(cast, loose):
    item = f"advice-{loose['named'].pk}"
    referral = f"referral-{loose['placed'].pk}"
    data = form_data(
        cast,
        **{
            f"withhold_{item}": "on",
            f"reason_{item}": REASON,
            f"withhold_{referral}": "on",
            f"reason_{referral}": "ander kind",
        },
    )
    response = cast.client("af").post(prepare_url(cast), data)
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert disclosure.withheld == {item: REASON, referral: "ander kind"}
    assert AuditEvent.objects.get(action="pupil.disclose").detail["withheld"] == sorted([item, referral])
    page = text_of(export(cast, disclosure))
    # In its place: its kind, its date and the reason; never what it said.
    assert withheld_marker(REASON) in page
    assert withheld_marker("ander kind") in page
    for secret in (NAMED_QUESTION, NAMED_ANSWER):
        assert secret not in page, secret
    assert dutch_day(TODAY() - timedelta(days=5)) in page
    # What is not withheld is shown in full.
    assert ADVICE_QUESTION in page and ADVICE_ANSWER in page


def test_a_record_without_a_dossier_needs_its_reason_to_be_withheld(cast, loose):
    item = f"advice-{loose['anonymous'].pk}"
    response = cast.client("af").post(prepare_url(cast), form_data(cast, **{f"withhold_{item}": "on"}))
    assert response.status_code == 200
    assert response.context["form"].errors[f"reason_{item}"]
    assert not Disclosure.objects.exists()


def test_the_withheld_reporter_is_not_named_as_the_one_who_recorded_them(cast, loose):
    # The IB logged a signal about the pupil: withholding the reporter hides the IB's name everywhere.
    cast.signal("ib", pupil=cast.pupil, facts="Blauwe plek op de arm.")
    cast.client("af").post(prepare_url(cast), form_data(cast, withhold_reporter="on", reporter_reason=REPORTER_REASON))
    page = text_of(export(cast, Disclosure.objects.get()))
    recorded_by = dutch("recorded by %(name)s")
    assert NAMED_QUESTION in page
    assert str(cast.ib) not in page
    assert recorded_by % {"name": withheld_marker(REPORTER_REASON)} in page
    # The AF recorded the anonymous request but raised no concern: named.
    assert recorded_by % {"name": cast.af} in page


def test_records_without_a_dossier_added_after_the_access_are_not_in_its_export(cast, loose):
    cast.client("af").post(prepare_url(cast), form_data(cast))
    disclosure = Disclosure.objects.get()
    later = advice_request(cast, question="LATER-VRAAG", answer="LATER-ADVIES", held_on=TODAY())
    ended = loose_referral(cast, action="ended", on=TODAY())
    page = text_of(export(cast, disclosure))
    assert "LATER-VRAAG" not in page and "LATER-ADVIES" not in page
    assert dutch("Ended in the verwijsindex") not in page
    assert ADVICE_QUESTION in page and dutch("Placed in the verwijsindex") in page
    # Cut off by the moment they were recorded, not only by the reviewed ids: the same holds for an
    # export rendered with every id it could have.
    record = build_record(cast.pupil, until=disclosure.made_at, items={f"advice-{later.pk}", f"referral-{ended.pk}"})
    assert record.advice_requests == [] and record.referral_index == []
    # And a new access shows them.
    cast.client("af").post(prepare_url(cast), form_data(cast))
    assert "LATER-VRAAG" in text_of(export(cast, Disclosure.objects.latest("pk")))


def test_a_record_added_while_preparing_is_not_recorded_unseen(cast, loose):
    data = form_data(cast)
    advice_request(cast, question="TUSSENDOOR", answer="Advies")
    response = cast.client("af").post(prepare_url(cast), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Disclosure.objects.exists()
    assert "TUSSENDOOR" in html(response)


def test_another_pupils_or_another_schools_records_are_never_included(cast, loose):
    advice_request(cast, pupil=cast.sibling, question="OVER-DAAN", answer="Advies over Daan")
    advice.record_advice_request(
        cast.actor("af"), held_on=TODAY(), anonymous=True, question="ZONDER-LEERLING", advice="Algemeen advies"
    )
    loose_referral(cast, pupil=cast.sibling)
    # Rows of another school that name this pupil: written directly, as no service of that school
    # may name another school's pupil; the access must not rely on that alone.
    AdviceRequest.objects.create(
        school=cast.school_b,
        pupil=cast.pupil,
        held_on=TODAY(),
        question="ANDERE-SCHOOL",
        advice="x",
        recorded_by=cast.af_b,
    )
    other_school_entry = ReferralIndexEntry.objects.create(
        school=cast.school_b, pupil=cast.pupil, action="placed", on=TODAY(), recorded_by=cast.af_b
    )
    # An entry placed from a dossier belongs to that dossier, not to the section without one.
    case = cast.case(author="teacher")
    in_dossier = external_signals.record_referral_index(cast.actor("af"), case, action="ended", on=TODAY())
    assert in_dossier.pupil == cast.pupil
    record = build_record(cast.pupil)
    assert {e.item_id for e in record.advice_requests} == {
        f"advice-{loose['anonymous'].pk}",
        f"advice-{loose['named'].pk}",
    }
    assert [e.item_id for e in record.referral_index] == [f"referral-{loose['placed'].pk}"]
    page = text_of(cast.client("af").get(prepare_url(cast)))
    for text in ("OVER-DAAN", "ZONDER-LEERLING", "ANDERE-SCHOOL"):
        assert text not in page, text
    assert f"withhold_referral-{other_school_entry.pk}" not in page
    # Nor can one of them be withheld in this pupil's access.
    sibling_advice = AdviceRequest.objects.get(pupil=cast.sibling)
    with pytest.raises(ValidationError):
        record_disclosure(
            cast.actor("af"),
            cast.pupil,
            state=record.state,
            withheld={f"advice-{sibling_advice.pk}": REASON},
            reporter_identity_withheld=False,
        )


def test_the_export_shows_records_without_a_dossier_like_every_other_item(cast, dossier, loose):
    cast.client("af").post(prepare_url(cast), form_data(cast))
    response = export(cast, Disclosure.objects.get())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    # The bytes as the parents' browser gets them, read as text: the markup out, its spacing collapsed.
    body = response.content.decode("utf-8")
    page = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))
    # Between the loose signals and the dossier, in this order.
    order = [
        dutch("Signals outside a dossier"),
        dutch("Advice requests to Veilig Thuis without a dossier"),
        ADVICE_QUESTION,
        NAMED_QUESTION,
        dutch("Verwijsindex without a dossier"),
        dutch(VERWIJSINDEX_NOTE),
        dutch("Placed in the verwijsindex"),
        "Hulp via het buurtteam.",  # the dossier's decision
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    recorded_by = dutch("recorded by %(name)s")
    anonymous = page[page.index(dutch("Advice request to Veilig Thuis")) : page.index(ADVICE_ANSWER)]
    # "Adviesvraag aan Veilig Thuis · 7 maart 2025 · anoniem advies · vastgelegd door <AF>", then the texts.
    assert dutch_day(TODAY() - timedelta(days=30)) in anonymous
    assert dutch("anonymous advice") in anonymous
    assert recorded_by % {"name": cast.af} in anonymous
    assert f"{dutch('Question')} {ADVICE_QUESTION} {dutch('Advice')} {ADVICE_ANSWER}" in page
    verwijsindex = page[page.index(dutch("Verwijsindex without a dossier")) :]
    assert (
        f"{dutch('Placed in the verwijsindex')} · {dutch_day(TODAY() - timedelta(days=12))} · "
        f"{recorded_by % {'name': cast.ib}}"
    ) in verwijsindex
    # Reading the export is audited for the pupil, as for any access.
    assert AuditEvent.objects.filter(action="disclosure.view", pupil=cast.pupil, case__isnull=True).exists()
