"""The pupil import from the school's administration (haven/pupils/administration/): every sync
rule through the service, the pages and their permissions, the command. Files: tests/fixtures/pupil_import."""

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import Membership, User
from haven.audit.models import AuditEvent
from haven.handover.models import HandoverNotice
from haven.meldcode.queries import search_pupils
from haven.organisations.models import Group
from haven.pupils.administration import samples, sync
from haven.pupils.administration.records import MAX_FILE_BYTES, FileRefused
from haven.pupils.models import GroupPlacement, ImportColumnMapping, Pupil, PupilImport
from haven.pupils.queries import school_pupils
from haven.tasks.registry import tasks_for
from tests.factories import GroupFactory, MembershipFactory, UserFactory, place

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "pupil_import"
YEAR = "2026-2027"


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.fixture
def school(cast):
    # The teacher of the file (T1) has an account at the school: matched on the e-mail address.
    User.objects.filter(pk=cast.teacher.pk).update(email="teacher@regenboog.example")
    return cast.school_a


def run(cast, name, *, dry_run=False, invite=()):
    return sync.sync(cast.actor("admin"), cast.school_a, read(name), dry_run=dry_run, invite=invite, filename=name)


def imports():
    return AuditEvent.objects.filter(action="pupil.import_apply")


def test_first_edexml_import_adds_matches_places_and_records_one_event(cast, school):
    plan = run(cast, "school.xml")
    assert plan.counts() == {
        "added": 2,
        "changed": 2,
        "left": 0,
        "unchanged": 0,
        "rejected": 0,
        "groups_added": 2,
        "teachers_added": 1,
    }
    cast.pupil.refresh_from_db()
    cast.sibling.refresh_from_db()
    # The hand-typed pupils are matched on name and date of birth and get their keys.
    assert (cast.pupil.administration_key, cast.sibling.administration_key) == ("1001", "1002")
    groups = {g.name: g for g in Group.objects.filter(school=school, school_year=YEAR)}
    assert set(groups) == {"Groep 5", "Groep 6", "Leesclub"}
    assert GroupPlacement.objects.get(pupil=cast.sibling, school_year=YEAR).group == groups["Groep 6"]
    fenna = Pupil.objects.get(school=school, administration_key="1003")
    assert (fenna.first_name, fenna.last_name, fenna.sort_surname) == ("Fenna", "van den Berg", "berg")
    assert fenna.placements.get().group == groups["Groep 5"]
    assert list(groups["Groep 6"].teachers.all()) == [cast.teacher]
    (event,) = imports()
    assert event.school_id == school.pk and event.actor_id == cast.admin.pk
    assert {event.detail[k] for k in ("added", "changed", "left")} == {2, 0} and event.detail["school_year"] == YEAR


def test_a_second_run_with_the_same_file_changes_nothing_and_says_so(cast, school):
    run(cast, "school.xml")
    before = (Pupil.objects.count(), GroupPlacement.objects.count(), Group.objects.count())
    again = run(cast, "school.xml")
    assert again.changes_nothing and again.unchanged == 4
    assert (Pupil.objects.count(), GroupPlacement.objects.count(), Group.objects.count()) == before
    assert imports().last().detail["added"] == 0


def test_a_later_file_updates_marks_left_and_keeps_earlier_years(cast, school):
    earlier = GroupFactory(school=school, name="Groep 4", school_year="2025-2026")
    place(cast.sibling, earlier)
    run(cast, "school.xml")
    plan = run(cast, "school_later.xml")
    assert (len(plan.added), len(plan.changed), len(plan.left)) == (0, 1, 1)
    bram = Pupil.objects.get(school=school, administration_key="1004")
    assert bram.last_name == "Visser"
    assert bram.placements.get(school_year=YEAR).group.name == "Groep 5"
    fenna = Pupil.objects.get(school=school, administration_key="1003")
    assert fenna.left_on == timezone.localdate()  # marked as left, never deleted
    # Placements of earlier school years are the pupil's history: they stay.
    assert GroupPlacement.objects.filter(pupil=cast.sibling, school_year="2025-2026").exists()
    # Back in the file: back at school.
    run(cast, "school.xml")
    fenna.refresh_from_db()
    assert fenna.left_on is None


def test_a_left_pupil_drops_out_of_pick_lists_and_searches_but_the_dossier_stays(cast, school):
    run(cast, "school.xml")
    fenna = Pupil.objects.get(school=school, administration_key="1003")
    case = cast.case(pupil=fenna)
    run(cast, "school_later.xml")
    assert fenna not in school_pupils(cast.actor("teacher"))
    assert search_pupils(cast.actor("af"), "Fenna") == []
    assert cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 200
    # The AF gets a task for the open dossier; a teacher does not.
    af_tasks = [t for t in tasks_for(cast.actor("af"), timezone.localdate()) if t.kind == "pupil_left_open_dossier"]
    assert [t.url for t in af_tasks] == [reverse("meldcode:case_detail", args=[case.pk])]
    assert "Fenna" in af_tasks[0].title
    assert not [t for t in tasks_for(cast.actor("teacher"), timezone.localdate()) if t.kind == af_tasks[0].kind]
    assert not [t for t in tasks_for(cast.actor("af_b"), timezone.localdate()) if t.kind == af_tasks[0].kind]


def test_teachers_are_invited_only_when_ticked(cast, school):
    run(cast, "school.xml")
    assert not User.objects.filter(email="p.dewit@regenboog.example").exists() and not mail.outbox
    run(cast, "school.xml", invite=["T2"])
    pieter = User.objects.get(email="p.dewit@regenboog.example")
    assert Membership.objects.get(user=pieter, school=school).role == "teacher"
    assert not pieter.has_usable_password()
    assert [m.to for m in mail.outbox] == [["p.dewit@regenboog.example"]]
    assert set(pieter.taught_groups.values_list("name", flat=True)) == {"Groep 6", "Leesclub"}
    assert imports().last().detail["invited"] == 1


def test_a_plan_applied_twice_is_refused_the_second_time(cast, school):
    plan = run(cast, "school.xml", dry_run=True)
    sync.apply_plan(cast.actor("admin"), school, plan)
    count = Pupil.objects.count()
    with pytest.raises(ValidationError):
        sync.apply_plan(cast.actor("admin"), school, plan)
    assert Pupil.objects.count() == count and imports().count() == 1


def test_rejected_rows_block_the_import_and_change_nothing(cast, school):
    before = Pupil.objects.count()
    plan = run(cast, "duplicate_keys.xml")
    assert not plan.can_apply and len(plan.rejected) == 2
    assert Pupil.objects.count() == before and not imports().exists()
    with pytest.raises(FileRefused):
        run(cast, "other_school.xml")


def test_csv_import_with_the_saved_mapping(cast, school):
    columns = {
        "key": "Nummer",
        "first_name": "Voornaam",
        "prefix": "Tussenvoegsel",
        "last_name": "Achternaam",
        "date_of_birth": "Geb. datum",
        "group": "Klas",
    }
    sync.save_column_mapping(cast.actor("admin"), school, columns)
    plan = run(cast, "school_cp1252.csv")
    assert [p.first_name for p in plan.added] == ["Zoë", "Anaïs"]
    assert Pupil.objects.filter(school=school, last_name="Müller").exists()
    # The school's other pupils are not in this file: they have left.
    assert len(plan.left) == 2


@pytest.mark.parametrize("size", [20, 120])
def test_an_import_takes_a_fixed_number_of_queries(cast, school, size, django_assert_max_num_queries):
    data = samples.edexml(size, brin=school.brin_code)
    with django_assert_max_num_queries(40):
        sync.sync(cast.actor("admin"), school, data, dry_run=False)
    with django_assert_max_num_queries(15):
        assert sync.sync(cast.actor("admin"), school, data, dry_run=False).changes_nothing


def test_what_was_uploaded_is_encrypted_at_rest(cast, school):
    pending = sync.upload(cast.actor("admin"), school, read("school.xml"), "school.xml")
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM pupils_pupilimport WHERE id = %s", [pending.pk])
        (raw,) = cursor.fetchone()
    assert "Fenna" not in raw and raw.startswith("enc2:")


# The pages ---------------------------------------------------------------------------------------


def upload(client, name, data=None):
    file = SimpleUploadedFile(name, data if data is not None else read(name))
    return client.post(reverse("pupils:import_upload"), {"file": file})


def test_upload_dry_run_apply_on_the_pages(cast, school):
    client = cast.client("admin")
    response = upload(client, "school.xml")
    pending = PupilImport.objects.get()
    assert response.url == reverse("pupils:import_dry_run", args=[pending.pk])
    page = client.get(response.url)
    assert b"Fenna" in page.content and b'id="import-apply"' in page.content
    assert b"Pieter" in page.content  # the teacher without an account, to tick
    assert Pupil.objects.filter(administration_key="1003").count() == 0  # a dry run changes nothing
    applied = client.post(response.url, {"fingerprint": page.context["form"].initial["fingerprint"]})
    assert applied.status_code == 302
    assert Pupil.objects.filter(administration_key="1003").exists()
    pending.refresh_from_db()
    assert pending.applied_at is not None and pending.counts["added"] == 2
    # Applied once: the page says so and offers no second apply.
    again = client.get(response.url)
    assert b'id="import-applied"' in again.content and b'id="import-apply"' not in again.content
    # The same file uploaded again changes nothing, and the page says so.
    second = client.get(upload(client, "school.xml").url)
    assert b'id="import-nothing"' in second.content


def test_a_stale_dry_run_is_not_applied(cast, school):
    client = cast.client("admin")
    url = upload(client, "school.xml").url
    response = client.post(url, {"fingerprint": "0" * 32})
    assert response.status_code == 302 and not imports().exists()


def test_rejected_rows_are_shown_and_cannot_be_applied(cast, school):
    client = cast.client("admin")
    url = upload(client, "bad_rows.xml").url
    page = client.get(url)
    assert b'id="rejected"' in page.content and b'id="import-apply"' not in page.content
    fingerprint = page.context["form"].initial["fingerprint"]
    assert client.post(url, {"fingerprint": fingerprint}).status_code == 200
    assert not imports().exists()


@pytest.mark.parametrize("name", ["not_xml.xml", "wrong_root.xml", "bad_encoding.xml", "missing_column.csv"])
def test_a_refused_file_gets_a_message_and_nothing_is_kept(cast, school, name):
    response = upload(cast.client("admin"), name)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not PupilImport.objects.exists()


def test_a_file_over_the_limit_is_refused_as_it_streams_in(cast, school):
    response = upload(cast.client("admin"), "huge.xml", b"<EDEX>" + b" " * (50 * 1024 * 1024))
    assert response.status_code == 200
    assert "MB" in response.context["form"].errors["file"][0]
    assert not PupilImport.objects.exists()


def test_the_column_mapping_is_saved_per_school(cast, school):
    client = cast.client("admin")
    form = {"key": "Nr", "first_name": "Voornaam", "last_name": "Naam", "date_of_birth": "Geboren", "group": "Klas"}
    assert client.post(reverse("pupils:import_mapping"), form).status_code == 302
    assert ImportColumnMapping.objects.get(school=school).columns["key"] == "Nr"
    assert not ImportColumnMapping.objects.filter(school=cast.school_b).exists()
    assert client.post(reverse("pupils:import_mapping"), {**form, "key": ""}).status_code == 200


def test_the_administrator_of_another_school_gets_404_and_staff_403(cast, school):
    pending = sync.upload(cast.actor("admin"), school, read("school.xml"), "school.xml")
    admin_b = UserFactory(username="admin_b")
    MembershipFactory(user=admin_b, school=cast.school_b, role="functional_admin")
    cast.users["admin_b"] = admin_b
    other = cast.client("admin_b")
    url = reverse("pupils:import_dry_run", args=[pending.pk])
    assert other.get(url).status_code == 404
    assert other.post(url, {"fingerprint": "x"}).status_code == 404
    denied = AuditEvent.objects.filter(action="pupil.import_view", outcome=AuditEvent.Outcome.DENIED)
    assert denied.filter(actor_id=admin_b.pk).count() == 2
    for name in ("teacher", "af", "leader"):
        assert cast.client(name).get(url).status_code == 403
        assert upload(cast.client(name), "school.xml").status_code == 403
    assert not imports().exists() and PupilImport.objects.count() == 1


# The command -------------------------------------------------------------------------------------


def test_the_command_imports_and_dry_runs(cast, school, capsys):
    call_command("import_pupils", "--school", "12ab", str(FILES / "school.xml"), "--dry-run")
    assert "dry run" in capsys.readouterr().out and not Pupil.objects.filter(administration_key="1003").exists()
    call_command("import_pupils", "--school", "12AB", str(FILES / "school.xml"))
    assert "imported" in capsys.readouterr().out
    assert Pupil.objects.filter(administration_key="1003").exists()
    call_command("import_pupils", "--school", "12AB", str(FILES / "school.xml"))
    assert "nothing changes" in capsys.readouterr().out
    assert imports().count() == 2 and imports().first().actor_id is None


def test_the_command_refuses_bad_files(cast, school, tmp_path):
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_pupils", "--school", "12AB", str(FILES / "bad_rows.xml"))
    with pytest.raises(CommandError):
        call_command("import_pupils", "--school", "12AB", str(FILES / "wrong_root.xml"))
    with pytest.raises(CommandError, match="BRIN"):
        call_command("import_pupils", "--school", "00XX", str(FILES / "school.xml"))
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: refused on its size, never read
    with pytest.raises(CommandError, match="MB"):
        call_command("import_pupils", "--school", "12AB", str(huge))
    assert not imports().exists()


def test_dates_of_birth_in_the_dry_run_are_dates(cast, school):
    plan = run(cast, "school.xml", dry_run=True)
    assert {p.date_of_birth for p in plan.added} == {dt.date(2018, 5, 2), dt.date(2016, 11, 30)}


def test_the_administrator_still_manages_a_pupil_who_has_left(cast, school):
    run(cast, "school.xml")
    run(cast, "school_later.xml")
    fenna = Pupil.objects.get(school=school, administration_key="1003")
    client = cast.client("admin")
    listing = client.get(reverse("organisations:pupil_list"), {"q": "Fenna"})
    assert [pupil for pupil, _group in listing.context["rows"]] == [fenna]
    assert client.get(reverse("organisations:pupil_edit", args=[fenna.pk])).status_code == 200
    assert client.post(reverse("pupils:siblings", args=[fenna.pk]), {"sibling": cast.pupil.pk}).status_code == 302


def test_a_pupil_placed_by_the_import_with_an_open_dossier_gives_the_new_teacher_a_notice(cast, school):
    """The import places pupils in bulk (no post_save per placement): the handover notices for the
    school year come all the same, through `haven.pupils.signals.placed_in_bulk`."""
    case = cast.case(author="teacher2", by="af", pupil=cast.sibling)  # the file puts her in Groep 6 (T1)
    run(cast, "school.xml")
    notice = HandoverNotice.objects.get(case=case)
    assert (notice.teacher, notice.school_year) == (cast.teacher, YEAR)
    run(cast, "school.xml")  # unchanged: no second notice
    assert HandoverNotice.objects.filter(case=case).count() == 1
