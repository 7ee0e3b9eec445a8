"""Step 1, the logbook: logging a signal, finding the pupil, correcting an entry, and asking to look along.

Reads as the specification. A teacher logs what she saw through the form; bad input changes nothing
and shows the error on the form; a logbook entry is never overwritten, a correction is kept beside
the original; one click asks the IB/AF to look along, and she sees who picked it up and when.
"""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import LookAlongRequest, Signal, SignalAmendment
from tests.factories import PupilFactory
from tests.support import FACTS, observed, signal_data

CREATE = reverse("meldcode:signal_create")


def _as_nl(moment, fmt):
    """How a template's date filter shows a moment (local time, Dutch month names)."""
    with translation.override("nl"):
        return dateformat.format(timezone.localtime(moment), fmt)


# --- Logging a signal ------------------------------------------------------------------------


def test_the_form_for_a_pupil_of_the_school_is_shown(cast):
    response = cast.client("teacher").get(CREATE, {"leerling": cast.pupil.pk})
    assert response.status_code == 200
    assert response.context["pupil"] == cast.pupil
    assert "form" in response.context
    # Other pupils involved can be chosen among the school's pupils, not the pupil herself.
    choices = set(response.context["form"].fields["other_pupils"].queryset)
    assert cast.sibling in choices
    assert cast.pupil not in choices
    assert cast.pupil_b not in choices


def test_logging_a_signal_saves_it_with_an_audit_event(cast):
    moment = timezone.localtime(timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    response = cast.client("teacher").post(
        f"{CREATE}?leerling={cast.pupil.pk}",
        signal_data(**observed(moment), other_pupils=[cast.sibling.pk]),
    )
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meldcode:signal_detail", args=[signal.pk])
    assert signal.pupil == cast.pupil
    assert signal.school == cast.school_a
    assert signal.author == cast.teacher
    assert signal.observed_at == moment
    assert signal.source == "own_observation"
    assert signal.categories == ["physical_abuse", "gut_feeling"]
    assert signal.facts == FACTS
    assert signal.child_words == '"Ik ben van de trap gevallen."'
    assert signal.interpretation == "Ik denk dat ze iets verbergt."
    assert signal.context == "Derde keer deze maand."
    assert signal.contradicting_info == "Ze speelt wel normaal met vriendjes."
    assert list(signal.other_pupils.all()) == [cast.sibling]
    assert signal.status == Signal.Status.NEW
    assert signal.case is None
    event = AuditEvent.objects.get(action="signal.log")
    assert event.actor == cast.teacher
    assert event.kind == AuditEvent.Kind.CHANGE
    assert event.pupil == cast.pupil
    assert event.school == cast.school_a
    assert event.object_id == signal.pk
    # Non-sensitive metadata only: never the narrative.
    assert FACTS not in str(event.detail)


def test_the_new_signal_page_shows_what_was_logged(cast):
    client = cast.client("teacher")
    response = client.post(f"{CREATE}?leerling={cast.pupil.pk}", signal_data(), follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(FACTS) in content
    assert escape("Ik denk dat ze iets verbergt.") in content
    assert list(response.context["messages"])  # a confirmation is shown


def _assert_refused(response, field, before_signals=0):
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Signal.objects.count() == before_signals
    assert not AuditEvent.objects.filter(action="signal.log").exists()


def test_empty_facts_are_refused(cast):
    response = cast.client("teacher").post(f"{CREATE}?leerling={cast.pupil.pk}", signal_data(facts="   "))
    _assert_refused(response, "facts")


def test_an_observation_in_the_future_is_refused(cast):
    tomorrow = observed(timezone.now() + timedelta(days=1))
    response = cast.client("teacher").post(f"{CREATE}?leerling={cast.pupil.pk}", signal_data(**tomorrow))
    _assert_refused(response, "observed_at")


def test_a_signal_without_a_category_is_refused(cast):
    data = signal_data()
    del data["categories"]
    response = cast.client("teacher").post(f"{CREATE}?leerling={cast.pupil.pk}", data)
    _assert_refused(response, "categories")


def test_other_pupils_of_another_school_are_refused(cast):
    response = cast.client("teacher").post(
        f"{CREATE}?leerling={cast.pupil.pk}", signal_data(other_pupils=[cast.sibling.pk, cast.pupil_b.pk])
    )
    _assert_refused(response, "other_pupils")


def test_a_pupil_of_another_school_gets_no_form(cast):
    client = cast.client("teacher")
    response = client.get(CREATE, {"leerling": cast.pupil_b.pk})
    assert response.status_code == 200
    assert "form" not in response.context
    assert response.context.get("pupil") is None
    assert escape(cast.pupil_b.full_name) not in response.content.decode()
    # Posting to it anyway saves nothing.
    response = client.post(f"{CREATE}?leerling={cast.pupil_b.pk}", signal_data())
    assert response.status_code == 200
    assert not Signal.objects.exists()


# --- Finding the pupil ----------------------------------------------------------------------


def test_pupil_search_finds_pupils_of_the_school_only(cast):
    PupilFactory(school=cast.school_b, first_name="Sanne", last_name="Bakker")
    response = cast.client("teacher").get(CREATE, {"q": "Sanne"})
    assert response.status_code == 200
    assert response.context["results"] == [cast.pupil]
    content = response.content.decode()
    assert f"?leerling={cast.pupil.pk}" in content
    assert "Bakker" not in content
    assert "base.html" in [t.name for t in response.templates]


def test_pupil_search_never_shows_a_pupil_of_another_school(cast):
    client = cast.client("teacher")
    response = client.get(CREATE, {"q": cast.pupil_b.first_name})
    assert response.context["results"] == []
    assert escape(cast.pupil_b.full_name) not in response.content.decode()
    # School B's AF finds her own pupil, and not Sanne.
    response = cast.client("af_b").get(CREATE, {"q": "Sanne"})
    assert response.context["results"] == []
    response = cast.client("af_b").get(CREATE, {"q": cast.pupil_b.last_name})
    assert response.context["results"] == [cast.pupil_b]


def test_pupil_search_with_htmx_returns_only_the_results_fragment(cast):
    response = cast.client("teacher").get(CREATE, {"q": "de vries"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    templates = [t.name for t in response.templates]
    # The fragment, and the include that tells each pupil apart: no page around it.
    assert templates[0] == "meldcode/_pupil_results.html"
    assert set(templates[1:]) == {"meldcode/_pupil_identity.html"}
    content = response.content.decode()
    assert "<html" not in content
    assert "<form" not in content
    assert f"?leerling={cast.pupil.pk}" in content
    assert f"?leerling={cast.sibling.pk}" in content
    assert {p.pk for p in response.context["results"]} == {cast.pupil.pk, cast.sibling.pk}


# --- Corrections: the original stays -------------------------------------------------------------


def amend_data(signal, **overrides):
    data = {name: getattr(signal, name) for name in Signal.TEXT_FIELDS}
    data["reason"] = "Ik had de verkeerde wang genoemd."
    data.update(overrides)
    return data


NEW_FACTS = "Sanne had een blauwe plek op haar rechterwang en hield haar jas de hele ochtend aan."


def test_a_correction_keeps_the_original(cast):
    signal = cast.signal("teacher", facts=FACTS, interpretation="Ik maak me zorgen.")
    response = cast.client("teacher").post(
        reverse("meldcode:signal_amend", args=[signal.pk]), amend_data(signal, facts=NEW_FACTS)
    )
    assert response.status_code == 302
    assert response.url == reverse("meldcode:signal_detail", args=[signal.pk])
    amendment = SignalAmendment.objects.get()
    assert amendment.signal == signal
    assert amendment.author == cast.teacher
    assert amendment.facts == NEW_FACTS
    assert amendment.interpretation == "Ik maak me zorgen."
    assert amendment.reason == "Ik had de verkeerde wang genoemd."
    signal.refresh_from_db()
    assert signal.facts == FACTS  # the logbook entry itself is never overwritten
    assert AuditEvent.objects.filter(action="signal.amend", actor=cast.teacher, object_id=signal.pk).exists()


def test_the_signal_page_shows_the_current_text_and_the_original_in_the_history(cast):
    signal = cast.signal("teacher", facts=FACTS)
    client = cast.client("teacher")
    client.post(reverse("meldcode:signal_amend", args=[signal.pk]), amend_data(signal, facts=NEW_FACTS))
    response = client.get(reverse("meldcode:signal_detail", args=[signal.pk]))
    assert response.context["current"]["facts"] == NEW_FACTS
    assert [a.facts for a in response.context["amendments"]] == [NEW_FACTS]
    content = response.content.decode()
    # The current text comes first, the history (original, then the correction with its reason) after it.
    assert content.index(escape(NEW_FACTS)) < content.index(escape(FACTS))
    history = re.search(r'<div class="haven-amended">(.*?)</details>', content, re.S)
    assert history is not None
    assert escape(FACTS) in history.group(1)
    assert escape("Ik had de verkeerde wang genoemd.") in content


def test_a_correction_needs_a_reason(cast):
    signal = cast.signal("teacher")
    response = cast.client("teacher").post(
        reverse("meldcode:signal_amend", args=[signal.pk]), amend_data(signal, facts=NEW_FACTS, reason="")
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not SignalAmendment.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(cast):
    signal = cast.signal("teacher")
    response = cast.client("teacher").post(reverse("meldcode:signal_amend", args=[signal.pk]), amend_data(signal))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SignalAmendment.objects.exists()
    assert not AuditEvent.objects.filter(action="signal.amend").exists()


def test_the_amend_form_starts_from_the_current_text(cast):
    signal = cast.signal("teacher")
    services.amend_signal(cast.actor("teacher"), signal, **amend_data(signal, facts=NEW_FACTS))
    response = cast.client("teacher").get(reverse("meldcode:signal_amend", args=[signal.pk]))
    assert response.context["form"].initial["facts"] == NEW_FACTS


def test_another_teacher_cannot_correct_the_signal(cast):
    signal = cast.signal("teacher")
    url = reverse("meldcode:signal_amend", args=[signal.pk])
    # Not a member of a dossier with it: the signal does not exist for her.
    assert cast.client("teacher2").post(url, amend_data(signal, facts=NEW_FACTS)).status_code == 404
    # As a member of the dossier she may read it, but still not correct it.
    case = services.open_case(cast.actor("af"), signal, lead=cast.af)
    services.add_case_member(cast.actor("af"), case, cast.teacher2)
    client = cast.client("teacher2")
    assert client.get(reverse("meldcode:signal_detail", args=[signal.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, amend_data(signal, facts=NEW_FACTS)).status_code == 403
    assert not SignalAmendment.objects.exists()


def test_the_af_may_correct_a_teachers_signal(cast):
    signal = cast.signal("teacher")
    response = cast.client("af").post(
        reverse("meldcode:signal_amend", args=[signal.pk]), amend_data(signal, facts=NEW_FACTS)
    )
    assert response.status_code == 302
    assert SignalAmendment.objects.get().author == cast.af


# --- My signals ---------------------------------------------------------------------------------


def test_my_signals_lists_only_my_own_signals(cast):
    mine = [cast.signal("teacher"), cast.signal("teacher", pupil=cast.sibling)]
    theirs = [cast.signal("teacher2"), cast.signal("af")]
    services.log_signal(
        cast.actor("af_b"),
        pupil=cast.pupil_b,
        observed_at=timezone.now(),
        source="own_observation",
        categories=["gut_feeling"],
        facts="School B.",
    )
    response = cast.client("teacher").get(reverse("meldcode:signal_list"))
    assert response.status_code == 200
    assert {s.pk for s in response.context["signals"]} == {s.pk for s in mine}
    content = response.content.decode()
    for signal in mine:
        assert reverse("meldcode:signal_detail", args=[signal.pk]) in content
    for signal in theirs:
        assert reverse("meldcode:signal_detail", args=[signal.pk]) not in content


def test_my_signals_includes_signals_that_went_into_a_dossier_or_were_noted(cast):
    in_case = cast.signal("teacher")
    services.open_case(cast.actor("af"), in_case, lead=cast.af)
    noted = cast.signal("teacher", pupil=cast.sibling)
    services.note_signal(cast.actor("ib"), noted, reason="Past bij de leeftijd.")
    response = cast.client("teacher").get(reverse("meldcode:signal_list"))
    assert {s.pk: s.status for s in response.context["signals"]} == {in_case.pk: "in_case", noted.pk: "noted"}


# --- Look along (meekijken) ---------------------------------------------------------------------


def test_the_teacher_asks_to_look_along_with_one_click(cast):
    signal = cast.signal("teacher")
    client = cast.client("teacher")
    detail = client.get(reverse("meldcode:signal_detail", args=[signal.pk])).content.decode()
    url = reverse("meldcode:signal_request_look_along", args=[signal.pk])
    assert f'action="{url}"' in detail  # the button is there
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("meldcode:signal_detail", args=[signal.pk])
    request = LookAlongRequest.objects.get()
    assert request.signal == signal
    assert request.requested_by == cast.teacher
    assert request.school == cast.school_a
    assert request.picked_up_at is None
    assert AuditEvent.objects.filter(action="signal.request_look_along", actor=cast.teacher).count() == 1


def test_asking_twice_does_not_duplicate_the_request(cast):
    signal = cast.signal("teacher")
    client = cast.client("teacher")
    url = reverse("meldcode:signal_request_look_along", args=[signal.pk])
    client.post(url)
    client.post(url)
    assert LookAlongRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="signal.request_look_along").count() == 1


def test_asking_to_look_along_is_post_only(cast):
    signal = cast.signal("teacher")
    response = cast.client("teacher").get(reverse("meldcode:signal_request_look_along", args=[signal.pk]))
    assert response.status_code == 405
    assert not LookAlongRequest.objects.exists()


def test_the_af_picks_up_the_request_and_the_teacher_sees_it(cast):
    signal = cast.signal("teacher")
    teacher = cast.client("teacher")
    teacher.post(reverse("meldcode:signal_request_look_along", args=[signal.pk]))
    request = LookAlongRequest.objects.get()

    # Before pick-up the teacher sees it is waiting.
    row = teacher.get(reverse("meldcode:signal_list")).content.decode()
    assert escape(str(cast.af)) not in row

    # The request is in the AF's inbox, with who asked and about which pupil.
    af = cast.client("af")
    inbox = af.get(reverse("meldcode:inbox"))
    assert list(inbox.context["look_along_requests"]) == [request]
    content = inbox.content.decode()
    pick_up = reverse("meldcode:look_along_pick_up", args=[request.pk])
    assert f'action="{pick_up}"' in content
    assert escape(str(cast.teacher)) in content
    assert escape(cast.pupil.full_name) in content

    response = af.post(pick_up)
    assert response.status_code == 302
    assert response.url == reverse("meldcode:signal_detail", args=[signal.pk])
    request.refresh_from_db()
    assert request.picked_up_by == cast.af
    assert request.picked_up_at is not None
    assert AuditEvent.objects.filter(action="signal.pick_up_look_along", actor=cast.af).count() == 1
    # Picked up: it leaves the inbox.
    assert list(af.get(reverse("meldcode:inbox")).context["look_along_requests"]) == []

    # The teacher sees who picked it up, and when, on her list and on the signal page.
    listing = teacher.get(reverse("meldcode:signal_list")).content.decode()
    assert escape(str(cast.af)) in listing
    assert _as_nl(request.picked_up_at, "j F, H:i") in listing
    page = teacher.get(reverse("meldcode:signal_detail", args=[signal.pk]))
    assert page.context["requests"][0].picked_up_by == cast.af
    content = page.content.decode()
    assert escape(str(cast.af)) in content
    assert _as_nl(request.picked_up_at, "j F Y, H:i") in content


def test_picking_up_twice_keeps_the_first_person(cast):
    signal = cast.signal("teacher")
    request = services.request_look_along(cast.actor("teacher"), signal)
    cast.client("af").post(reverse("meldcode:look_along_pick_up", args=[request.pk]))
    cast.client("ib").post(reverse("meldcode:look_along_pick_up", args=[request.pk]))
    request.refresh_from_db()
    assert request.picked_up_by == cast.af
    assert AuditEvent.objects.filter(action="signal.pick_up_look_along").count() == 1


# --- Every look at a signal is audited --------------------------------------------------------------


def test_opening_a_signal_is_audited_and_a_refused_look_too(cast):
    signal = cast.signal("teacher")
    assert cast.client("teacher").get(reverse("meldcode:signal_detail", args=[signal.pk])).status_code == 200
    event = AuditEvent.objects.get(action="signal.view", actor=cast.teacher)
    assert (event.kind, event.outcome, event.object_id) == ("read", "allowed", signal.pk)
    assert event.pupil == cast.pupil
    assert cast.client("teacher2").get(reverse("meldcode:signal_detail", args=[signal.pk])).status_code == 404
    event = AuditEvent.objects.get(action="signal.view", actor=cast.teacher2)
    assert (event.kind, event.outcome, event.object_id) == ("read", "denied", signal.pk)
