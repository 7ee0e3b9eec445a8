"""Handover (overdracht): the new teacher hears that there is a dossier, the AF decides whether they
join it; a pupil moving school takes the chosen parts of the dossier along, as a PDF to read and a
JSON package another Haven imports.

Reads as the specification: notices come from placing pupils for a new school year (and from the
command, idempotently), say nothing of what the dossier holds, and the AF's decision is recorded
and audited. A package round-trips: what the export writes, the import reads back into a new
dossier marked as handed over. Bad packages are refused with a clear message and change nothing.
Packages are signed: only a package signed by a trusted installation, unaltered, naming a school
that installation speaks for, is imported; and never into an existing pupil without the AF saying
it is the same child.
"""

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.audit.models import AuditEvent
from haven.handover import schema, signing
from haven.handover.models import HandoverImport, HandoverNotice, HandoverPackage, PendingImport
from haven.handover.services import create_handover_notices
from haven.meldcode import services
from haven.meldcode.models import Case, Closure, Signal
from haven.pupils.models import GroupPlacement, Pupil
from haven.tasks.registry import tasks_for
from tests.builders import FACT, _make_package
from tests.factories import GroupFactory, MembershipFactory, PupilFactory, SchoolFactory, UserFactory, place
from tests.support import pdf_text

NEW_YEAR = "2027-2028"
# A function, not a constant: a run that passes midnight must not compare yesterday with today.
TODAY = timezone.localdate


@pytest.fixture
def new_group(cast):
    """Next year's group of the pupil, taught by teacher2 (who is not in the pupil's dossier)."""
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=NEW_YEAR)
    group.teachers.add(cast.teacher2)
    return group


# New school year: notices --------------------------------------------------------------------------


def test_placing_a_pupil_with_a_dossier_tells_the_new_teacher_once(cast, new_group):
    case = cast.case()
    place(cast.pupil, new_group)
    notice = HandoverNotice.objects.get()
    assert (notice.pupil, notice.case, notice.teacher, notice.school_year) == (
        cast.pupil,
        case,
        cast.teacher2,
        NEW_YEAR,
    )
    assert notice.read_at is None and notice.decision == ""
    event = AuditEvent.objects.get(action="handover.notice")
    assert event.actor_id is None and event.case_id == case.pk and event.school_id == cast.school_a.pk
    # The command after placing is idempotent: nothing new.
    out = io.StringIO()
    call_command("create_handover_notices", "--school-year", NEW_YEAR, stdout=out)
    assert "0 handover notice(s) created" in out.getvalue()
    assert HandoverNotice.objects.count() == 1


def test_the_placement_service_triggers_the_notice(cast, new_group):
    from haven.pupils.services import place_pupil

    cast.case()
    place_pupil(cast.actor("admin"), cast.pupil, new_group)
    assert HandoverNotice.objects.filter(teacher=cast.teacher2).count() == 1


def test_the_command_catches_placements_made_without_the_hook_and_skips_members(cast, new_group):
    case = cast.case()
    new_group.teachers.add(cast.teacher)  # already in the dossier (she logged the signal)
    GroupPlacement.objects.bulk_create([GroupPlacement(pupil=cast.pupil, group=new_group, school_year=NEW_YEAR)])
    assert not HandoverNotice.objects.exists()
    out = io.StringIO()
    call_command("create_handover_notices", "--school-year", NEW_YEAR, stdout=out)
    assert "1 handover notice(s) created" in out.getvalue()
    assert list(HandoverNotice.objects.values_list("teacher", "case")) == [(cast.teacher2.pk, case.pk)]
    call_command("create_handover_notices", "--school-year", NEW_YEAR, stdout=io.StringIO())
    assert HandoverNotice.objects.count() == 1


def test_a_teacher_added_to_the_group_later_is_told_too(cast):
    cast.case()
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=NEW_YEAR)
    place(cast.pupil, group)
    assert not HandoverNotice.objects.exists()
    group.teachers.add(cast.teacher2)
    assert HandoverNotice.objects.filter(teacher=cast.teacher2).count() == 1


def test_only_open_and_recently_closed_dossiers_are_handed_over(cast, new_group):
    af = cast.actor("af")
    recent = cast.case(pupil=cast.sibling)
    services.close_case(af, recent, reason="too_vague", explanation="Te vaag.")
    old_pupil = PupilFactory(school=cast.school_a)
    old = cast.case(pupil=old_pupil)
    services.close_case(af, old, reason="too_vague", explanation="Te vaag.")
    Closure.objects.filter(case=old).update(recorded_at=timezone.now() - timedelta(days=400))
    quiet_pupil = PupilFactory(school=cast.school_a)
    for pupil in (cast.sibling, old_pupil, quiet_pupil):
        GroupPlacement.objects.create(pupil=pupil, group=new_group, school_year=NEW_YEAR)
    assert [n.case for n in HandoverNotice.objects.all()] == [recent]
    assert create_handover_notices(cast.school_a, NEW_YEAR) == []


def test_the_command_refuses_a_bad_school_year(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_handover_notices", "--school-year", "2027", stdout=io.StringIO())


def test_tasks_say_only_that_there_is_a_dossier(cast, new_group):
    cast.case()
    place(cast.pupil, new_group)
    notice = HandoverNotice.objects.get()
    [task] = [t for t in tasks_for(cast.actor("teacher2"), TODAY()) if t.kind == "handover_notice"]
    assert task.title == _("Handover: a pupil in your new group has a dossier")
    assert "Sanne" not in task.title
    assert task.url == reverse("handover:notice", args=[notice.pk])
    [decide] = [t for t in tasks_for(cast.actor("af"), TODAY()) if t.kind == "handover_decide"]
    assert decide.url == reverse("handover:notice_decide", args=[notice.pk])
    assert not [t for t in tasks_for(cast.actor("teacher"), TODAY()) if t.kind.startswith("handover")]
    assert not [t for t in tasks_for(cast.actor("ib"), TODAY()) if t.kind == "handover_decide"]


def test_the_notice_page_shows_no_dossier_content_and_is_marked_read(cast, new_group):
    case = cast.case()
    place(cast.pupil, new_group)
    notice = HandoverNotice.objects.get()
    client = cast.client("teacher2")
    page = client.get(reverse("handover:notice", args=[notice.pk])).content.decode()
    assert "Sanne de Vries" in page
    assert FACT not in page and "ontbijt" not in page
    assert reverse("meldcode:case_detail", args=[case.pk]) not in page
    assert client.get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 404
    response = client.post(reverse("handover:notice_read", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEvent.objects.filter(action="handover.notice_read", case=case, actor=cast.teacher2).count() == 1
    assert not [t for t in tasks_for(cast.actor("teacher2"), TODAY()) if t.kind == "handover_notice"]


@pytest.mark.parametrize(("decision", "member"), [("added", True), ("not_added", False)])
def test_the_af_decides_whether_the_new_teacher_joins_the_dossier(cast, new_group, decision, member):
    case = cast.case()
    place(cast.pupil, new_group)
    notice = HandoverNotice.objects.get()
    page = cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).content.decode()
    assert reverse("handover:notice_decide", args=[notice.pk]) in page
    response = cast.client("af").post(reverse("handover:notice_decide", args=[notice.pk]), {"decision": decision})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.decision, notice.decided_by) == (decision, cast.af)
    assert case.memberships.filter(user=cast.teacher2).exists() is member
    event = AuditEvent.objects.get(action="handover.decide")
    assert (event.actor_id, event.case_id, event.detail["decision"]) == (cast.af.pk, case.pk, decision)
    assert AuditEvent.objects.filter(action="case.add_member", case=case).exists() is member
    expected = 200 if member else 404
    assert cast.client("teacher2").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == expected
    # Decided once: a second answer changes nothing.
    cast.client("af").post(reverse("handover:notice_decide", args=[notice.pk]), {"decision": "added"})
    notice.refresh_from_db()
    assert notice.decision == decision


# Change of school: the package -----------------------------------------------------------------


def _download_json(cast, package):
    response = cast.client("af").get(reverse("handover:package_json", args=[package.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="dossier-{package.case_id}-overdracht.json"'
    assert "no-store" in response["Cache-Control"]
    return response.content


def test_the_af_makes_a_package_with_the_chosen_parts(cast, full_case, tmp_path):
    package = _make_package(cast, full_case, ["signals", "conversations", "decisions"])
    assert package.parts == ["signals", "conversations", "decisions"]
    assert package.parents_informed and package.made_by == cast.af
    data = json.loads(_download_json(cast, package))
    assert data["schema"] == "haven.handover/3"
    assert data["receiving_school"] == {"name": "CBS Het Kompas", "brin": "34CD"}
    assert data["signature"]["key"] == signing.public_key() and signing.verify(data).is_own
    assert data["sending_school"] == {"name": "OBS De Regenboog", "brin": "12AB"}
    assert data["pupil"] == {"first_name": "Sanne", "last_name": "de Vries", "date_of_birth": "2017-03-14"}
    assert data["date"] == timezone.localdate(package.made_at).isoformat()
    assert data["parts"] == ["signals", "conversations", "decisions"]
    assert data["signals"][0]["facts"] == FACT and data["signals"][0]["corrected"] is True
    assert "consultations" not in data and "reports" not in data and "weighings" not in data
    response = cast.client("af").get(reverse("handover:package_pdf", args=[package.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="dossier-{full_case.pk}-overdracht.pdf"'
    flat = " ".join(pdf_text(response.content, tmp_path, "overdracht.pdf").split())
    assert FACT in flat and "OBS De Regenboog" in flat and "Vertrouwelijk" in flat and "Pagina 1 van" in flat
    assert "Moeder herkent het." in flat and "Vraag?" not in flat and "VT-9" not in flat
    events = AuditEvent.objects.filter(action__startswith="handover.").order_by("sequence")
    assert [(e.action, e.kind, e.detail.get("format")) for e in events] == [
        ("handover.package", "change", None),
        ("handover.download", "read", "json"),
        ("handover.download", "read", "pdf"),
    ]
    assert events[0].detail["parts"] == ["signals", "conversations", "decisions"] and events[0].case_id == full_case.pk


def test_a_package_needs_parts_and_the_parents_statement(cast, full_case):
    url = reverse("handover:package_create", args=[full_case.pk])
    for data in (
        {"parents_informed": "yes", "parents_informed_how": "Gesprek."},
        {"parts": ["signals"], "parents_informed": "yes"},
        {"parts": ["signals"], "parents_informed": "no"},
        {"parts": ["nonsense"], "parents_informed": "yes", "parents_informed_how": "Gesprek."},
    ):
        assert cast.client("af").post(url, data).status_code == 200
    assert not HandoverPackage.objects.exists()
    assert not AuditEvent.objects.filter(action="handover.package").exists()


def test_a_package_needs_the_brin_code_of_the_receiving_school(cast, full_case):
    url = reverse("handover:package_create", args=[full_case.pk])
    data = {"parts": ["signals"], "parents_informed": "yes", "parents_informed_how": "Gesprek."}
    for brin, message in (
        ("", _("This field is required.")),
        ("12 AB", _("A BRIN code is two digits and two letters, for example 12AB.")),
        ("ABCD", _("A BRIN code is two digits and two letters, for example 12AB.")),
        ("12ab", _("This is the BRIN code of your own school.")),
    ):
        response = cast.client("af").post(url, {**data, "receiving_school_brin": brin})
        assert response.status_code == 200 and message in response.content.decode(), brin
    assert not HandoverPackage.objects.exists()
    # Written in capitals, with a location number: as the BRIN codes of schools are kept.
    package = _make_package(cast, full_case, ["signals"], receiving_school_brin=" 34cd01 ")
    assert package.receiving_school_brin == "34CD01"
    assert json.loads(_download_json(cast, package))["receiving_school"]["brin"] == "34CD01"
    event = AuditEvent.objects.get(action="handover.package")
    assert event.detail["receiving_brin"] == "34CD01"
    # A package recorded before it named the receiving school's BRIN code is not offered: nobody could import it.
    HandoverPackage.objects.filter(pk=package.pk).update(receiving_school_brin="")
    for name in ("handover:package_json", "handover:package_pdf"):
        response = cast.client("af").get(reverse(name, args=[package.pk]), follow=True)
        assert response.redirect_chain == [(reverse("handover:package_detail", args=[package.pk]), 302)]
        message = _(
            "This package was made before Haven recorded the BRIN code of the receiving school. Make a new package."
        )
        assert message in response.content.decode()


def test_the_package_shows_the_dossier_as_it_was_when_made(cast, full_case):
    package = _make_package(cast, full_case, ["signals"])
    cast.signal("teacher", case=full_case, facts="Later gelogd, na het maken van het pakket.")
    data = json.loads(_download_json(cast, package))
    assert [s["facts"] for s in data["signals"]] == [FACT]


# Change of school: the import ------------------------------------------------------------------


def _upload(cast, content, who="af_b"):
    upload = io.BytesIO(content if isinstance(content, bytes) else json.dumps(content).encode())
    upload.name = "overdracht.json"
    return cast.client(who).post(reverse("handover:package_import"), {"package": upload})


ALL_PARTS = list(schema.PARTS)


def test_a_package_round_trips_into_a_dossier_at_the_new_school(cast, full_case):
    services.skip_conversation(cast.actor("af"), full_case, reason="child_safety", explanation="Niet veilig.")
    package = _make_package(cast, full_case, ALL_PARTS)
    content = _download_json(cast, package)
    response = _upload(cast, content)
    assert response.status_code == 302
    case = Case.objects.get(school=cast.school_b)
    assert response["Location"] == reverse("meldcode:case_detail", args=[case.pk])
    pupil = case.pupil
    assert (pupil.first_name, pupil.last_name, str(pupil.date_of_birth)) == ("Sanne", "de Vries", "2017-03-14")
    assert pupil.school == cast.school_b and case.lead == cast.af_b and case.is_open
    signal = case.signals.get()
    assert signal.facts == FACT and signal.interpretation == "Ik denk dat er thuis weinig toezicht is."
    assert signal.status == Signal.Status.IN_CASE and signal.school == cast.school_b
    assert case.consultations.get().anonymous is True
    assert case.conversations.get().reaction == "Moeder herkent het."
    assert case.stepskips.get().explanation == "Niet veilig."
    assert case.weighings.get().suspicion_explanation == "Patroon."
    decision = case.decisions.get()
    assert (decision.outcome, decision.can_help, decision.rationale) == ("report", False, "Hulp lukt niet.")
    report = case.reports.get()
    assert (report.made_on, report.vt_reference, report.not_informed_reason) == (TODAY(), "VT-9", "child_safety")
    handover = HandoverImport.objects.get(case=case)
    assert (handover.sending_school_name, handover.sending_school_brin) == ("OBS De Regenboog", "12AB")
    assert handover.handed_over_on == timezone.localdate(package.made_at) and handover.pupil_created
    # Exported again from the new school: the same parts, the same texts.
    again = schema.build(
        case,
        parts=ALL_PARTS,
        made_at=timezone.now(),
        made_by="x",
        receiving_school="",
        receiving_school_brin="56EF",
        parents_informed=True,
        parents_informed_how="x",
        not_informed_reason="",
    )
    original = json.loads(content)
    for key in ("signals", "consultations", "conversations", "weighings", "reports"):
        strip = {"logged_by", "recorded_by", "recorded_at", "made_by", "corrected"}
        assert [{k: v for k, v in r.items() if k not in strip} for r in again[key]] == [
            {k: v for k, v in r.items() if k not in strip} for r in original[key]
        ], key
    # The dossier page says where it came from; the import is one audited event (and the new pupil one).
    page = cast.client("af_b").get(reverse("meldcode:case_detail", args=[case.pk])).content.decode()
    when = date_format(handover.handed_over_on, "j F Y")
    expected = _("Handed over by %(school)s on %(date)s") % {"school": "OBS De Regenboog", "date": when}
    assert expected in page
    own = _("this Haven installation")
    assert _("Authenticity checked: signed by %(installation)s.") % {"installation": own} in page
    assert handover.signed_by == own
    [event] = AuditEvent.objects.filter(action="handover.import")
    assert (event.actor_id, event.case_id, event.school_id) == (cast.af_b.pk, case.pk, cast.school_b.pk)
    assert event.detail["counts"]["signals"] == 1 and event.detail["sending_brin"] == "12AB"
    assert AuditEvent.objects.filter(action="handover.create_pupil", pupil=pupil).count() == 1
    # School A's people see nothing of school B's dossier.
    assert cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 404


def test_a_name_match_is_attached_only_when_the_af_confirms_it_is_the_same_pupil(cast, full_case):
    existing = PupilFactory(
        school=cast.school_b, first_name="sanne", last_name="De Vries", date_of_birth=cast.pupil.date_of_birth
    )
    package = _make_package(cast, full_case, ["signals"])
    pupils = Pupil.objects.count()
    response = _upload(cast, _download_json(cast, package))
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("handover:import_confirm", args=[pending.pk])
    # Held, not attached: no dossier, no pupil, nothing about the existing pupil changed.
    assert not Case.objects.filter(school=cast.school_b).exists() and Pupil.objects.count() == pupils
    assert (pending.candidate, pending.uploaded_by, pending.signed_by) == (
        existing,
        cast.af_b,
        _("this Haven installation"),
    )
    page = cast.client("af_b").get(reverse("handover:import_confirm", args=[pending.pk])).content.decode()
    assert (
        "Sanne de Vries" in page
        and "sanne De Vries" in page
        and _("Authenticity checked: signed by %(installation)s.") % {"installation": pending.signed_by} in page
    )
    assert AuditEvent.objects.filter(action="handover.view_pending_import", pupil=existing).exists()
    response = cast.client("af_b").post(reverse("handover:import_confirm", args=[pending.pk]), {"choice": "same"})
    case = Case.objects.get(school=cast.school_b)
    assert response["Location"] == reverse("meldcode:case_detail", args=[case.pk])
    assert case.pupil == existing
    assert case.signals.count() == 1
    assert not case.consultations.exists() and not case.decisions.exists() and not case.reports.exists()
    assert not AuditEvent.objects.filter(action="handover.create_pupil").exists()
    assert HandoverImport.objects.get().pupil_created is False
    event = AuditEvent.objects.get(action="handover.import")
    assert (event.actor_id, event.pupil_id, event.detail["pupil_confirmed"]) == (cast.af_b.pk, existing.pk, True)
    assert not PendingImport.objects.exists()


def test_the_af_may_say_the_name_match_is_another_child(cast, full_case):
    existing = PupilFactory(
        school=cast.school_b, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth
    )
    _upload(cast, _download_json(cast, _make_package(cast, full_case, ["signals"])))
    pending = PendingImport.objects.get()
    cast.client("af_b").post(reverse("handover:import_confirm", args=[pending.pk]), {"choice": "new"})
    case = Case.objects.get(school=cast.school_b)
    assert case.pupil != existing and case.pupil.first_name == "Sanne"
    assert not existing.cases.exists()
    assert AuditEvent.objects.filter(action="handover.create_pupil", pupil=case.pupil).count() == 1
    assert AuditEvent.objects.get(action="handover.import").detail["pupil_confirmed"] is False


def test_cancelling_a_held_package_imports_nothing(cast, full_case):
    PupilFactory(school=cast.school_b, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth)
    _upload(cast, _download_json(cast, _make_package(cast, full_case, ["signals"])))
    pending = PendingImport.objects.get()
    response = cast.client("af_b").post(reverse("handover:import_confirm", args=[pending.pk]), {"choice": "cancel"})
    assert response["Location"] == reverse("handover:package_import")
    assert not PendingImport.objects.exists() and not Case.objects.filter(school=cast.school_b).exists()
    assert AuditEvent.objects.get(action="handover.cancel_import").actor_id == cast.af_b.pk


def test_a_held_package_whose_key_is_no_longer_trusted_is_not_imported(cast, full_case, settings):
    from django.utils.html import escape

    PupilFactory(school=cast.school_b, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth)
    _upload(cast, _download_json(cast, _make_package(cast, full_case, ["signals"])))
    pending = PendingImport.objects.get()
    old_key = signing.public_key()
    settings.HAVEN_SIGNING_KEY = OTHER_KEY  # the installation changed its key since the upload
    url = reverse("handover:import_confirm", args=[pending.pk])
    untrusted = _(
        "This package is signed by a Haven installation that your Haven does not trust (key %(key)s). "
        "It has not been imported. Ask your functional administrator to check the key with the sending "
        "school's installation first."
    ) % {"key": old_key}
    page = cast.client("af_b").get(url).content.decode()
    assert escape(untrusted) in page
    response = cast.client("af_b").post(url, {"choice": "same"})
    assert response.status_code == 200 and not Case.objects.filter(school=cast.school_b).exists()
    assert cast.client("af_b").post(url, {"choice": "cancel"}).status_code == 302
    assert not PendingImport.objects.exists()


def test_another_school_cannot_see_or_confirm_a_held_package(cast, full_case):
    PupilFactory(school=cast.school_b, first_name="Sanne", last_name="de Vries", date_of_birth=cast.pupil.date_of_birth)
    _upload(cast, _download_json(cast, _make_package(cast, full_case, ["signals"])))
    pending = PendingImport.objects.get()
    url = reverse("handover:import_confirm", args=[pending.pk])
    cases = Case.objects.count()
    for choice in ("same", "new", "cancel"):
        assert cast.client("af").post(url, {"choice": choice}).status_code == 404
    assert cast.client("af").get(url).status_code == 404
    assert Case.objects.count() == cases and PendingImport.objects.get() == pending
    denied = AuditEvent.objects.filter(action="handover.view_pending_import", outcome="denied", actor=cast.af)
    assert denied.count() == 4
    # The service refuses it too, whatever the view does.
    from django.core.exceptions import ValidationError

    from haven.handover.services import cancel_import, confirm_import

    with pytest.raises(ValidationError):
        confirm_import(cast.actor("af"), pending, same_pupil=True)
    with pytest.raises(ValidationError):
        cancel_import(cast.actor("af"), pending)
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_the_same_package_twice_or_at_its_own_school_is_refused(cast, full_case):
    content = _download_json(cast, _make_package(cast, full_case, ["signals"]))
    assert _upload(cast, content, who="af").status_code == 200
    assert _upload(cast, content).status_code == 302
    cases = Case.objects.count()
    response = _upload(cast, content)
    assert response.status_code == 200
    assert _("This package has already been imported.") in response.content.decode()
    assert Case.objects.count() == cases


def _valid(cast, full_case):
    return json.loads(_download_json(cast, _make_package(cast, full_case, ALL_PARTS)))


def _signed(change):
    """A change made by someone holding the installation's key: the package gets past the signature,
    so what is refused is the content."""

    def make(data):
        changed = change(data)
        return signing.sign(changed) if isinstance(changed, dict) else changed

    return make


BAD = {
    "not JSON": lambda data: b"dit is geen json",
    "a list": lambda data: [data],
    "another schema": lambda data: {**data, "schema": "haven.handover/4"},
    "the unsigned first version": lambda data: {**data, "schema": "haven.handover/1"},
    "the unaddressed second version": lambda data: {**data, "schema": "haven.handover/2"},
    "no pupil": lambda data: {k: v for k, v in data.items() if k != "pupil"},
    "a name as a number": lambda data: {**data, "pupil": {**data["pupil"], "first_name": 12}},
    "a birth date in the future": lambda data: {**data, "pupil": {**data["pupil"], "date_of_birth": "2999-01-01"}},
    "a badly written date": lambda data: {**data, "date": "30-06-2027"},
    "an unknown field": lambda data: {**data, "extra": True},
    "an unknown part": lambda data: {**data, "parts": [*data["parts"], "everything"]},
    "a part without its records": lambda data: {k: v for k, v in data.items() if k != "signals"},
    "records of a part not chosen": lambda data: {**data, "parts": ["signals"]},
    "empty facts": lambda data: {**data, "signals": [{**data["signals"][0], "facts": " "}]},
    "an unknown category": lambda data: {**data, "signals": [{**data["signals"][0], "categories": ["x"]}]},
    "a moment without offset": lambda data: {
        **data,
        "signals": [{**data["signals"][0], "observed_at": "2026-11-01T10:00:00"}],
    },
    "a boolean as a string": lambda data: {**data, "dossier": {**data["dossier"], "acute": "false"}},
    "a score out of range": lambda data: {**data, "weighings": [{**data["weighings"][0], "safety_score_pupil": 11}]},
    "informed without how": lambda data: {**data, "parents": {**data["parents"], "how": ""}},
    "a bad BRIN code": lambda data: {**data, "sending_school": {**data["sending_school"], "brin": "12 AB!"}},
    "no receiving BRIN code": lambda data: {**data, "receiving_school": {"name": "CBS Het Kompas", "brin": ""}},
    "the receiving school as text": lambda data: {**data, "receiving_school": "CBS Het Kompas"},
}


@pytest.mark.parametrize("case_name", list(BAD))
def test_bad_packages_are_refused_and_change_nothing(cast, full_case, case_name):
    data = _valid(cast, full_case)
    bad = _signed(BAD[case_name])(data)
    counts = (Case.objects.count(), Pupil.objects.count(), Signal.objects.count(), AuditEvent.objects.count())
    response = _upload(cast, bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "haven-field-error" in page or "utrecht-alert--error" in page
    after = (Case.objects.count(), Pupil.objects.count(), Signal.objects.count())
    assert after == counts[:3]
    # Only the sign-in of the test client may have been logged; no import, no pupil.
    assert not AuditEvent.objects.filter(action__in=["handover.import", "handover.create_pupil"]).exists()


def test_a_refusal_names_the_field(cast, full_case):
    data = _valid(cast, full_case)
    data["signals"][0]["facts"] = ""
    page = _upload(cast, signing.sign(data)).content.decode()
    assert "signals[0].facts" in page


def test_the_parser_reads_what_the_builder_writes(cast, full_case):
    data = _valid(cast, full_case)
    package = schema.parse(data)
    assert package.parts == ALL_PARTS
    assert package["pupil"]["date_of_birth"].isoformat() == "2017-03-14"


def test_a_teacher_cannot_import_or_export(cast, full_case):
    assert cast.client("teacher").get(reverse("handover:package_import")).status_code == 403
    assert cast.client("ib").get(reverse("handover:package_create", args=[full_case.pk])).status_code == 403


def test_staff_of_another_school_are_not_told(cast):
    other = UserFactory(username="elders")
    MembershipFactory(user=other, school=cast.school_b, role="teacher")
    cast.case()
    group = GroupFactory(school=cast.school_a, name="Groep 6", school_year=NEW_YEAR)
    group.teachers.add(other)
    place(cast.pupil, group)
    assert not HandoverNotice.objects.exists()


# Hostile packages: bounded before and while parsing, a clear message, nothing changed -------------


def _counts():
    return (
        Case.objects.count(),
        Pupil.objects.count(),
        Signal.objects.count(),
        HandoverImport.objects.count(),
        PendingImport.objects.count(),
    )


def _with_raw(data, path, raw):
    """The package as JSON text with the value at `path` replaced by the raw JSON text `raw`."""
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "@@RAW@@"
    return json.dumps(data).replace('"@@RAW@@"', raw).encode()


def _set(path, value):
    def change(data):
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return data

    return change


DEEP = _("The file is nested too deeply for a handover package (at most %(max)s levels).") % {"max": schema.MAX_DEPTH}
LONG_NUMBER = _("The file holds a number that is too long for a handover package (at most %(max)s digits).") % {
    "max": schema.MAX_NUMBER_LENGTH
}
HOSTILE = {
    "nested 100,000 levels deep": (lambda data: b"[" * 100_000 + b"]" * 100_000, DEEP),
    "nested deep inside a record": (
        lambda data: _with_raw(data, ("signals", 0, "facts"), "[" * 40 + "]" * 40),
        DEEP,
    ),
    "a 5,000-digit number": (lambda data: _with_raw(data, ("dossier", "number"), "9" * 5000), LONG_NUMBER),
    "NaN": (lambda data: _with_raw(data, ("dossier", "number"), "NaN"), LONG_NUMBER),
    "a moment at the start of the calendar": (
        _signed(_set(("created_at",), "0001-01-01T00:00:00+14:00")),
        _("%(field)s lies before 1900.") % {"field": "created_at"},
    ),
    "a moment at the end of the calendar": (
        _signed(_set(("signals", 0, "observed_at"), "9999-12-31T23:59:59-14:00")),
        _("%(field)s lies in the future.") % {"field": "signals[0].observed_at"},
    ),
    "born in the year 1": (
        _signed(_set(("pupil", "date_of_birth"), "0001-01-01")),
        _("%(field)s lies before 1900.") % {"field": "pupil.date_of_birth"},
    ),
    "a signal before the pupil was born": (
        _signed(_set(("signals", 0, "observed_at"), "2012-05-01T10:00:00+02:00")),
        _("%(field)s lies before the pupil's date of birth.") % {"field": "signals[0].observed_at"},
    ),
    "a week date": (
        _signed(_set(("date",), "2026-W01-1")),
        _("%(field)s must be a date written as YYYY-MM-DD.") % {"field": "date"},
    ),
    "501 signals": (
        _signed(lambda data: {**data, "signals": data["signals"] * (schema.MAX_RECORDS + 1)}),
        _("%(field)s holds too many records (at most %(max)s).") % {"field": "signals", "max": schema.MAX_RECORDS},
    ),
    "a NUL in a name": (
        _signed(_set(("pupil", "first_name"), "Sanne\x00")),
        _("%(field)s holds characters that are not text.") % {"field": "pupil.first_name"},
    ),
    "half a UTF-16 pair": (
        _signed(_set(("signals", 0, "facts"), "Zorgen \ud800")),
        _("%(field)s holds characters that are not text.") % {"field": "signals[0].facts"},
    ),
}


@pytest.mark.parametrize("case_name", list(HOSTILE))
def test_hostile_packages_get_a_clear_message_and_change_nothing(cast, full_case, case_name):
    from django.utils.html import escape

    make, message = HOSTILE[case_name]
    content = make(_valid(cast, full_case))
    before = _counts()
    response = _upload(cast, content)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert _counts() == before
    assert not AuditEvent.objects.filter(action__in=["handover.import", "handover.create_pupil"]).exists()


def test_the_depth_scan_of_an_upload_is_linear():
    """Finding 5 of the review: the bracket scan that runs on every upload, before the signature is
    checked, once backtracked on an unterminated string of escaped quotes (24 kB took seconds, 2 MB
    hours). It is one pass over the characters now: counted, each character is looked at once."""
    import time

    from django.core.exceptions import ValidationError

    class Counted(str):
        steps = 0

        def __iter__(self):
            for char in str.__iter__(self):
                Counted.steps += 1
                yield char

    hostile = '"' + '\\"' * ((schema.MAX_PACKAGE_BYTES - 1) // 2)
    assert len(hostile.encode()) <= schema.MAX_PACKAGE_BYTES
    text = Counted(hostile)
    assert schema._too_deep(text, schema.MAX_DEPTH) is False
    assert Counted.steps == len(hostile)
    # A scan that stops at the limit: it reads no further than the bracket that is one too many.
    Counted.steps = 0
    assert schema._too_deep(Counted("[" * 7 + "x" * 1000), schema.MAX_DEPTH) is True and Counted.steps == 7
    # And the whole refusal of the 2 MB file, within a generous bound on a busy machine.
    for content in (hostile.encode(), ("[" + hostile).encode(), ('"' + "\\" * 1_000_000).encode()):
        started = time.perf_counter()
        with pytest.raises(ValidationError):
            schema.decode(content)
        assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("[" * 6 + "]" * 6, False),
        ("[" * 7 + "]" * 7, True),
        ('[{"a": "[[[[[[[[{{{{"}]', False),  # brackets inside a string do not count
        ('["\\"[[[[[[[["]', False),  # nor after an escaped quote, still in the string
        ('["\\\\", [[[[[[]]]]]]]', True),  # an escaped backslash: the string ends, the brackets count
        ('"[[[[[[[[[', False),  # an unterminated string: left to the decoder, which refuses it
    ],
)
def test_the_depth_scan_counts_brackets_outside_strings_only(text, deep):
    assert schema._too_deep(text, schema.MAX_DEPTH) is deep


class _LazyBody:
    """A multipart request body of `size` bytes of file content, made while it is read (as from a socket)."""

    def __init__(self, size: int, boundary: str):
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="package"; filename="overdracht.json"\r\n'
            "Content-Type: application/json\r\n\r\n"
        ).encode()
        self.parts = [head, size, f"\r\n--{boundary}--\r\n".encode()]
        self.length = len(head) + size + len(self.parts[2])

    def read(self, size: int = -1) -> bytes:
        while self.parts:
            part = self.parts[0]
            if isinstance(part, int):
                take = min(part, size if size > 0 else 64 * 1024)
                self.parts[0] = part - take
                if not self.parts[0]:
                    self.parts.pop(0)
                return b"[" * take
            if size < 0 or len(part) <= size:
                return self.parts.pop(0)
            self.parts[0] = part[size:]
            return part[:size]
        return b""

    # WSGI asks for it; the multipart parser never reads lines.
    readline = read


def test_a_60_mb_upload_is_refused_without_being_read_into_memory(cast):
    import tracemalloc

    client = cast.client("af_b")
    body = _LazyBody(60 * 1024 * 1024, "grens")
    before = _counts()
    tracemalloc.start()
    try:
        response = client.generic(
            "POST",
            reverse("handover:package_import"),
            b"",
            **{
                "wsgi.input": body,
                "CONTENT_LENGTH": str(body.length),
                "CONTENT_TYPE": "multipart/form-data; boundary=grens",
            },
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert _("The file is too large for a handover package (at most 2 MB).") in response.content.decode()
    assert peak < 8 * 1024 * 1024, peak
    assert not body.parts  # read to the end (the client gets its answer), but never held
    assert _counts() == before


def test_a_file_just_over_the_limit_is_refused(cast):
    response = _upload(cast, b" " * (schema.MAX_PACKAGE_BYTES + 1))
    assert response.status_code == 200
    assert _("The file is too large for a handover package (at most 2 MB).") in response.content.decode()


def test_the_upload_still_needs_its_csrf_token(cast, full_case):
    # The view installs its upload handler before Django's CSRF check reads the body, then checks.
    client = cast.client("af_b")
    client.handler.enforce_csrf_checks = True
    upload = io.BytesIO(_download_json(cast, _make_package(cast, full_case, ["signals"])))
    upload.name = "overdracht.json"
    before = _counts()
    assert client.post(reverse("handover:package_import"), {"package": upload}).status_code == 403
    assert _counts() == before


def test_random_and_mutated_packages_never_break_the_import(cast, full_case):
    """Whatever arrives: a page with a message (nothing changed) or a whole import; never an error."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    base = _valid(cast, full_case)
    client = cast.client("af_b")
    url = reverse("handover:package_import")

    def paths(value, prefix=()):
        yield prefix
        if isinstance(value, dict):
            for key, item in value.items():
                yield from paths(item, (*prefix, key))
        elif isinstance(value, list):
            for index, item in enumerate(value[:2]):
                yield from paths(item, (*prefix, index))

    all_paths = [p for p in paths(base) if p and p[0] != "signature"]
    odd_dates = st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01",
            "9999-12-31",
            "1899-12-31",
            "2026-02-30",
            "2026-W01-1",
            "20260101",
            "2010-01-01T00:00:00+01:00",
            "",
        ]
    )
    replacement = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.text(max_size=30),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=5).map(lambda t: t * 5000),
        odd_dates,
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.just("@@DEEP@@"),
        st.just("@@BIG@@"),
    )
    mutation = st.tuples(
        st.sampled_from(all_paths),
        st.sampled_from(["replace", "delete", "extra key", "many", "keep"]),
        replacement,
        st.booleans(),  # signed again by this installation, so the content is what gets checked
        st.sampled_from(["json", "truncated", "bytes"]),
    )

    @settings(max_examples=70, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(mutations=st.lists(mutation, min_size=1, max_size=3), noise=st.binary(max_size=200))
    def check(mutations, noise):
        data = json.loads(json.dumps(base))
        form = mutations[-1][4]
        resign = False
        for path, action, value, sign_again, _form in mutations:
            resign = resign or sign_again
            parent = data
            try:
                for step in path[:-1]:
                    parent = parent[step]
                key = path[-1]
                if action == "replace":
                    parent[key] = value
                elif action == "delete":
                    del parent[key]
                elif action == "extra key" and isinstance(parent, dict):
                    parent[f"{key}_extra"] = value
                elif action == "many" and isinstance(parent[key], list):
                    parent[key] = parent[key] * 300
            except (KeyError, IndexError, TypeError):
                continue  # an earlier mutation removed or replaced this place
        if resign:
            data = signing.sign(data)
        text = json.dumps(data).replace('"@@DEEP@@"', "[" * 5000 + "]" * 5000).replace('"@@BIG@@"', "7" * 5000)
        content = text.encode("utf-8", "surrogatepass")
        if form == "truncated":
            content = content[: len(content) // 2]
        elif form == "bytes":
            content = noise
        before = _counts()
        upload = io.BytesIO(content)
        upload.name = "overdracht.json"
        response = client.post(url, {"package": upload})
        after = _counts()
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert after == before
        elif response["Location"].startswith("/overdracht/importeren/"):
            assert after == (*before[:4], before[4] + 1)
        else:
            imported = HandoverImport.objects.order_by("-pk").first()
            assert after[0] == before[0] + 1 and after[3] == before[3] + 1
            assert after[2] - before[2] == imported.counts.get("signals", 0)

    check()


# Where a package comes from: signed, unaltered, by an installation that speaks for its school -----

OTHER_KEY = signing.encode(b"\x07" * 32)


def _signed_with(private_key, data, settings):
    own = settings.HAVEN_SIGNING_KEY
    settings.HAVEN_SIGNING_KEY = private_key
    try:
        return signing.sign(data), signing.public_key()
    finally:
        settings.HAVEN_SIGNING_KEY = own


def _refused(cast, content, message, who="af_b"):
    from django.utils.html import escape

    before = _counts()
    response = _upload(cast, content, who=who)
    assert response.status_code == 200
    assert escape(message) in response.content.decode(), response.content.decode()[-3000:]
    assert _counts() == before
    assert not AuditEvent.objects.filter(action__in=["handover.import", "handover.hold_import"]).exists()


def test_an_unsigned_package_is_refused(cast, full_case):
    data = _valid(cast, full_case)
    del data["signature"]
    _refused(
        cast,
        data,
        _(
            "This package carries no valid signature, so Haven cannot check where it comes from. "
            "Ask the sending school to make the package again with Haven."
        ),
    )


def test_a_package_signed_by_an_untrusted_key_is_refused(cast, full_case, settings):
    data, key = _signed_with(OTHER_KEY, _valid(cast, full_case), settings)
    _refused(
        cast,
        data,
        _(
            "This package is signed by a Haven installation that your Haven does not trust (key %(key)s). "
            "It has not been imported. Ask your functional administrator to check the key with the sending "
            "school's installation first."
        )
        % {"key": key},
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda data: {**data, "signals": [{**data["signals"][0], "facts": "Iets anders."}]},
        lambda data: {**data, "sending_school": {"name": "OBS Elders", "brin": "56EF"}},
        lambda data: {**data, "receiving_school": {"name": "OBS De Derde", "brin": "56EF"}},
        lambda data: {**data, "signature": {**data["signature"], "value": data["signature"]["value"][::-1]}},
        lambda data: {**data, "signature": {**data["signature"], "value": "kapot"}},
    ],
    ids=["a fact", "the sending school", "the receiving school", "the signature reversed", "the signature damaged"],
)
def test_a_package_changed_after_signing_is_refused(cast, full_case, change):
    _refused(
        cast,
        change(_valid(cast, full_case)),
        _(
            "This package was changed after it was signed, or its signature is damaged. It has not been "
            "imported. Ask the sending school for the original file."
        ),
    )


def test_a_package_naming_a_school_its_installation_does_not_speak_for_is_refused(cast, full_case, settings):
    valid = _valid(cast, full_case)
    # Signed by this installation, naming a school that is not on it.
    data = signing.sign({**valid, "sending_school": {"name": "OBS Elders", "brin": "56EF"}})
    message = _(
        "This package says it comes from %(school)s (BRIN code %(brin)s), but it is signed by "
        "%(installation)s, which does not speak for that school. It has not been imported."
    )
    _refused(
        cast, data, message % {"school": "OBS Elders", "brin": "56EF", "installation": _("this Haven installation")}
    )
    # Signed by a trusted installation that speaks for 56EF only, naming school A of this installation.
    data, key = _signed_with(OTHER_KEY, valid, settings)
    settings.HAVEN_TRUSTED_INSTALLATIONS = f"Stichting Noord:{key}:56EF"
    _refused(cast, data, message % {"school": "OBS De Regenboog", "brin": "12AB", "installation": "Stichting Noord"})


def test_a_package_made_for_one_school_cannot_be_imported_by_another(cast):
    """Finding 6 of the review: the package names the school it is meant for by its BRIN code, signed
    with the rest, and only that school imports it. A package De Regenboog made for Het Kompas,
    forwarded (or misdirected) to a third school, is refused there, and nothing changes."""
    from haven.handover.services import receive_package

    case = cast.case(author="teacher")
    content = _download_json(cast, _make_package(cast, case, ["signals"]))
    third = SchoolFactory(name="OBS De Derde", brin_code="56EF")
    cast.users["af_c"] = UserFactory(username="af_c")
    MembershipFactory(user=cast.users["af_c"], school=third, role="safeguarding_lead")
    message = _(
        "This package was made for another school (BRIN code %(brin)s), not for your school (BRIN code "
        "%(own)s). It has not been imported. Ask the sending school to make a package for your school."
    ) % {"brin": "34CD", "own": "56EF"}
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        receive_package(cast.actor("af_c"), content)
    assert refused.value.messages == [message]
    assert _counts() == before and not Case.objects.filter(school=third).exists()
    # Through the page as well; and a pupil of that name at De Derde does not make it wait for a decision.
    pupil = case.pupil
    PupilFactory(
        school=third, first_name=pupil.first_name, last_name=pupil.last_name, date_of_birth=pupil.date_of_birth
    )
    _refused(cast, content, message, who="af_c")
    assert not Case.objects.filter(school=third).exists() and not PendingImport.objects.exists()
    # Het Kompas, for which it was made, imports it.
    assert _upload(cast, content).status_code == 302
    assert Case.objects.filter(school=cast.school_b).exists()


def test_a_package_of_a_trusted_installation_is_imported_with_authenticity_checked(cast, full_case, settings):
    elders = {**_valid(cast, full_case), "sending_school": {"name": "OBS Elders", "brin": "56EF"}}
    data, key = _signed_with(OTHER_KEY, elders, settings)
    settings.HAVEN_TRUSTED_INSTALLATIONS = f"Stichting Noord:{key}:56EF+78GH"
    response = _upload(cast, data)
    assert response.status_code == 302
    case = Case.objects.get(school=cast.school_b)
    assert HandoverImport.objects.get(case=case).signed_by == "Stichting Noord"
    page = cast.client("af_b").get(response["Location"]).content.decode()
    assert _("Authenticity checked: signed by %(installation)s.") % {"installation": "Stichting Noord"} in page
    assert AuditEvent.objects.get(action="handover.import").detail["signed_by"] == "Stichting Noord"


def test_the_trusted_installations_setting_is_checked(settings):
    from haven.handover.signing import check_signing_keys

    assert check_signing_keys() == []
    for wrong in (
        "Noord",
        f"Noord:{OTHER_KEY}",
        "Noord:niet-een-sleutel:56EF",
        f"Noord:{OTHER_KEY}:",
        f":{OTHER_KEY}:56EF",
    ):
        settings.HAVEN_TRUSTED_INSTALLATIONS = wrong
        [error] = check_signing_keys()
        assert error.id == "haven.handover.E001", wrong


@pytest.mark.parametrize("key", [None, "", "aGF2ZW4tZGV2ZWxvcG1lbnQtc2lnbmluZy1rZXkhISE"])
def test_production_refuses_a_missing_or_development_signing_key(key):
    import subprocess
    import sys

    from tests.system import PRODUCTION, clean_environment

    env = {k: v for k, v in PRODUCTION.items() if k != "HAVEN_SIGNING_KEY"} | (
        {} if key is None else {"HAVEN_SIGNING_KEY": key}
    )
    result = subprocess.run(
        [sys.executable, "-c", "import haven.settings"], env=clean_environment(**env), capture_output=True, text=True
    )
    assert result.returncode != 0 and "HAVEN_SIGNING_KEY" in result.stderr
    accepted = subprocess.run(
        [sys.executable, "-c", "import haven.settings"],
        env=clean_environment(**PRODUCTION),
        capture_output=True,
        text=True,
    )
    assert accepted.returncode == 0, accepted.stderr


def test_the_command_shows_the_public_key_and_the_entry_to_exchange(cast):
    out = io.StringIO()
    call_command("handover_signing_key", "--name", "Stichting Zuid", stdout=out)
    assert f"public key: {signing.public_key()}" in out.getvalue()
    assert f"trusted installation entry: Stichting Zuid:{signing.public_key()}:12AB+34CD" in out.getvalue()
    out = io.StringIO()
    call_command("handover_signing_key", "--new", stdout=out)
    assert len(out.getvalue().strip()) == signing.KEY_TEXT_LENGTH
