"""Handover between two Haven schools: sent in Haven, accepted or refused by the receiving AF, the
receipt for the sender, and overdue for both after five school days. The file package stays."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.access.middleware import actor_for
from haven.audit.models import AuditEvent
from haven.handover import services as handover
from haven.handover.models import HandoverImport, PendingImport, Transfer
from haven.meldcode.models import Case
from haven.tasks.registry import tasks_for
from tests.factories import MembershipFactory, PupilFactory, SchoolFactory, UserFactory

# Monday 7 December 2026 at noon: five school days later is Monday 14 December.
SENT = timezone.make_aware(datetime(2026, 12, 7, 12, 0))


def send(cast, case, school=None, **extra):
    data = {
        "receiving": (school or cast.school_b).pk,
        "parts": ["signals"],
        "parents_informed": "yes",
        "parents_informed_how": "In een gesprek met moeder.",
        **extra,
    }
    return cast.client("af").post(reverse("handover:transfer_create", args=[case.pk]), data)


def decide(cast, transfer, **data):
    return cast.client("af_b").post(reverse("handover:transfer_receive", args=[transfer.pk]), data)


def status_on(client, url) -> str:
    page = client.get(url).content.decode()
    return page.split('id="transfer-status" data-status="', 1)[1].split('"', 1)[0]


def kinds(actor, today):
    return {task.kind: task for task in tasks_for(actor, today) if task.kind.startswith("transfer_")}


@pytest.fixture
def sent(cast):
    case = cast.case()
    response = send(cast, case)
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("handover:transfer_sent", args=[transfer.pk])
    return transfer


def test_the_sending_af_sends_the_dossier_to_a_haven_school_and_its_af_gets_a_task(cast, sent):
    assert (sent.sending_school, sent.receiving_school, sent.sent_by) == (cast.school_a, cast.school_b, cast.af)
    assert sent.status == Transfer.Status.SENT
    # The package is the file route's package, made for the receiving school's BRIN code.
    assert (sent.package.receiving_school_brin, sent.package.parts) == ("34CD", ["signals"])
    [event] = AuditEvent.objects.filter(action="handover.transfer_send")
    assert (event.actor_id, event.school_id, event.case_id) == (cast.af.pk, cast.school_a.pk, sent.package.case_id)
    today = timezone.localdate(sent.sent_at)
    task = kinds(cast.actor("af_b"), today)["transfer_receive"]
    assert task.url == reverse("handover:transfer_receive", args=[sent.pk]) and not task.overdue
    assert "Sanne de Vries" in task.title
    # Not for the sender while it waits in time, nor for anyone else at the receiving school.
    assert kinds(cast.actor("af"), today) == {}
    assert status_on(cast.client("af"), reverse("handover:transfer_sent", args=[sent.pk])) == "sent"


def test_accepting_opens_a_handed_over_dossier_exactly_as_importing_the_package_does(cast, sent):
    response = decide(cast, sent, decision="accept")

    case = Case.objects.get(school=cast.school_b)
    assert response.status_code == 302 and response["Location"] == reverse("meldcode:case_detail", args=[case.pk])
    sent.refresh_from_db()
    assert (sent.status, sent.received_case, sent.decided_by) == (Transfer.Status.ACCEPTED, case, cast.af_b)
    imported = HandoverImport.objects.get(case=case)
    assert (imported.sending_school_brin, imported.pupil_created) == ("12AB", True)
    assert (case.pupil.first_name, case.pupil.last_name, case.lead) == ("Sanne", "de Vries", cast.af_b)
    assert case.signals.get().facts == cast.pupil.signals.get().facts
    assert AuditEvent.objects.filter(action="handover.import", case=case).count() == 1
    assert AuditEvent.objects.filter(action="handover.transfer_accept", case=case).count() == 1
    # The sender's receipt says it was accepted; the task is gone; the sender does not see the new dossier.
    assert status_on(cast.client("af"), reverse("handover:transfer_sent", args=[sent.pk])) == "accepted"
    assert kinds(cast.actor("af_b"), timezone.localdate()) == {}
    assert cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 404
    # Deciding again changes nothing.
    with pytest.raises(ValidationError):
        handover.accept_transfer(cast.actor("af_b"), sent)
    assert Case.objects.filter(school=cast.school_b).count() == 1


def test_refusing_needs_a_reason_which_the_sender_reads(cast, sent):
    response = decide(cast, sent, decision="refuse", reason="  ")
    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == Transfer.Status.SENT

    response = decide(cast, sent, decision="refuse", reason="Het kind is bij ons niet ingeschreven.")

    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by) == (Transfer.Status.REFUSED, cast.af_b)
    assert not Case.objects.filter(school=cast.school_b).exists()
    page = cast.client("af").get(reverse("handover:transfer_sent", args=[sent.pk])).content.decode()
    assert 'data-status="refused"' in page and "Het kind is bij ons niet ingeschreven." in page
    assert AuditEvent.objects.filter(action="handover.transfer_refuse", school_id=cast.school_b.pk).count() == 1
    with pytest.raises(ValidationError):
        handover.accept_transfer(cast.actor("af_b"), sent)


def test_not_picked_up_within_five_school_days_is_overdue_for_both_schools(cast, sent):
    Transfer.objects.filter(pk=sent.pk).update(sent_at=SENT)
    last_day = SENT.date() + timedelta(days=7)  # the Monday after
    receiver, sender = cast.actor("af_b"), cast.actor("af")

    assert not kinds(receiver, last_day)["transfer_receive"].overdue
    assert kinds(sender, last_day) == {}
    assert kinds(receiver, last_day)["transfer_receive"].due == last_day

    day_after = last_day + timedelta(days=1)
    assert kinds(receiver, day_after)["transfer_receive"].overdue
    overdue = kinds(sender, day_after)["transfer_overdue"]
    assert overdue.overdue and overdue.url == reverse("handover:transfer_sent", args=[sent.pk])
    # On the pages too (sent long enough ago that today is past the fifth school day).
    Transfer.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - timedelta(days=15))
    assert status_on(cast.client("af"), reverse("handover:transfer_sent", args=[sent.pk])) == "sent overdue"
    assert status_on(cast.client("af_b"), reverse("handover:transfer_receive", args=[sent.pk])) == "sent overdue"
    # Picked up late: no longer overdue anywhere.
    decide(cast, sent, decision="accept")
    assert kinds(receiver, day_after) == {} and kinds(sender, day_after) == {}


def test_a_pupil_of_the_same_name_waits_for_the_af_and_the_transfer_completes_with_the_import(cast, sent):
    existing = PupilFactory(
        school=cast.school_b, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth
    )
    response = decide(cast, sent, decision="accept")
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("handover:import_confirm", args=[pending.pk])
    sent.refresh_from_db()
    assert (sent.status, sent.pending) == (Transfer.Status.SENT, pending)

    cast.client("af_b").post(reverse("handover:import_confirm", args=[pending.pk]), {"choice": "same"})

    sent.refresh_from_db()
    case = Case.objects.get(school=cast.school_b)
    assert (sent.status, sent.received_case, case.pupil) == (Transfer.Status.ACCEPTED, case, existing)
    assert not PendingImport.objects.exists()


def test_cancelling_the_held_package_leaves_the_transfer_to_decide(cast, sent):
    PupilFactory(school=cast.school_b, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth)
    decide(cast, sent, decision="accept")
    pending = PendingImport.objects.get()
    cast.client("af_b").post(reverse("handover:import_confirm", args=[pending.pk]), {"choice": "cancel"})
    sent.refresh_from_db()
    assert (sent.status, sent.pending) == (Transfer.Status.SENT, None)
    decide(cast, sent, decision="refuse", reason="Toch niet bij ons.")
    sent.refresh_from_db()
    assert sent.status == Transfer.Status.REFUSED


def test_only_schools_that_use_haven_can_receive_and_never_the_own_school(cast):
    case = cast.case()
    duo_only = SchoolFactory(name="Basisschool Zonder Haven", brin_code="99XA00")
    teachers_only = SchoolFactory(name="School met alleen leerkrachten", brin_code="88YY")
    MembershipFactory(user=UserFactory(), school=teachers_only, role="teacher")
    page = cast.client("af").get(reverse("handover:transfer_create", args=[case.pk])).content.decode()
    assert "CBS Het Kompas" in page and "Zonder Haven" not in page and "alleen leerkrachten" not in page

    for school in (duo_only, teachers_only, cast.school_a):
        assert send(cast, case, school).status_code == 200
    assert not Transfer.objects.exists()
    with pytest.raises(ValidationError):
        handover.send_transfer(
            cast.actor("af"),
            case,
            receiving_school=cast.school_a,
            parts=["signals"],
            parents_informed=True,
            parents_informed_how="Gesprek.",
        )


def test_a_waiting_transfer_is_not_sent_twice_to_the_same_school(cast, sent):
    case = sent.package.case
    assert send(cast, case).status_code == 200
    assert Transfer.objects.count() == 1


def test_another_school_cannot_decide_and_a_teacher_cannot_send(cast, sent):
    school_c = SchoolFactory(name="IKC De Esch", brin_code="56EF")
    af_c = UserFactory(username="af_c")
    MembershipFactory(user=af_c, school=school_c, role="safeguarding_lead")
    actor_c, _membership = actor_for(af_c)
    with pytest.raises(ValidationError):
        handover.accept_transfer(actor_c, sent)
    with pytest.raises(ValidationError):
        handover.refuse_transfer(actor_c, sent, reason="Niet van ons.")
    # The sender cannot accept its own transfer either.
    with pytest.raises(ValidationError):
        handover.accept_transfer(cast.actor("af"), sent)
    sent.refresh_from_db()
    assert sent.status == Transfer.Status.SENT
    assert (
        cast.client("teacher").post(reverse("handover:transfer_create", args=[sent.package.case_id])).status_code == 403
    )


def test_the_dossier_page_offers_both_routes_and_shows_the_receipt(cast, sent):
    page = cast.client("af").get(reverse("meldcode:case_detail", args=[sent.package.case_id])).content.decode()
    assert reverse("handover:transfer_create", args=[sent.package.case_id]) in page
    assert reverse("handover:package_create", args=[sent.package.case_id]) in page
    assert reverse("handover:transfer_sent", args=[sent.pk]) in page


def test_the_receiving_page_is_audited_as_a_read(cast, sent):
    cast.client("af_b").get(reverse("handover:transfer_receive", args=[sent.pk]))
    assert AuditEvent.objects.filter(action="handover.view_transfer", actor_id=cast.af_b.pk, kind="read").exists()
