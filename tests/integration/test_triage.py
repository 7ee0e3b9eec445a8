"""Triage: the IB/AF/school leader decides what happens with a new signal.

Reads as the specification. The inbox holds the school's new signals; from a signal one opens a
dossier (with an IB, AF or school leader as case lead), adds it to the pupil's open dossier, or
notes it without a dossier, with a reason. A signal is triaged once, and a pupil has at most one
open dossier.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import Case, Signal
from tests.factories import MembershipFactory


def _open(signal):
    return reverse("meldcode:signal_open_case", args=[signal.pk])


def _attach(signal):
    return reverse("meldcode:signal_attach", args=[signal.pk])


def _note(signal):
    return reverse("meldcode:signal_note", args=[signal.pk])


def _detail(signal):
    return reverse("meldcode:signal_detail", args=[signal.pk])


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- The inbox ---------------------------------------------------------------------------------


def test_the_inbox_shows_the_new_signals_of_the_school_only(cast):
    new = [cast.signal("teacher"), cast.signal("teacher2", pupil=cast.sibling)]
    handled = cast.signal("assistant")
    services.open_case(cast.actor("af"), handled, lead=cast.af)
    noted = cast.signal("teacher", pupil=cast.sibling)
    services.note_signal(cast.actor("af"), noted, reason="Normaal gedrag.")
    other_school = services.log_signal(
        cast.actor("af_b"),
        pupil=cast.pupil_b,
        observed_at=timezone.now(),
        source="own_observation",
        categories=["gut_feeling"],
        facts="Op school B gezien.",
    )
    for name in ("af", "ib", "leader"):
        response = cast.client(name).get(reverse("meldcode:inbox"))
        assert response.status_code == 200
        assert [s.pk for s in response.context["signals"]] == [s.pk for s in sorted(new, key=lambda s: s.observed_at)]
        content = response.content.decode()
        for signal in new:
            assert _detail(signal) in content
        for signal in (handled, noted, other_school):
            assert _detail(signal) not in content
    # And school B's AF sees only school B's signal.
    response = cast.client("af_b").get(reverse("meldcode:inbox"))
    assert [s.pk for s in response.context["signals"]] == [other_school.pk]


def test_the_signal_page_offers_triage_to_the_af(cast):
    signal = cast.signal("teacher")
    response = cast.client("af").get(_detail(signal))
    assert response.context["may_triage"] is True
    assert response.context["open_case"] is None
    leads = set(response.context["open_form"].fields["lead"].queryset)
    assert leads == {cast.ib, cast.af, cast.leader}
    content = response.content.decode()
    assert f'action="{_open(signal)}"' in content
    assert f'action="{_note(signal)}"' in content
    # The teacher who logged it does not triage.
    assert cast.client("teacher").get(_detail(signal)).context["may_triage"] is False


# --- Opening a dossier -------------------------------------------------------------------------


def test_opening_a_dossier_from_a_signal(cast):
    signal = cast.signal("teacher")
    response = cast.client("af").post(_open(signal), {"lead": cast.ib.pk})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meldcode:case_detail", args=[case.pk])
    assert case.pupil == cast.pupil
    assert case.school == cast.school_a
    assert case.lead == cast.ib
    assert case.opened_by == cast.af
    assert case.is_open
    # The author keeps sight of her concern; the lead and whoever opened it are members too.
    assert set(case.members.all()) == {cast.teacher, cast.ib, cast.af}
    signal.refresh_from_db()
    assert signal.case == case
    assert signal.status == Signal.Status.IN_CASE
    assert signal.triaged_by == cast.af
    assert signal.triaged_at is not None
    assert AuditEvent.objects.filter(action="case.open", case=case, actor=cast.af).count() == 1
    # The author can now open the dossier.
    assert cast.client("teacher").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 200


def test_a_teacher_cannot_be_the_case_lead(cast):
    signal = cast.signal("teacher")
    client = cast.client("af")
    response = client.post(_open(signal), {"lead": cast.teacher2.pk})
    assert response.status_code == 302
    assert response.url == _detail(signal)
    assert not Case.objects.exists()
    signal.refresh_from_db()
    assert signal.status == Signal.Status.NEW
    assert _messages(client.get(response.url))  # the refusal is explained


def test_a_teacher_who_is_ib_at_another_school_is_not_offered_as_case_lead(cast):
    # Staff often work at two schools of one board, in different roles.
    MembershipFactory(user=cast.teacher2, school=cast.school_b, role="care_coordinator")
    signal = cast.signal("teacher")
    response = cast.client("af").get(_detail(signal))
    leads = list(response.context["open_form"].fields["lead"].queryset)
    assert cast.teacher2 not in leads
    cast.client("af").post(_open(signal), {"lead": cast.teacher2.pk})
    assert not Case.objects.exists()


def test_an_ib_who_works_at_two_schools_can_be_chosen_as_case_lead(cast):
    MembershipFactory(user=cast.ib, school=cast.school_b, role="care_coordinator")
    signal = cast.signal("teacher")
    response = cast.client("af").get(_detail(signal))
    leads = list(response.context["open_form"].fields["lead"].queryset)
    assert leads.count(cast.ib) == 1
    response = cast.client("af").post(_open(signal), {"lead": cast.ib.pk})
    assert response.status_code == 302
    assert Case.objects.get().lead == cast.ib


def test_opening_a_second_open_dossier_for_the_same_pupil_is_refused(cast):
    first = cast.case("teacher", by="af")
    signal = cast.signal("teacher2")
    client = cast.client("ib")
    # The page offers to add it to the open dossier instead.
    detail = client.get(_detail(signal))
    assert detail.context["open_case"] == first
    assert f'action="{_attach(signal)}"' in detail.content.decode()
    response = client.post(_open(signal), {"lead": cast.ib.pk})
    assert response.status_code == 302
    assert response.url == _detail(signal)
    assert list(Case.objects.all()) == [first]
    signal.refresh_from_db()
    assert signal.status == Signal.Status.NEW
    assert _messages(client.get(response.url))


# --- Adding to the open dossier ----------------------------------------------------------------


def test_a_signal_is_added_to_the_pupils_open_dossier(cast):
    case = cast.case("teacher", by="af")
    signal = cast.signal("teacher2")
    response = cast.client("ib").post(_attach(signal))
    assert response.status_code == 302
    assert response.url == reverse("meldcode:case_detail", args=[case.pk])
    signal.refresh_from_db()
    assert signal.case == case
    assert signal.status == Signal.Status.IN_CASE
    assert signal.triaged_by == cast.ib
    # The author of the added signal becomes a member and can follow the dossier.
    assert case.members.filter(pk=cast.teacher2.pk).exists()
    assert cast.client("teacher2").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="signal.attach", case=case, actor=cast.ib).count() == 1
    assert case.signals.count() == 2


def test_adding_without_an_open_dossier_is_refused(cast):
    signal = cast.signal("teacher")
    client = cast.client("af")
    response = client.post(_attach(signal))
    assert response.url == _detail(signal)
    signal.refresh_from_db()
    assert signal.status == Signal.Status.NEW
    assert _messages(client.get(response.url))


def test_a_signal_is_not_added_to_a_closed_dossier(cast):
    case = cast.case("teacher", by="af")
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag.")
    signal = cast.signal("teacher")
    cast.client("af").post(_attach(signal))
    signal.refresh_from_db()
    assert signal.case is None
    assert signal.status == Signal.Status.NEW


# --- Noted, no dossier --------------------------------------------------------------------------


def test_noting_without_a_dossier_needs_a_reason(cast):
    signal = cast.signal("teacher")
    client = cast.client("af")
    response = client.post(_note(signal), {"reason": "  "})
    assert response.url == _detail(signal)
    signal.refresh_from_db()
    assert signal.status == Signal.Status.NEW
    assert signal.noted_reason == ""
    assert not AuditEvent.objects.filter(action="signal.note").exists()
    assert _messages(client.get(response.url))


def test_a_noted_signal_stays_in_the_logbook(cast):
    signal = cast.signal("teacher")
    response = cast.client("af").post(_note(signal), {"reason": "Past bij de leeftijd; we blijven kijken."})
    assert response.status_code == 302
    assert response.url == reverse("meldcode:inbox")
    signal.refresh_from_db()
    assert signal.status == Signal.Status.NOTED
    assert signal.noted_reason == "Past bij de leeftijd; we blijven kijken."
    assert signal.triaged_by == cast.af
    assert signal.case is None
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(action="signal.note", actor=cast.af, object_id=signal.pk).count() == 1
    # It leaves the inbox, but stays in the author's logbook with its status and reason.
    assert list(cast.client("af").get(reverse("meldcode:inbox")).context["signals"]) == []
    teacher = cast.client("teacher")
    assert [s.pk for s in teacher.get(reverse("meldcode:signal_list")).context["signals"]] == [signal.pk]
    page = teacher.get(_detail(signal))
    assert page.status_code == 200
    assert page.context["signal"].status == Signal.Status.NOTED
    assert escape("Past bij de leeftijd; we blijven kijken.") in page.content.decode()


# --- Triaged once --------------------------------------------------------------------------------


def test_a_handled_signal_cannot_be_triaged_again(cast):
    case = cast.case("teacher", by="af")
    in_case = case.signals.get()
    noted = cast.signal("teacher", pupil=cast.sibling)
    services.note_signal(cast.actor("af"), noted, reason="Normaal.")
    client = cast.client("ib")

    # The page no longer offers triage.
    assert client.get(_detail(in_case)).context["may_triage"] is False

    client.post(_note(in_case), {"reason": "Toch niets."})
    response = client.post(_open(noted), {"lead": cast.ib.pk})
    assert response.url == _detail(noted)
    assert _messages(client.get(response.url))
    client.post(_note(noted), {"reason": "Andere reden."})

    in_case.refresh_from_db()
    noted.refresh_from_db()
    assert (in_case.status, in_case.case, in_case.triaged_by) == (Signal.Status.IN_CASE, case, cast.af)
    assert (noted.status, noted.noted_reason, noted.triaged_by) == (Signal.Status.NOTED, "Normaal.", cast.af)
    assert list(Case.objects.all()) == [case]
    assert AuditEvent.objects.filter(action="signal.note").count() == 1
