"""Every date a user types follows one rule (haven.pupils.dates): not in the future, not before the
pupil was born, and more than two years ago (HAVEN_DATE_CONFIRM_AFTER_DAYS) only with the user's
"this date is right". A refused date changes nothing and keeps what was typed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.external_signals import services as external_signals
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import advice, services
from haven.meldcode.models import Consultation, Signal
from haven.pupils.dates import NEEDS_CONFIRMATION
from haven.pupils.services import save_pupil

QUESTION = "Mag ik de ouders vertellen dat ik me zorgen maak?"


def three_years_ago() -> date:
    return timezone.localdate() - timedelta(days=3 * 365)


def dutch(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def consultation_data(**overrides):
    data = {
        "held_on": three_years_ago().isoformat(),
        "consulted": "veilig_thuis",
        "consulted_name": "",
        "question": QUESTION,
        "advice": "Bespreek het eerst met de IB.",
        "agreed_actions": "",
    }
    data.update(overrides)
    return data


def changes_since(pk):
    return AuditEvent.objects.filter(pk__gt=pk, kind=AuditEvent.Kind.CHANGE)


def last_event_pk():
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


# --- Through the form: the box appears, keeps the text, and once ticked the date is taken ---------


def test_a_date_long_ago_asks_for_confirmation_and_keeps_what_was_typed(cast):
    case = cast.case()
    url = reverse("meldcode:consultation_create", args=[case.pk])
    client = cast.client("af")
    assert 'name="date_confirmed"' in client.get(url).content.decode()  # present, but hidden
    assert 'type="checkbox" name="date_confirmed"' not in client.get(url).content.decode()

    before = last_event_pk()
    response = client.post(url, consultation_data())
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("held_on", code=NEEDS_CONFIRMATION)
    html = response.content.decode()
    assert 'type="checkbox" name="date_confirmed"' in html
    assert QUESTION in html  # nothing typed is lost
    assert not Consultation.objects.exists() and not changes_since(before).exists()

    response = client.post(url, consultation_data(date_confirmed="on"))
    assert response.status_code == 302
    assert Consultation.objects.get().held_on == three_years_ago()


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2016, 12, 31)])
def test_a_date_before_the_pupil_was_born_is_refused_even_when_confirmed(cast, day):
    case = cast.case()
    url = reverse("meldcode:consultation_create", args=[case.pk])
    response = cast.client("af").post(url, consultation_data(held_on=day.isoformat(), date_confirmed="on"))
    assert response.status_code == 200
    expected = dutch("The date lies before the pupil was born (%(born)s). Check the year.") % {"born": "14-03-2017"}
    assert response.context["form"].errors["held_on"] == [expected]
    assert not Consultation.objects.exists()


def test_the_limit_is_configurable(cast, settings):
    settings.HAVEN_DATE_CONFIRM_AFTER_DAYS = 30
    case = cast.case()
    url = reverse("meldcode:consultation_create", args=[case.pk])
    day = timezone.localdate() - timedelta(days=45)
    response = cast.client("af").post(url, consultation_data(held_on=day.isoformat()))
    assert response.status_code == 200
    assert response.context["form"].has_error("held_on", code=NEEDS_CONFIRMATION)
    assert not Consultation.objects.exists()
    day = timezone.localdate() - timedelta(days=29)
    assert cast.client("af").post(url, consultation_data(held_on=day.isoformat())).status_code == 302


def test_the_box_stays_ticked_when_another_field_is_wrong(cast):
    case = cast.case()
    url = reverse("meldcode:consultation_create", args=[case.pk])
    response = cast.client("af").post(url, consultation_data(date_confirmed="on", question=""))
    assert response.status_code == 200
    assert 'type="checkbox" name="date_confirmed" id="id_date_confirmed" checked' in response.content.decode()


# --- The services: every date a user types ---------------------------------------------------------


# The moments are at the day's first minute: "today at 10:00" lies in the future before ten in the
# morning, and the suite may run at night.
def _log(cast, case, day, confirmed):
    observed = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    return services.log_signal(
        cast.actor("teacher"),
        pupil=cast.pupil,
        observed_at=observed,
        source=Signal.Source.OWN_OBSERVATION,
        categories=[Signal.Category.GUT_FEELING],
        facts="Sanne huilde in de klas.",
        date_confirmed=confirmed,
    )


def _consult(cast, case, day, confirmed):
    return services.record_consultation(
        cast.actor("af"), case, held_on=day, consulted="ib", question="?", advice="!", date_confirmed=confirmed
    )


def _converse(cast, case, day, confirmed):
    return services.record_conversation(
        cast.actor("af"), case, held_on=day, participants=["parents"], shared="...", date_confirmed=confirmed
    )


def _advice(cast, case, day, confirmed):
    return advice.record_advice_request(
        cast.actor("af"), held_on=day, anonymous=True, question="?", advice="!", date_confirmed=confirmed
    )


def _police(cast, case, day, confirmed):
    return external_signals.record_police_notice(
        cast.actor("af"), pupil=cast.pupil, notice_date=day, date_confirmed=confirmed
    )


def _referral(cast, case, day, confirmed):
    return external_signals.record_referral_index_without_case(
        cast.actor("af"), pupil=cast.pupil, action=ReferralIndexEntry.Action.PLACED, on=day, date_confirmed=confirmed
    )


def _decide(cast, case, day, confirmed):
    moment = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    return services.decide(
        cast.actor("af"),
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Herhaalde verwondingen.",
        decided_by=cast.af,
        decided_at=moment,
        date_confirmed=confirmed,
    )


RECORDERS = [_log, _consult, _converse, _advice, _police, _referral, _decide]
# These record into a dossier; the others are about the pupil alone (a dossier would be in the way).
IN_A_DOSSIER = {_consult, _converse, _decide}


FIELDS = {
    _log: "observed_at",
    _consult: "held_on",
    _converse: "held_on",
    _advice: "held_on",
    _police: "notice_date",
    _referral: "on",
    _decide: "decided_at",
}


def _case_for(cast, record):
    return cast.case() if record in IN_A_DOSSIER else None


@pytest.mark.parametrize("record", RECORDERS, ids=lambda f: f.__name__.strip("_"))
def test_every_service_asks_for_confirmation_of_a_date_long_ago(cast, record):
    case = _case_for(cast, record)
    with pytest.raises(ValidationError) as raised:
        record(cast, case, three_years_ago(), False)
    assert list(raised.value.error_dict) == [FIELDS[record]]
    assert [error.code for error in raised.value.error_dict[FIELDS[record]]] == [NEEDS_CONFIRMATION]
    assert record(cast, case, three_years_ago(), True) is not None


@pytest.mark.parametrize("record", RECORDERS, ids=lambda f: f.__name__.strip("_"))
def test_every_service_refuses_1900_confirmed_or_not(cast, record):
    case = _case_for(cast, record)
    for confirmed in (False, True):
        with pytest.raises(ValidationError) as raised:
            record(cast, case, date(1900, 1, 1), confirmed)
        assert list(raised.value.error_dict) == [FIELDS[record]]
        assert raised.value.error_dict[FIELDS[record]][0].code != NEEDS_CONFIRMATION


@pytest.mark.parametrize("record", RECORDERS, ids=lambda f: f.__name__.strip("_"))
def test_every_service_takes_today(cast, record):
    assert record(cast, _case_for(cast, record), timezone.localdate(), False) is not None


def test_a_date_of_birth_of_1900_is_refused(cast):

    with pytest.raises(ValidationError) as raised:
        save_pupil(cast.actor("admin"), first_name="Noor", last_name="Bakker", date_of_birth=date(1900, 1, 1))
    assert "date_of_birth" in raised.value.message_dict


def test_the_verwijsindex_side_form_asks_on_a_page_of_its_own(cast):
    case = cast.case()
    url = reverse("external_signals:referral_index", args=[case.pk])
    client = cast.client("af")
    data = {"action": "placed", "on": three_years_ago().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="checkbox" name="date_confirmed"' in html
    assert f'value="{three_years_ago().isoformat()}"' in html
    assert not ReferralIndexEntry.objects.exists()
    response = client.post(url, {**data, "date_confirmed": "on"})
    assert response.status_code == 302
    assert ReferralIndexEntry.objects.get().on == three_years_ago()


def test_a_police_notice_long_ago_is_taken_once_confirmed(cast):
    url = reverse("external_signals:police_notice")
    client = cast.client("af")
    data = {"pupil": cast.pupil.pk, "notice_date": three_years_ago().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'type="checkbox" name="date_confirmed"' in response.content.decode()
    assert not Signal.objects.exists()
    assert client.post(url, {**data, "date_confirmed": "on"}).status_code in (200, 302)
    assert timezone.localtime(Signal.objects.get().observed_at).date() == three_years_ago()
