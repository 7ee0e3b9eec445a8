"""Advice requests to Veilig Thuis recorded without a dossier.

Reads as the specification. Many advice calls happen before any dossier exists; the IB, the AF
or the school leader records one in seconds (the date, today by default; anonymous or not, yes by
default; the question; the advice; optionally the pupil) and sees the school's list, newest first.
The monitoring counts them beside the advice asked inside a dossier. What the question and the
advice say never goes into the audit log; reading the list is an audited read. Teachers, the
functional administrator, policy officers and other schools get nothing.
"""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.meldcode import advice
from haven.meldcode.models import AdviceRequest

LIST = reverse("meldcode:advice_request_list")
CREATE = reverse("meldcode:advice_request_create")
TODAY = timezone.localdate
QUESTION = "Moeder vertelt over ruzies thuis; Sanne lijkt bang. Wat kunnen we doen?"
ADVICE = "Ga met moeder in gesprek, leg de signalen vast en bel terug als het erger wordt."


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text)


def form_data(**overrides):
    data = {"held_on": TODAY().isoformat(), "anonymous": "yes", "question": QUESTION, "advice": ADVICE, "pupil": ""}
    data.update(overrides)
    return data


def changes_since(pk):
    return AuditEvent.objects.filter(pk__gt=pk, kind=AuditEvent.Kind.CHANGE)


def last_event_pk():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def record(cast, by="af", **overrides):
    values = {"held_on": TODAY(), "anonymous": True, "question": QUESTION, "advice": ADVICE}
    values.update(overrides)
    return advice.record_advice_request(cast.actor(by), **values)


# --- Recording ------------------------------------------------------------------------------------


def test_the_form_is_short_and_starts_at_today_anonymous_and_without_a_pupil(cast):
    response = cast.client("af").get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    # The "this date is right" box waits, hidden, until the date lies long ago.
    assert list(form.fields) == ["held_on", "date_confirmed", "anonymous", "question", "advice", "pupil"]
    assert form["date_confirmed"].is_hidden
    assert form["held_on"].value() == TODAY()
    assert form["anonymous"].value() == "yes"
    assert form["pupil"].value() is None
    # The school's own pupils to choose from, and nobody else's.
    html = response.content.decode()
    assert "Sanne" in html and "Daan" in html
    assert "Noah" not in html


def test_the_af_records_an_anonymous_advice_request_and_lands_on_the_list(cast):
    response = cast.client("af").post(CREATE, form_data(), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    request = AdviceRequest.objects.get()
    assert (request.school, request.held_on, request.anonymous, request.pupil) == (cast.school_a, TODAY(), True, None)
    assert (request.question, request.advice, request.recorded_by) == (QUESTION, ADVICE, cast.af)
    html = response.content.decode()
    assert dutch("The advice request has been recorded.") in html
    assert escape(QUESTION) in html and escape(ADVICE) in html


def test_a_named_advice_request_about_a_pupil(cast):
    held_on = TODAY() - timedelta(days=2)
    response = cast.client("ib").post(
        CREATE, form_data(held_on=held_on.isoformat(), anonymous="no", pupil=cast.pupil.pk)
    )
    assert response.status_code == 302
    request = AdviceRequest.objects.get()
    assert (request.held_on, request.anonymous, request.pupil, request.recorded_by) == (
        held_on,
        False,
        cast.pupil,
        cast.ib,
    )


def test_the_audit_event_holds_what_is_counted_and_nothing_of_the_conversation(cast):
    request = record(cast, anonymous=False, pupil=cast.pupil)
    event = AuditEvent.objects.get(action="advice_request.record")
    assert (event.actor_id, event.school_id, event.pupil_id, event.case_id) == (
        cast.af.pk,
        cast.school_a.pk,
        cast.pupil.pk,
        None,
    )
    assert (event.object_type, event.object_id) == ("advicerequest", request.pk)
    assert event.detail == {"held_on": TODAY().isoformat(), "anonymous": False}
    assert QUESTION not in json.dumps(event.detail) and ADVICE not in json.dumps(event.detail)


def test_the_question_and_the_advice_are_encrypted_in_the_database(cast):
    from django.db import connection

    request = record(cast)
    with connection.cursor() as cursor:
        cursor.execute("SELECT question, advice FROM meldcode_advicerequest WHERE id = %s", [request.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("enc2:") for value in stored)
    assert QUESTION not in stored and ADVICE not in stored


# Without a pupil there is no date of birth: a date 25 years back cannot concern a pupil at school.
IMPLAUSIBLE = ("The date lies more than %(years)s years ago: that cannot be right. Check the year.", {"years": 25})


def tomorrow():
    """Resolved when the test runs, not when it is collected (a run may pass midnight)."""
    return TODAY() + timedelta(days=1)


def resolved(value):
    return value() if callable(value) else value


def dutch_with(message):
    return dutch(message[0]) % message[1] if isinstance(message, tuple) else dutch(message)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("held_on", lambda: tomorrow().isoformat(), "The date cannot be in the future."),
        ("held_on", "1899-12-31", IMPLAUSIBLE),
        ("question", "   ", None),
        ("advice", "", None),
    ],
)
def test_bad_input_is_refused_in_dutch_and_nothing_is_written(cast, field, value, message):
    client = cast.client("af")
    before = last_event_pk()
    response = client.post(CREATE, form_data(**{field: resolved(value)}))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message:
        assert errors == [dutch_with(message)]
    else:
        assert errors  # Django's own "required", in Dutch
    assert not AdviceRequest.objects.exists()
    assert not changes_since(before).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": date(1899, 12, 31)}, "held_on", IMPLAUSIBLE),
        ({"held_on": tomorrow}, "held_on", "The date cannot be in the future."),
        ({"question": " \n "}, "question", "Write down the question you asked Veilig Thuis."),
        ({"advice": ""}, "advice", "Write down the advice Veilig Thuis gave."),
    ],
)
def test_the_service_itself_refuses_bad_input(cast, overrides, field, message):
    with pytest.raises(ValidationError) as raised:
        record(cast, **{name: resolved(value) for name, value in overrides.items()})
    assert raised.value.message_dict == {field: [dutch_with(message)]}
    assert not AdviceRequest.objects.exists()


def test_a_pupil_of_another_school_is_refused_and_nothing_is_written(cast):
    client = cast.client("af")
    before = last_event_pk()
    response = client.post(CREATE, form_data(pupil=cast.pupil_b.pk, anonymous="no"))
    assert response.status_code == 200
    assert response.context["form"].errors["pupil"] == [dutch("This pupil is not a pupil of your school.")]
    assert not AdviceRequest.objects.exists()
    assert not changes_since(before).exists()
    # The service refuses it too, whatever a form let through.
    with pytest.raises(ValidationError) as raised:
        record(cast, pupil=cast.pupil_b)
    assert raised.value.message_dict == {"pupil": [dutch("This pupil is not a pupil of your school.")]}
    assert not AdviceRequest.objects.exists()


def test_af_b_cannot_record_one_about_a_pupil_of_school_a(cast):
    client = cast.client("af_b")
    before = last_event_pk()
    response = client.post(CREATE, form_data(pupil=cast.pupil.pk, anonymous="no"))
    assert response.status_code == 200
    assert response.context["form"].errors["pupil"] == [dutch("This pupil is not a pupil of your school.")]
    with pytest.raises(ValidationError):
        record(cast, by="af_b", pupil=cast.pupil)
    assert not AdviceRequest.objects.exists()
    assert not changes_since(before).exists()


@pytest.mark.parametrize("name", ["ib", "af", "leader"])
def test_the_school_wide_roles_record_them(cast, name):
    assert cast.client(name).post(CREATE, form_data()).status_code == 302
    assert AdviceRequest.objects.get().recorded_by == cast.users[name]


@pytest.mark.parametrize("name", ["teacher", "assistant", "admin", "board", "municipality"])
def test_teachers_the_administrator_and_policy_officers_get_403_and_write_nothing(cast, name):
    client = cast.client(name)
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        record(cast, by=name)
    assert not AdviceRequest.objects.exists()


# --- The list -------------------------------------------------------------------------------------


def test_the_list_is_newest_first_by_the_date_of_the_advice(cast):
    older = record(cast, held_on=TODAY() - timedelta(days=30), question="Eerste vraag", advice="Eerste advies")
    newest = record(cast, by="ib", anonymous=False, pupil=cast.sibling, question="Tweede", advice="Tweede advies")
    # Typed in last, held in between.
    middle = record(cast, by="leader", held_on=TODAY() - timedelta(days=7), question="Derde", advice="Derde advies")
    response = cast.client("af").get(LIST)
    assert [a.pk for a in response.context["page"]] == [newest.pk, middle.pk, older.pk]
    html = response.content.decode()
    assert html.count(dutch("anonymous")) >= 2 and dutch("named") in html
    assert escape(cast.sibling.full_name) in html
    for user in (cast.af, cast.ib, cast.leader):
        assert escape(str(user)) in html


def test_reading_the_list_is_an_audited_read_naming_what_it_showed(cast):
    named = record(cast, anonymous=False, pupil=cast.pupil)
    anonymous = record(cast)
    cast.client("ib").get(LIST)
    event = AuditEvent.objects.get(action="advice_request.list")
    assert (event.kind, event.actor_id, event.school_id) == (AuditEvent.Kind.READ, cast.ib.pk, cast.school_a.pk)
    assert event.detail == {"page": 1, "advice_requests": [anonymous.pk, named.pk], "pupils": [cast.pupil.pk]}


def test_another_school_sees_none_of_school_a_s_advice_requests(cast):
    record(cast, question="Vraag van school A", advice="Advies voor school A")
    own = record(cast, by="af_b", question="Vraag van school B", advice="Advies voor school B")
    response = cast.client("af_b").get(LIST)
    assert [a.pk for a in response.context["page"]] == [own.pk]
    assert "school A" not in response.content.decode()


def test_an_empty_list_says_so(cast):
    response = cast.client("af").get(LIST)
    assert dutch("No advice requests have been recorded without a dossier yet.") in response.content.decode()


# --- Where the IB and the AF find it --------------------------------------------------------------


def test_the_inbox_and_the_navigation_lead_there_for_the_school_wide_roles_only(cast):
    inbox = cast.client("af").get(reverse("meldcode:inbox")).content.decode()
    assert f'href="{CREATE}"' in inbox and f'href="{LIST}"' in inbox
    assert f'href="{reverse("external_signals:referral_index_create")}"' in inbox
    home = cast.client("ib").get(reverse("home"))
    assert {"url": LIST, "label": dutch("Advice requests"), "active": False} in [
        {**item, "label": str(item["label"])} for item in home.context["nav_items"]
    ]
    teacher_home = cast.client("teacher").get(reverse("home")).content.decode()
    assert LIST not in teacher_home
