"""Verwijsindex signals recorded without a dossier.

Reads as the specification. A school places a signal in the verwijsindex on its own judgement,
often before (or without) a dossier in Haven. The IB, the AF or the school leader records it in
seconds: the pupil (always: a verwijsindex signal is about a pupil), placed or ended, the date.
The verwijsindex holds one signal per school and pupil, so what was placed or ended before, in a
dossier or not, decides what can be recorded now; a pupil with an open dossier has it recorded in
the dossier. The monitoring counts these beside the signals placed from a dossier.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.external_signals import services
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import services as route

LIST = reverse("external_signals:referral_index_list")
CREATE = reverse("external_signals:referral_index_create")
TODAY = timezone.localdate


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text)


def form_data(cast, **overrides):
    data = {"pupil": cast.pupil.pk, "action": "placed", "on": TODAY().isoformat()}
    data.update(overrides)
    return data


def record(cast, by="af", pupil=None, action="placed", on=None):
    return services.record_referral_index_without_case(
        cast.actor(by), pupil=pupil or cast.pupil, action=action, on=on or TODAY()
    )


def last_event_pk():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def refused(cast, message, **kwargs):
    with pytest.raises(ValidationError) as raised:
        record(cast, **kwargs)
    assert dutch(message) in raised.value.messages


def test_the_form_starts_at_placing_today_and_offers_the_school_s_pupils(cast):
    response = cast.client("af").get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["pupil", "action", "on", "date_confirmed"]
    assert form["date_confirmed"].is_hidden  # until the date lies long ago
    assert (form["action"].value(), form["on"].value()) == ("placed", TODAY())
    html = response.content.decode()
    assert "Sanne" in html and "Daan" in html and "Noah" not in html


def test_the_af_records_a_signal_placed_without_a_dossier(cast):
    placed_on = TODAY() - timedelta(days=3)
    response = cast.client("af").post(CREATE, form_data(cast, on=placed_on.isoformat()), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    entry = ReferralIndexEntry.objects.get()
    assert (entry.school, entry.case, entry.pupil, entry.action, entry.on, entry.recorded_by) == (
        cast.school_a,
        None,
        cast.pupil,
        "placed",
        placed_on,
        cast.af,
    )
    event = AuditEvent.objects.get(action="referral_index.placed")
    assert (event.actor_id, event.school_id, event.pupil_id, event.case_id, event.object_id) == (
        cast.af.pk,
        cast.school_a.pk,
        cast.pupil.pk,
        None,
        entry.pk,
    )
    assert event.detail == {"on": placed_on.isoformat(), "dossier": False}
    html = response.content.decode()
    assert dutch("The verwijsindex entry has been recorded.") in html
    assert escape(cast.pupil.full_name) in html and dutch("Placed in the verwijsindex") in html


def test_the_pupil_is_required(cast):
    response = cast.client("af").post(CREATE, form_data(cast, pupil=""))
    assert response.context["form"].errors["pupil"] == [dutch("Choose the pupil.")]
    with pytest.raises(ValidationError) as raised:
        services.record_referral_index_without_case(cast.actor("af"), pupil=None, action="placed", on=TODAY())
    assert raised.value.message_dict == {
        "pupil": [dutch("Choose the pupil: a verwijsindex signal is always about a pupil.")]
    }
    assert not ReferralIndexEntry.objects.exists()


def test_placing_ending_and_placing_again_is_the_history_and_the_list_shows_it_newest_first(cast):
    first = record(cast, on=TODAY() - timedelta(days=30))
    ended = record(cast, by="ib", action="ended", on=TODAY() - timedelta(days=10))
    again = record(cast, by="leader", on=TODAY())
    response = cast.client("af").get(LIST)
    assert [e.pk for e in response.context["page"]] == [again.pk, ended.pk, first.pk]
    html = response.content.decode()
    assert html.count(dutch("Placed in the verwijsindex")) == 2
    assert html.count(dutch("Ended in the verwijsindex")) == 1


def test_placing_twice_and_ending_what_was_not_placed_are_refused(cast):
    refused(cast, "There is no signal in the verwijsindex to end.", action="ended")
    record(cast)
    refused(cast, "A signal about this pupil is already placed in the verwijsindex.")
    # Another pupil has a verwijsindex state of their own.
    record(cast, pupil=cast.sibling)
    assert ReferralIndexEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("on", "message"),
    [
        # Resolved when the test runs, not when it is collected (a run may pass midnight).
        (lambda: TODAY() + timedelta(days=1), "The date cannot be in the future."),
        (date(1899, 12, 31), "The date lies before the pupil was born (%(born)s). Check the year."),
    ],
)
def test_impossible_dates_are_refused_in_dutch(cast, on, message):
    on = on() if callable(on) else on
    message = dutch(message) % {"born": cast.pupil.date_of_birth.strftime("%d-%m-%Y")} if "born" in message else message
    client = cast.client("af")
    before = last_event_pk()
    response = client.post(CREATE, form_data(cast, on=on.isoformat()))
    assert response.context["form"].errors["on"] == [dutch(message)]
    assert not ReferralIndexEntry.objects.exists()
    assert not AuditEvent.objects.filter(pk__gt=before, kind=AuditEvent.Kind.CHANGE).exists()


def test_ending_before_the_placing_is_refused(cast):
    record(cast, on=TODAY())
    refused(cast, "The date cannot lie before the previous entry.", action="ended", on=TODAY() - timedelta(days=1))
    assert ReferralIndexEntry.objects.count() == 1


def test_a_pupil_with_an_open_dossier_has_it_recorded_in_the_dossier(cast):
    cast.case(author="teacher", by="af")
    client = cast.client("af")
    before = last_event_pk()
    response = client.post(CREATE, form_data(cast))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        dutch("This pupil has an open dossier: record the verwijsindex signal in the dossier.")
    ]
    assert not ReferralIndexEntry.objects.exists()
    assert not AuditEvent.objects.filter(pk__gt=before, kind=AuditEvent.Kind.CHANGE).exists()


def test_a_signal_placed_from_a_closed_dossier_is_still_placed(cast):
    af = cast.actor("af")
    case = cast.case(author="teacher", by="af")
    services.record_referral_index(af, case, action="placed", on=TODAY() - timedelta(days=5))
    route.close_case(af, case, reason="help_involved", explanation="Jeugdhulp is al betrokken.")
    refused(cast, "A signal about this pupil is already placed in the verwijsindex.")
    ended = record(cast, action="ended")
    assert (ended.case, ended.action) == (None, "ended")
    # The list holds only what was recorded without a dossier.
    assert [e.pk for e in cast.client("af").get(LIST).context["page"]] == [ended.pk]


def test_a_pupil_of_another_school_is_refused_and_nothing_is_written(cast):
    for name, pupil in (("af", cast.pupil_b), ("af_b", cast.pupil)):
        client = cast.client(name)
        before = last_event_pk()
        response = client.post(CREATE, form_data(cast, pupil=pupil.pk))
        assert response.context["form"].errors["pupil"] == [dutch("This pupil is not a pupil of your school.")]
        with pytest.raises(ValidationError) as raised:
            record(cast, by=name, pupil=pupil)
        assert raised.value.message_dict == {"pupil": [dutch("This pupil is not a pupil of your school.")]}
        assert not AuditEvent.objects.filter(pk__gt=before, kind=AuditEvent.Kind.CHANGE).exists()
    assert not ReferralIndexEntry.objects.exists()


@pytest.mark.parametrize("name", ["teacher", "assistant", "admin", "board", "municipality"])
def test_teachers_the_administrator_and_policy_officers_get_403_and_write_nothing(cast, name):
    client = cast.client(name)
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(cast)).status_code == 403
    with pytest.raises(PermissionDenied):
        record(cast, by=name)
    assert not ReferralIndexEntry.objects.exists()


def test_the_list_is_the_school_s_own_and_reading_it_is_audited(cast):
    own = record(cast)
    record(cast, by="af_b", pupil=cast.pupil_b)
    response = cast.client("ib").get(LIST)
    assert [e.pk for e in response.context["page"]] == [own.pk]
    assert escape(cast.pupil_b.full_name) not in response.content.decode()
    event = AuditEvent.objects.get(action="referral_index.list")
    assert (event.kind, event.actor_id, event.school_id) == (AuditEvent.Kind.READ, cast.ib.pk, cast.school_a.pk)
    assert event.detail == {"page": 1, "entries": [own.pk], "pupils": [cast.pupil.pk]}


def test_an_empty_list_says_so(cast):
    html = cast.client("af").get(LIST).content.decode()
    assert dutch("No verwijsindex signals have been recorded without a dossier yet.") in html


def test_a_signal_placed_without_a_dossier_is_not_placed_again_from_a_new_dossier(cast):
    af = cast.actor("af")
    record(cast, on=TODAY() - timedelta(days=10))
    case = cast.case(author="teacher", by="af")
    with pytest.raises(ValidationError) as raised:
        services.record_referral_index(af, case, action="placed", on=TODAY())
    assert dutch("A signal about this pupil is already placed in the verwijsindex.") in raised.value.messages
    # The dossier can end it: the verwijsindex holds one signal per school and pupil.
    ended = services.record_referral_index(af, case, action="ended", on=TODAY())
    assert ended.case == case
    assert ReferralIndexEntry.objects.filter(pupil=cast.pupil, action="placed").count() == 1
