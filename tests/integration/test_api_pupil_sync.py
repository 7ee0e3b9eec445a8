"""The pupil sync over the API (`POST /api/v1/pupils/sync/`, docs/api.md): an administration pushes
its export with a key of scope `sync`; the pupil import's own service reads, plans and applies it.
Files: tests/fixtures/pupil_import."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haven.api import services as key_services
from haven.audit.models import AuditEvent
from haven.pupils.administration import sync
from haven.pupils.models import Pupil
from tests.factories import BoardFactory, SchoolFactory

SYNC = "/api/v1/pupils/sync/"
FILES = Path(__file__).resolve().parent.parent / "fixtures" / "pupil_import"


def _key(cast, who: str = "admin", scopes=("sync",)) -> str:
    return key_services.create_key(cast.actor(who), name="ParnasSys", scopes=list(scopes)).text


def _push(text: str | None, name: str, *, dry_run: str = "false", data: bytes | None = None, **fields):
    file = SimpleUploadedFile(name, data if data is not None else (FILES / name).read_bytes())
    headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"} if text else {}
    return Client().post(SYNC, {"file": file, "dry_run": dry_run, **fields}, **headers)


def _state():
    return sorted(Pupil.objects.values_list("school_id", "administration_key", "first_name", "left_on"))


def _calls():
    return [e for e in AuditEvent.objects.filter(action="api.call") if e.detail["endpoint"] == "api:pupil_sync"]


def _applies():
    return AuditEvent.objects.filter(action="pupil.import_apply")


def test_a_dry_run_answers_the_counts_and_changes_nothing(cast):
    text = _key(cast)
    before = _state()
    response = _push(text, "school.xml", dry_run="true")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["dry_run"] is True and answer["applied"] is False
    assert answer["school_brin"] == cast.school_a.brin_code
    assert answer["counts"]["added"] == 2 and answer["counts"]["changed"] == 2
    assert answer["rejected"] == []
    assert _state() == before and not _applies().exists()


def test_apply_adds_the_pupils_and_a_second_apply_changes_nothing(cast):
    text = _key(cast)
    first = _push(text, "school.xml")
    assert first.status_code == 200, first.content
    assert first.json()["applied"] is True and first.json()["counts"]["added"] == 2
    assert Pupil.objects.filter(school=cast.school_a, administration_key="1003", first_name="Fenna").exists()
    after = _state()
    second = _push(text, "school.xml").json()
    assert second["applied"] is True
    assert {k: v for k, v in second["counts"].items() if k != "unchanged"} == dict.fromkeys(
        ["added", "changed", "left", "rejected", "groups_added", "teachers_added"], 0
    )
    assert _state() == after
    # Each apply is the import's own event, by no person, with the key's id; and each call is audited.
    events = list(_applies())
    assert len(events) == 2 and all(e.actor_id is None and e.school_id == cast.school_a.pk for e in events)
    assert all(e.detail["api_key"] for e in events) and "Fenna" not in str([e.detail for e in events])
    calls = _calls()
    assert len(calls) == 2 and {c.school_id for c in calls} == {cast.school_a.pk}
    assert all(c.outcome == AuditEvent.Outcome.ALLOWED and c.detail["status"] == 200 for c in calls)


def test_a_file_with_rejected_rows_is_not_applied_and_the_answer_holds_no_names(cast):
    text = _key(cast)
    before = _state()
    response = _push(text, "bad_rows.xml")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["applied"] is False and answer["counts"]["rejected"] == 4
    assert [r["row"] for r in answer["rejected"]] == [1, 2, 3, 4]
    assert all(set(r) == {"row", "reason"} and r["reason"] for r in answer["rejected"])
    # Only counts, row numbers and reasons: none of the file's pupils by name, nor Haven's.
    for name in (b"Sanne", b"Fenna", b"Bram", b"Vries", cast.pupil.first_name.encode()):
        assert name not in response.content
    assert _state() == before and not _applies().exists()


def test_a_csv_is_read_with_the_schools_saved_column_mapping(cast):
    columns = {
        "key": "Nummer",
        "first_name": "Voornaam",
        "prefix": "Tussenvoegsel",
        "last_name": "Achternaam",
        "date_of_birth": "Geb. datum",
        "group": "Klas",
    }
    sync.save_column_mapping(cast.actor("admin"), cast.school_a, columns)
    response = _push(_key(cast), "school_cp1252.csv")
    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert Pupil.objects.filter(school=cast.school_a, last_name="Müller").exists()


def test_a_board_key_syncs_the_school_it_names(cast):
    text = _key(cast, "board")
    missing = _push(text, "school.xml", dry_run="true")
    assert missing.status_code == 400 and "school_brin" in missing.json()
    named = _push(text, "school.xml", dry_run="true", school_brin=cast.school_a.brin_code)
    assert named.status_code == 200 and named.json()["counts"]["added"] == 2
    # The school's file sent for the board's other school: the file's BRIN code refuses it.
    other = _push(text, "school.xml", school_brin=cast.school_b.brin_code)
    assert other.status_code == 400 and "file" in other.json()
    assert not _applies().exists()


def test_another_schools_brin_is_refused_and_nothing_changes(cast):
    before = _state()
    response = _push(_key(cast), "school.xml", school_brin=cast.school_b.brin_code)
    assert response.status_code == 400
    assert list(response.json()) == ["school_brin"]
    assert _state() == before and not _applies().exists()


def test_no_key_401_and_another_scope_403(cast):
    before = _state()
    assert _push(None, "school.xml").status_code == 401
    assert _push("hv_00000000_wrong", "school.xml").status_code == 401
    assert _push(_key(cast, scopes=("intake",)), "school.xml").status_code == 403
    assert _state() == before and not _applies().exists()
    assert {e.outcome for e in _calls()} == {AuditEvent.Outcome.DENIED}


@pytest.mark.parametrize("name", ["not_xml.xml", "wrong_root.xml", "other_school.xml", "missing_column.csv"])
def test_a_bad_file_is_400_in_dutch_and_changes_nothing(cast, name):
    before = _state()
    response = _push(_key(cast), name)
    assert response.status_code == 400, response.content
    (message,) = response.json()["file"]
    assert message and _state() == before and not _applies().exists()


def test_the_bad_files_message_is_dutch(cast):
    (message,) = _push(_key(cast), "not_xml.xml").json()["file"]
    assert "bestand" in message and "leerlingadministratie" in message


def test_dry_run_must_be_sent_and_only_as_a_form(cast):
    text = _key(cast)
    file = SimpleUploadedFile("school.xml", (FILES / "school.xml").read_bytes())
    missing = Client().post(SYNC, {"file": file}, HTTP_AUTHORIZATION=f"Bearer {text}")
    assert missing.status_code == 400 and "dry_run" in missing.json()
    raw = Client().post(
        SYNC, (FILES / "school.xml").read_bytes(), content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {text}"
    )
    assert raw.status_code == 415
    assert not _applies().exists()


def test_a_file_over_the_limit_is_refused_as_it_streams_in(cast):
    response = _push(_key(cast), "huge.xml", data=b"<EDEX>" + b" " * (21 * 1024 * 1024))
    assert response.status_code == 400
    assert "MB" in response.json()["file"][0]
    assert not _applies().exists()


def test_a_board_key_cannot_sync_another_boards_school(cast):
    other = SchoolFactory(brin_code="99ZZ", board=BoardFactory(name="Stichting Elders"))
    response = _push(_key(cast, "board"), "school.xml", school_brin=other.brin_code)
    assert response.status_code == 400 and list(response.json()) == ["school_brin"]
    assert not _applies().exists()


def test_a_broken_form_body_is_400_with_the_error_shape(cast):
    response = Client().post(
        SYNC,
        b'--x\r\nContent-Disposition: form-data; name="file"\r\n',
        content_type="multipart/form-data; boundary=x",
        HTTP_AUTHORIZATION=f"Bearer {_key(cast)}",
    )
    assert response.status_code == 400
    assert set(response.json()) <= {"file", "dry_run", "non_field_errors"}


def test_a_body_that_is_no_form_is_400_and_not_called_json(cast):
    response = Client().post(
        SYNC, b"garbage", content_type="multipart/form-data", HTTP_AUTHORIZATION=f"Bearer {_key(cast)}"
    )
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert "JSON" not in message and "multipart/form-data" in message
