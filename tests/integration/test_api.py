"""The API (`/api/v1/`, docs/api.md): keys per organisation with scopes, the Handle with Care
intake (matched, repeated, unmatched and matched by hand), the aggregates with the pages'
suppression, the rate limit, the audit of every call, and the keys' administration page."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.api import services as key_services
from haven.api.models import ApiKey
from haven.audit.models import AuditEvent
from haven.external_signals.models import PoliceNoticeIntake, SupportTask
from haven.insights import tables
from haven.insights.scopes import scope_of
from haven.insights.views import default_period
from haven.meldcode.models import Signal
from tests.factories import PupilFactory, SchoolFactory

NOTICES = "/api/v1/handle-with-care/notices/"
AGGREGATES = "/api/v1/aggregates/"


def _key(cast, who: str = "region", scopes=("intake", "aggregates"), name: str = "Politie Zonnedal"):
    new = key_services.create_key(cast.actor(who), name=name, scopes=list(scopes))
    return new.key, new.text


def _post(text: str | None, body: dict) -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"} if text else {}
    return Client().post(NOTICES, json.dumps(body), content_type="application/json", **headers)


def _notice(cast, **overrides) -> dict:
    body = {
        "notice_id": "HWC-2026-0001",
        "school_brin": cast.school_a.brin_code,
        "first_name": "Sanne",
        "last_name": "de Vries",
        "date_of_birth": cast.pupil.date_of_birth.isoformat(),
        "notice_date": timezone.localdate().isoformat(),
    }
    body.update(overrides)
    return body


def test_a_matched_notice_is_recorded_as_the_form_records_it(cast):
    key, text = _key(cast)
    response = _post(text, _notice(cast, first_name="SANNE", last_name="Vries, de"))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "matched"
    signal = Signal.objects.get(pupil=cast.pupil)
    assert signal.source == Signal.Source.POLICE_NOTICE
    assert signal.categories == [Signal.Category.GUT_FEELING]
    assert signal.status == Signal.Status.NEW  # in the inbox of the IB/AF
    assert signal.author == key.account and not key.account.is_active and not key.account.has_usable_password()
    assert list(SupportTask.objects.filter(signal=signal).values_list("teacher", flat=True)) == [cast.teacher.pk]
    # The teacher sees the task; the AF sees the signal.
    assert cast.client("teacher").get(reverse("tasks:mine")).content.count(b"Handle with Care") >= 1
    assert cast.client("af").get(reverse("meldcode:signal_detail", args=[signal.pk])).status_code == 200
    # Nothing of the school's knowledge comes back.
    assert set(response.json()) == {"notice_id", "school_brin", "status", "received_at"}


def test_a_repeat_returns_the_first_answer_and_records_nothing_new(cast):
    _key_obj, text = _key(cast)
    first = _post(text, _notice(cast))
    again = _post(text, _notice(cast, first_name="Iemand", last_name="Anders"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Signal.objects.filter(pupil=cast.pupil).count() == 1
    assert PoliceNoticeIntake.objects.count() == 1
    # Another organisation may use the same notice id: its own notice.
    _other, text_b = _key(cast, who="municipality", scopes=("intake",))
    assert _post(text_b, _notice(cast)).status_code == 201


def test_an_unmatched_notice_waits_in_the_inbox_and_the_af_matches_it(cast):
    _key_obj, text = _key(cast)
    response = _post(text, _notice(cast, first_name="Sanna", notice_id="X-7"))
    assert response.status_code == 201 and response.json()["status"] == "waiting"
    assert not Signal.objects.filter(pupil=cast.pupil).exists()
    intake = PoliceNoticeIntake.objects.get()
    inbox = cast.client("af").get(reverse("meldcode:inbox")).content.decode()
    assert reverse("external_signals:intake_list") in inbox
    page = cast.client("af").get(reverse("external_signals:intake_list")).content.decode()
    assert "Sanna de Vries" in page and reverse("external_signals:intake_match", args=[intake.pk]) in page
    # Another school's AF: it does not exist for her, and nobody else of school A sees it.
    assert cast.client("af_b").get(reverse("external_signals:intake_match", args=[intake.pk])).status_code == 404
    assert (
        reverse("external_signals:intake_list")
        not in cast.client("af_b").get(reverse("meldcode:inbox")).content.decode()
    )
    answer = cast.client("af").post(
        reverse("external_signals:intake_match", args=[intake.pk]), {"pupil": cast.pupil.pk}
    )
    assert answer.status_code == 302
    signal = Signal.objects.get(pupil=cast.pupil)
    assert signal.source == Signal.Source.POLICE_NOTICE and signal.author == cast.af
    assert SupportTask.objects.filter(signal=signal, teacher=cast.teacher).exists()
    intake.refresh_from_db()
    assert intake.status == PoliceNoticeIntake.Status.MATCHED_BY_HAND and intake.signal == signal
    # The sender asking again hears what it became; matching twice is refused.
    assert _post(text, _notice(cast, first_name="Sanna", notice_id="X-7")).json()["status"] == "matched_by_hand"
    assert cast.client("af").get(reverse("external_signals:intake_match", args=[intake.pk])).status_code == 404


def test_two_pupils_with_the_same_name_and_birthday_are_never_guessed(cast):
    PupilFactory(school=cast.school_a, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth)
    _key_obj, text = _key(cast)
    assert _post(text, _notice(cast)).json()["status"] == "waiting"
    assert not Signal.objects.filter(source=Signal.Source.POLICE_NOTICE).exists()


def test_bad_notices_get_a_dutch_message_and_change_nothing(cast):
    _key_obj, text = _key(cast, who="admin", scopes=("intake",), name="Eigen administratie")
    # A school's key sends only for its own school.
    outside = _post(text, _notice(cast, school_brin=cast.school_b.brin_code))
    assert outside.status_code == 400 and "school_brin" in outside.json()
    future = _post(text, _notice(cast, notice_date=(timezone.localdate() + timedelta(days=2)).isoformat()))
    assert future.status_code == 400 and "notice_date" in future.json()
    missing = _post(text, {"notice_id": "1"})
    assert missing.status_code == 400 and "first_name" in missing.json()
    assert not PoliceNoticeIntake.objects.exists() and not Signal.objects.exists()


def test_no_key_a_wrong_key_a_revoked_key_and_a_missing_scope(cast):
    key, text = _key(cast, who="municipality", scopes=("aggregates",))
    assert _post(None, _notice(cast)).status_code == 401
    assert _post("hv_00000000_" + "x" * 43, _notice(cast)).status_code == 401
    assert _post(text[:-1] + ("A" if text[-1] != "A" else "B"), _notice(cast)).status_code == 401
    assert _post(text, _notice(cast)).status_code == 403  # aggregates only
    key_services.revoke_key(cast.actor("municipality"), key)
    assert Client().get(AGGREGATES, HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 401
    answered = _post(None, _notice(cast))
    assert answered["WWW-Authenticate"].startswith("Bearer")


def test_every_call_is_audited_with_the_keys_id_never_the_key(cast):
    key, text = _key(cast)
    _post(text, _notice(cast))
    _post(None, _notice(cast))
    calls = list(AuditEvent.objects.filter(action="api.call").order_by("sequence"))
    assert [c.detail["api_key"] for c in calls] == [key.pk, None]
    assert [c.outcome for c in calls] == ["allowed", "denied"]
    assert calls[0].school_id == cast.school_a.pk and calls[0].detail["status"] == 201
    signal_event = AuditEvent.objects.get(action="signal.log")
    assert signal_event.actor_id is None and signal_event.detail["api_key"] == key.pk
    secret = text.split("_", 2)[2]
    for event in AuditEvent.objects.all():
        assert secret not in json.dumps(event.detail)
    assert not ApiKey.objects.filter(key_hash__contains=secret).exists()


def test_the_rate_limit_answers_429_with_retry_after(cast, settings):
    settings.HAVEN_API_RATE_LIMIT = 2
    _key_obj, text = _key(cast)
    answers = [Client().get(AGGREGATES, HTTP_AUTHORIZATION=f"Bearer {text}") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    # Another key has its own count.
    _other, text_b = _key(cast, who="municipality", scopes=("aggregates",))
    assert Client().get(AGGREGATES, HTTP_AUTHORIZATION=f"Bearer {text_b}").status_code == 200


def test_the_aggregates_are_the_pages_tables_with_the_same_suppression(cast):
    SchoolFactory(
        name="IKC De Esch", brin_code="56EF", board=cast.school_a.board, municipality=cast.school_a.municipality
    )
    _key_obj, text = _key(cast, who="municipality", scopes=("aggregates",))
    answer = Client().get(AGGREGATES, {"period": "2025-2026"}, HTTP_AUTHORIZATION=f"Bearer {text}")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    scope = scope_of(cast.actor("municipality"))
    period = default_period(date(2026, 9, 1))
    built = tables.build(scope, period, today=timezone.localdate(), threshold=5)
    assert data["scope"] == {"kind": "municipality", "name": scope.name, "schools": 3}
    assert [t["key"] for t in data["tables"]] == [t.key for t in built.tables]
    for mine, theirs in zip(data["tables"], built.tables, strict=True):
        assert [r["cells"] for r in mine["rows"]] == [
            [c if c is None or isinstance(c, int | float | str) else str(c) for c in r.cells] for r in theirs.rows
        ]
    assert Client().get(AGGREGATES, {"period": "morgen"}, HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 400
    # No pupil, no signal, no dossier: only counts and labels.
    assert "Sanne" not in answer.content.decode()


def test_keys_only_for_scopes_the_organisation_may_give(cast):
    with pytest.raises(ValidationError):
        key_services.create_key(cast.actor("admin"), name="Dashboard", scopes=["aggregates"])
    with pytest.raises(ValidationError):
        key_services.create_key(cast.actor("region"), name="Kassa", scopes=["sync"])
    with pytest.raises(ValidationError):
        key_services.create_key(cast.actor("region"), name=" ", scopes=["intake"])


def test_the_administrator_makes_a_key_sees_it_once_and_revokes_it(cast):
    client = cast.client("region")
    made = client.post(reverse("api_keys:list"), {"name": "Politie Zonnedal", "scopes": ["intake"]})
    assert made.status_code == 200
    key = ApiKey.objects.get()
    text = made.context["text"]
    assert text.startswith(f"hv_{key.prefix}_") and text in made.content.decode()
    assert "no-store" in made["Cache-Control"]
    listed = client.get(reverse("api_keys:list")).content.decode()
    assert key.prefix in listed and text not in listed
    # Another organisation's administrator cannot revoke it: it does not exist for them.
    assert cast.client("municipality").post(reverse("api_keys:revoke", args=[key.pk])).status_code == 404
    assert cast.client("admin").post(reverse("api_keys:revoke", args=[key.pk])).status_code == 404
    assert client.post(reverse("api_keys:revoke", args=[key.pk])).status_code == 302
    key.refresh_from_db()
    assert not key.is_active
    assert _post(text, _notice(cast)).status_code == 401
    assert AuditEvent.objects.filter(action="api_key.revoke", actor=cast.region).exists()


def test_the_docs_are_for_administrators_and_describe_every_endpoint(cast):
    page = cast.client("admin").get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        NOTICES,
        AGGREGATES,
        "notice_id",
        "school_brin",
        "<code>intake</code>",
        "<code>aggregates</code>",
        "429",
        "/api/v1/pupils/sync/",
        "<code>sync</code>",
        "Body (multipart/form-data)",
        "<code>dry_run</code>",
    ):
        assert text in html, text
    assert "<script" not in html.split("</header>", 1)[1].split("<footer", 1)[0]  # no script of its own
    schema = cast.client("admin").get(reverse("api:schema"))
    assert schema.status_code == 200 and b"/api/v1/handle-with-care/notices/" in schema.content
    assert cast.client("teacher").get(reverse("api:docs")).status_code == 403


def test_a_notice_about_no_pupil_of_the_school_is_set_aside_and_its_child_erased(cast):
    _key_obj, text = _key(cast)
    _post(text, _notice(cast, first_name="Onbekend", notice_id="Z-1"))
    intake = PoliceNoticeIntake.objects.get()
    url = reverse("external_signals:intake_dismiss", args=[intake.pk])
    assert cast.client("af_b").post(url).status_code == 404
    assert cast.client("teacher").post(url).status_code == 403
    assert cast.client("ib").post(url).status_code == 302
    intake.refresh_from_db()
    assert intake.status == "not_our_pupil" and (intake.first_name, intake.last_name, intake.date_of_birth) == (
        "",
        "",
        "",
    )
    assert not Signal.objects.exists()
    assert _post(text, _notice(cast, first_name="Onbekend", notice_id="Z-1")).json()["status"] == "not_our_pupil"
    assert (
        reverse("external_signals:intake_list") not in cast.client("af").get(reverse("meldcode:inbox")).content.decode()
    )
