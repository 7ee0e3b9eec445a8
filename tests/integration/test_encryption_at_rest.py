"""Encryption at rest: the narrative text of the route is unreadable in the database itself.

Reads as the specification. Everything a person writes in the logbook and the dossier (signals,
corrections, consultations, conversations, skipped steps, weighing, decisions, the report,
closing and reopening) is stored as `enc1:<keyid>:...`: a raw SELECT of those columns, which is
what a database dump holds, shows no word of it, while the application shows the plain text.
A value moved to another column fails instead of showing up there. Rotating the key re-encrypts
every value under the new key, is idempotent and is audited. The migration encrypts what was
stored before it.
"""

import base64
import importlib
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.core.encryption import DecryptionError, EncryptedTextField, check_encryption_keys
from haven.core.management.commands.rotate_encryption_key import encrypted_fields
from haven.meldcode import services
from haven.meldcode.models import Consultation, Report, Signal
from tests.integration.test_followup import fill_followup
from tests.integration.test_handover import fill_handover
from tests.integration.test_planned_conversations import fill_signalling

WORD = "Zeppelinvogel"  # a word that appears in every text we write, and nowhere else

ENCRYPTED = {
    "signalling.plannedconversation": {"location"},
    "meldcode.signal": {"facts", "child_words", "interpretation", "context", "contradicting_info", "noted_reason"},
    "meldcode.signalamendment": {"reason", "facts", "child_words", "interpretation", "context", "contradicting_info"},
    "meldcode.consultation": {"consulted_name", "question", "advice", "agreed_actions"},
    "meldcode.conversation": {"participants_detail", "location", "shared", "reaction", "agreements"},
    "meldcode.stepskip": {"explanation"},
    "meldcode.weighing": {"suspicion_explanation", "unsafety_explanation", "risk_factors", "protective_factors"},
    "meldcode.decision": {"rationale", "deviation_justification"},
    "meldcode.report": {
        "relation_to_family",
        "direct_cause",
        "facts",
        "interpretation",
        "risk_factors",
        "protective_factors",
        "household",
        "help_contacts",
        "police_contacts",
        "intervention_risks",
        "expectations",
        "parents_informed_how",
        "not_informed_explanation",
    },
    "meldcode.closure": {"explanation", "reopen_reason"},
    "followup.reportfollowup": {
        "feedback_agreed_how",
        "lead_contact_name",
        "lead_contact_details",
        "follow_up_started",
        "school_expectations",
    },
    "followup.helpplan": {"description", "provided_by", "parents_agreement"},
    "followup.evaluationmoment": {"explanation"},
    "handover.pendingimport": {"content"},
}


def _key(byte: int) -> str:
    return base64.urlsafe_b64encode(bytes([byte]) * 32).decode()


OLD, NEW = f"old:{_key(1)}", f"new:{_key(2)}"


def t(name: str) -> str:
    return f"{name}: {WORD} zei iets over thuis."


def _the_whole_route(cast):
    """Every encrypted column gets a value, written through the services as people would."""
    af = cast.actor("af")
    texts = {name: t(name) for name in Signal.TEXT_FIELDS}
    signal = cast.signal("teacher", **texts)
    case = services.open_case(af, signal, lead=cast.af)
    services.amend_signal(
        cast.actor("teacher"), signal, reason=t("reason"), **{**texts, "facts": t("facts, corrected")}
    )
    services.note_signal(af, cast.signal("teacher2", pupil=cast.sibling, facts=t("facts")), reason=t("noted"))
    today = timezone.localdate()
    services.record_consultation(
        af,
        case,
        held_on=today,
        consulted="school_doctor",
        consulted_name=t("name"),
        question=t("question"),
        advice=t("advice"),
        agreed_actions=t("actions"),
    )
    services.record_conversation(
        af,
        case,
        held_on=today,
        participants=["mother", "other"],
        participants_detail=t("others"),
        location=t("where"),
        shared=t("shared"),
        reaction=t("reaction"),
        agreements=t("agreements"),
        acknowledgement="seen",
    )
    services.skip_conversation(af, case, reason="child_safety", explanation=t("skip"))
    services.record_weighing(
        af,
        case,
        suspicion=True,
        suspicion_explanation=t("q1"),
        unsafety=True,
        unsafety_explanation=t("q2"),
        risk_factors=t("risk"),
        protective_factors=t("protective"),
    )
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale=t("rationale"),
        decided_by=cast.af,
        deviation_justification=t("deviation"),
    )
    report = services.save_report(
        af,
        case,
        **{name: t(name) for name in ENCRYPTED["meldcode.report"]},
        parents_informed=True,
    )
    services.mark_report_made(af, report, made_on=today, made_by=cast.af)
    services.close_case(af, case, reason="taken_over", explanation=t("closed"))
    services.reopen_case(af, case, reason=t("reopened"))
    return signal, case


def _raw_values():
    """What a database dump holds: every encrypted column, read with plain SQL."""
    quote = connection.ops.quote_name
    values = {}
    for model, fields in encrypted_fields().items():
        columns = ", ".join(quote(f.column) for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)}")
            rows = cursor.fetchall()
        for index, field in enumerate(fields):
            values[f"{model._meta.label_lower}.{field.name}"] = [row[index] for row in rows]
    return values


def test_the_narrative_fields_are_the_encrypted_ones():
    found = {model._meta.label_lower: {f.name for f in fields} for model, fields in encrypted_fields().items()}
    assert found == ENCRYPTED
    assert sum(len(names) for names in found.values()) == 54


def test_a_database_dump_holds_no_narrative(cast):
    _the_whole_route(cast)
    fill_followup(cast, t)
    fill_signalling(cast, t)
    fill_handover(cast, t)
    raw = _raw_values()
    assert set(raw) == {f"{model}.{name}" for model, names in ENCRYPTED.items() for name in names}
    for column, values in raw.items():
        stored = [v for v in values if v]
        assert stored, f"{column} was not filled by the route"
        for value in stored:
            assert value.startswith("enc1:dev:"), column
            assert WORD not in value, column
            assert "thuis" not in value, column


def test_the_application_reads_the_plain_text(cast):
    signal, case = _the_whole_route(cast)
    signal.refresh_from_db()
    assert signal.facts == t("facts")
    assert services.current_text(signal)["facts"] == t("facts, corrected")
    assert Consultation.objects.get(case=case).consulted_name == t("name")
    report = Report.objects.get(case=case)
    assert report.household == t("household")
    assert list(Report.objects.values_list("expectations", flat=True)) == [t("expectations")]
    af = cast.client("af")
    pages = {
        "signal": af.get(reverse("meldcode:signal_detail", args=[signal.pk])),
        "dossier": af.get(reverse("meldcode:case_detail", args=[case.pk])),
        "report": af.get(reverse("meldcode:report_print", args=[case.pk])),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        content = page.content.decode()
        assert WORD in content, name
        assert "enc1:" not in content, name
    assert t("facts, corrected") in pages["signal"].content.decode()
    assert t("question") in pages["dossier"].content.decode()
    assert t("household") in pages["report"].content.decode()


def test_a_blank_field_stays_empty_and_can_still_be_filtered_on(cast):
    signal = cast.signal("teacher")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT child_words FROM {Signal._meta.db_table} WHERE id = %s", [signal.pk])
        assert cursor.fetchone() == ("",)
    assert Signal.objects.filter(child_words="").get() == signal
    assert not Signal.objects.exclude(child_words="").exists()
    assert not Signal.objects.filter(facts="").exists()


@pytest.mark.parametrize("lookup", [{"facts": "Komt zonder jas"}, {"facts__icontains": "jas"}, {"facts__in": ["x"]}])
def test_searching_encrypted_text_in_the_database_fails_loudly(cast, lookup):
    # Each encryption differs, so the database cannot compare the text: an error, not an empty answer.
    with pytest.raises(FieldError):
        list(Signal.objects.filter(**lookup))


def test_a_value_moved_to_another_column_is_refused(cast):
    signal = cast.signal("teacher", interpretation=t("interpretation"))
    table = Signal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET interpretation = facts WHERE id = %s", [signal.pk])
    with pytest.raises(DecryptionError, match="meldcode.signal.interpretation"):
        Signal.objects.get(pk=signal.pk)


def test_a_changed_value_is_refused(cast):
    signal = cast.signal("teacher")
    table = Signal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT facts FROM {table} WHERE id = %s", [signal.pk])
        (stored,) = cursor.fetchone()
        changed = stored[:-2] + ("AA" if stored[-2:] != "AA" else "BB")
        cursor.execute(f"UPDATE {table} SET facts = %s WHERE id = %s", [changed, signal.pk])
    with pytest.raises(DecryptionError):
        Signal.objects.get(pk=signal.pk)


# --- Rotating the key ---------------------------------------------------------------------------


def _rotate() -> str:
    out = StringIO()
    call_command("rotate_encryption_key", "--batch-size", "2", stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_everything_under_the_new_key_once(cast, settings):
    settings.HAVEN_ENCRYPTION_KEYS = f"{OLD},{NEW}"
    signal, case = _the_whole_route(cast)
    per_model = {}
    for column, values in _raw_values().items():
        model = column.rsplit(".", 1)[0]
        per_model[model] = per_model.get(model, 0) + sum(1 for v in values if v)
        assert all(v.startswith("enc1:old:") for v in values if v)
    filled = sum(per_model.values())

    settings.HAVEN_ENCRYPTION_KEYS = f"{NEW},{OLD}"  # the new key prepended: it encrypts, old still decrypts
    output = _rotate()
    for model, count in per_model.items():
        assert f"{model}: {count}\n" in output
    assert f"Re-encrypted {filled} values under key 'new'." in output
    assert all(v.startswith("enc1:new:") for values in _raw_values().values() for v in values if v)
    event = AuditEvent.objects.get(action="encryption.rotate")
    assert event.detail["total"] == filled
    assert event.detail["active_key"] == "new"
    assert event.detail["counts"] == per_model
    assert per_model["meldcode.report"] == 13

    settings.HAVEN_ENCRYPTION_KEYS = NEW  # the old key dropped: everything still reads
    signal.refresh_from_db()
    assert signal.facts == t("facts")
    assert Report.objects.get(case=case).household == t("household")
    output = _rotate()
    assert "Re-encrypted 0 values" in output
    assert AuditEvent.objects.filter(action="encryption.rotate").count() == 2


def test_without_the_old_key_old_values_cannot_be_read(cast, settings):
    settings.HAVEN_ENCRYPTION_KEYS = OLD
    signal = cast.signal("teacher")
    settings.HAVEN_ENCRYPTION_KEYS = NEW
    with pytest.raises(DecryptionError, match="Unknown encryption key id 'old'"):
        Signal.objects.get(pk=signal.pk)


# --- The migration encrypts what was stored before it -------------------------------------------

BEFORE, AFTER = ("meldcode", "0001_initial"), ("meldcode", "0002_encryption_at_rest")


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows(cast):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        old_signal = old.get_model("meldcode", "Signal").objects.create(
            school_id=cast.school_a.pk,
            pupil_id=cast.pupil.pk,
            author_id=cast.teacher.pk,
            observed_at=timezone.now() - timedelta(hours=1),
            source="own_observation",
            categories=["gut_feeling"],
            facts=t("facts"),
            child_words="",
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    raw = _raw_values()
    assert len(raw["meldcode.signal.facts"]) == 1
    assert raw["meldcode.signal.facts"][0].startswith("enc1:dev:")
    assert WORD not in raw["meldcode.signal.facts"][0]
    assert raw["meldcode.signal.child_words"] == [""]
    assert Signal.objects.get(pk=old_signal.pk).facts == t("facts")


def test_the_migration_can_be_reversed_and_run_again(cast):
    migration = importlib.import_module("haven.meldcode.migrations.0002_encryption_at_rest")
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    _the_whole_route(cast)
    encrypted = _raw_values()
    migration.encrypt_existing(django_apps, editor)  # already encrypted: left alone
    assert _raw_values() == encrypted
    migration.decrypt_existing(django_apps, editor)  # reversing writes the plain text back
    plain = _raw_values()
    assert plain["meldcode.report.household"] == [t("household")]
    assert all(not v.startswith("enc1:") for values in plain.values() for v in values)
    migration.encrypt_existing(django_apps, editor)
    again = _raw_values()
    assert all(v.startswith("enc1:dev:") for values in again.values() for v in values if v)
    assert Report.objects.get().household == t("household")


def test_the_field_keeps_plain_text_on_the_instance():
    field = Signal._meta.get_field("facts")
    assert isinstance(field, EncryptedTextField)
    assert field.identity == "meldcode.signal.facts"
    assert Consultation._meta.get_field("consulted_name").formfield().max_length == 200


def test_manage_check_reports_a_malformed_key_ring(settings):
    settings.HAVEN_ENCRYPTION_KEYS = "no-key-here"
    errors = check_encryption_keys()
    assert [e.id for e in errors] == ["haven.encryption.E001"]
    settings.HAVEN_ENCRYPTION_KEYS = NEW
    assert check_encryption_keys() == []
