"""The verwijsindex (Verwijsindex risicojongeren): the dossier records when the school placed its
signal about the pupil, or ended it, and who did. The register only says *that* a professional is
involved, never why; Haven keeps the dates. The IB, the AF and the school leader record it; whoever
may see the dossier sees how things stand and the history.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.external_signals import services
from haven.external_signals.audit_actions import ExternalSignalAction
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import services as route

TODAY = timezone.localdate


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.fixture
def case(cast):
    return cast.case(author="teacher", by="af")


def url(case):
    return reverse("external_signals:referral_index", args=[case.pk])


def post(client, case, action, on):
    return client.post(url(case), {"action": action, "on": on.isoformat()}, follow=True)


def errors(response):
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_the_af_records_placing_and_the_dossier_shows_it(cast, case):
    placed_on = TODAY() - timedelta(days=3)
    response = post(cast.client("af"), case, "placed", placed_on)
    assert response.redirect_chain[-1][0] == reverse("meldcode:case_detail", args=[case.pk]) + "#verwijsindex"
    entry = ReferralIndexEntry.objects.get()
    assert (entry.case, entry.action, entry.on, entry.recorded_by) == (case, "placed", placed_on, cast.af)
    html = response.content.decode()
    assert 'id="verwijsindex"' in html
    assert dutch("placed") in html and str(cast.af) in html
    # On the timeline, with its label.
    assert dutch(ExternalSignalAction.REFERRAL_INDEX_PLACED.label) in html
    event = AuditEvent.objects.get(action="referral_index.placed")
    assert (event.case_id, event.pupil_id, event.object_id) == (case.pk, cast.pupil.pk, entry.pk)
    assert event.detail == {"on": placed_on.isoformat()}


def test_placing_then_ending_then_placing_again_is_the_history(cast, case):
    af = cast.actor("af")
    services.record_referral_index(af, case, action="placed", on=TODAY() - timedelta(days=30))
    services.record_referral_index(cast.actor("ib"), case, action="ended", on=TODAY() - timedelta(days=10))
    services.record_referral_index(cast.actor("leader"), case, action="placed", on=TODAY())
    page = cast.client("teacher").get(reverse("meldcode:case_detail", args=[case.pk]))
    html = page.content.decode()
    assert [e.action for e in ReferralIndexEntry.objects.all()] == ["placed", "ended", "placed"]
    assert html.count(dutch("Placed in the verwijsindex")) == 2
    assert html.count(dutch("Ended in the verwijsindex")) == 1
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="referral_index.")] == [
        "referral_index.placed",
        "referral_index.ended",
        "referral_index.placed",
    ]


def test_the_dossier_says_when_nothing_was_placed_and_only_school_wide_roles_get_the_form(cast, case):
    for name, has_form in (("teacher", False), ("af", True), ("ib", True), ("leader", True)):
        page = cast.client(name).get(reverse("meldcode:case_detail", args=[case.pk]))
        html = page.content.decode()
        assert dutch("The school has not placed a signal about this pupil in the verwijsindex.") in html
        assert (url(case) in html) is has_form, name


def test_placing_twice_is_refused(cast, case):
    client = cast.client("af")
    post(client, case, "placed", TODAY())
    response = post(client, case, "placed", TODAY())
    assert errors(response) == [dutch("A signal about this pupil is already placed in the verwijsindex.")]
    assert ReferralIndexEntry.objects.count() == 1


def test_ending_what_was_never_placed_is_refused(cast, case):
    response = post(cast.client("af"), case, "ended", TODAY())
    assert errors(response) == [dutch("There is no signal in the verwijsindex to end.")]
    assert ReferralIndexEntry.objects.count() == 0


def test_a_date_in_the_future_is_refused_in_dutch_and_nothing_is_saved(cast, case):
    client = cast.client("af")
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = post(client, case, "placed", TODAY() + timedelta(days=1))
    assert errors(response) == ["De datum kan niet in de toekomst liggen."]
    assert ReferralIndexEntry.objects.count() == 0
    # Only the page views were logged, no change.
    assert not AuditEvent.objects.filter(pk__gt=before, kind=AuditEvent.Kind.CHANGE).exists()


def test_a_date_before_the_previous_entry_is_refused(cast, case):
    services.record_referral_index(cast.actor("af"), case, action="placed", on=TODAY())
    with pytest.raises(ValidationError):
        services.record_referral_index(cast.actor("af"), case, action="ended", on=TODAY() - timedelta(days=1))
    assert ReferralIndexEntry.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"action": "deleted", "on": "2026-01-01"}, {"action": "placed", "on": "morgen"}])
def test_bad_input_is_refused(cast, case, data):
    response = cast.client("af").post(url(case), data, follow=True)
    assert errors(response)
    assert ReferralIndexEntry.objects.count() == 0
    with pytest.raises(ValidationError):
        services.record_referral_index(cast.actor("af"), case, action="deleted", on=TODAY())


def test_a_closed_dossier_can_end_its_signal_but_not_place_one(cast, case):
    af = cast.actor("af")
    services.record_referral_index(af, case, action="placed", on=TODAY())
    route.close_case(af, case, reason="too_vague", explanation="Vaag.")
    case.refresh_from_db()
    services.record_referral_index(af, case, action="ended", on=TODAY())
    with pytest.raises(ValidationError):
        services.record_referral_index(af, case, action="placed", on=TODAY())
    assert ReferralIndexEntry.objects.count() == 2


def test_teachers_and_other_schools_cannot_record(cast, case):
    for name, status in (("teacher", 403), ("teacher2", 403), ("admin", 403), ("af_b", 404)):
        response = cast.client(name).post(url(case), {"action": "placed", "on": TODAY().isoformat()})
        assert response.status_code == status, name
    assert ReferralIndexEntry.objects.count() == 0
    for name in ("teacher", "af_b"):
        with pytest.raises(PermissionDenied):
            services.record_referral_index(cast.actor(name), case, action="placed", on=TODAY())


def test_entries_go_with_the_dossier_when_it_is_destroyed(cast, case):
    af = cast.actor("af")
    services.record_referral_index(af, case, action="placed", on=TODAY())
    services.record_referral_index(af, case, action="ended", on=TODAY())
    route.close_case(af, case, reason="too_vague", explanation="Vaag.")
    route.destroy_case(case, reason="Bewaartermijn verstreken.")
    assert ReferralIndexEntry.objects.count() == 0
    # The audit log keeps that it happened.
    assert AuditEvent.objects.filter(action="referral_index.placed", case_id=case.pk).exists()
