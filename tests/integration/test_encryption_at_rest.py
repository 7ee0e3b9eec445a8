"""Encryption at rest: what the route says about a child is unreadable in the database itself.

Reads as the specification. Everything a person writes in the logbook and the dossier (signals,
corrections, consultations, conversations, skipped steps, weighing, decisions, the report,
closing and reopening) or about an advice request without a dossier, and every code or answer
that says what happened (the signal's categories, the answers to the framework's questions, the
decision, the step at closing, the Veilig Thuis reference and outcome, household members' names,
the pupil's address, the report's contact details (reporter, school, pupil, parents),
what a handover or an access export says about the parents) is stored as `enc2:<keyid>:...`,
bound to its column and its row: a raw SELECT of those columns, which is what a database dump
holds, shows none of it, while the application shows the plain values. A value moved to another
column or another row fails instead of showing up there.
Rotating the key re-encrypts every value under the new key, is idempotent and is audited. The
migrations encrypt what was stored before them.
"""

import base64
import importlib
from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from haven.api import services as api_services
from haven.audit.models import AuditEvent
from haven.disclosure.models import Disclosure
from haven.external_signals import services as external_intake
from haven.followup.models import EvaluationMoment
from haven.handover import services as handover_services
from haven.handover.models import HandoverImport
from haven.infrastructure.encryption import DecryptionError, EncryptedTextField, Sealed, check_encryption_keys, encrypt
from haven.infrastructure.management.commands.rotate_encryption_key import encrypted_fields
from haven.infrastructure.prepared import PreparedQuery
from haven.meldcode import advice, services
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    Closure,
    Consultation,
    Decision,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.pupils import services as pupil_services
from haven.pupils.administration import samples as pupil_samples
from haven.pupils.administration import sync as pupil_import
from haven.pupils.models import HouseholdMember, Pupil
from tests.builders import fill_followup, fill_handover, fill_signalling
from tests.factories import PupilFactory

WORD = "Zeppelinvogel"  # a word that appears in every text we write, and nowhere else
VT_REFERENCE = "VT-ZEPPELIN-0001"

ENCRYPTED = {
    "meldcode.plannedconversation": {"location"},
    "meldcode.signal": {
        "categories",
        "facts",
        "child_words",
        "interpretation",
        "context",
        "contradicting_info",
        "noted_reason",
    },
    "meldcode.signalamendment": {"reason", "facts", "child_words", "interpretation", "context", "contradicting_info"},
    "meldcode.consultation": {"consulted_name", "question", "advice", "agreed_actions"},
    "meldcode.conversation": {"participants_detail", "location", "shared", "reaction", "agreements"},
    "meldcode.stepskip": {"reason", "explanation"},
    "meldcode.weighing": {
        "suspicion",
        "suspicion_explanation",
        "unsafety",
        "unsafety_explanation",
        "risk_factors",
        "protective_factors",
        "safety_score_parents",
        "safety_score_pupil",
    },
    "meldcode.decision": {
        "suspicion",
        "unsafety",
        "can_help",
        "accepted",
        "effective",
        "advice",
        "outcome",
        "rationale",
        "deviation_justification",
    },
    "meldcode.report": {
        "reporter_name",
        "reporter_function",
        "reporter_phone",
        "reporter_email",
        "school_name",
        "school_address",
        "pupil_address",
        "household_contacts",
        "household_contacts_unknown",
        "conversation",
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
        "not_informed_reason",
        "not_informed_explanation",
        "vt_reference",
    },
    "meldcode.closure": {"reason", "explanation", "reopen_reason", "step_at_closing"},
    "meldcode.advicerequest": {"question", "advice"},
    "followup.reportfollowup": {
        "feedback_agreed_how",
        "lead",
        "lead_contact_name",
        "lead_contact_details",
        "outcome",
        "follow_up_started",
        "school_expectations",
    },
    "followup.helpplan": {"description", "provided_by", "parents_agreement"},
    "followup.evaluationmoment": {"effective", "explanation"},
    "pupils.pupil": {"address"},
    "pupils.householdmember": {"name"},
    "pupils.pupilimport": {"content"},
    "handover.handoverpackage": {"parents_informed_how", "not_informed_reason"},
    "handover.handoverimport": {"parents_informed_how", "not_informed_reason"},
    "handover.pendingimport": {"content"},
    "handover.transfer": {"refusal_reason"},
    "external_signals.policenoticeintake": {"first_name", "last_name", "date_of_birth"},
    "disclosure.disclosure": {"withheld", "reporter_reason"},
}
# The report's narrative fields (the route fills each with its own text).
REPORT_TEXTS = ENCRYPTED["meldcode.report"] - {"not_informed_reason", "vt_reference", "household_contacts_unknown"}
# Blank in this route by its nature: the parents were informed about the report.
LEFT_BLANK = {"meldcode.report.not_informed_reason"}


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
        safety_score_parents=6,
        safety_score_pupil=4,
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
        **{name: t(name) for name in REPORT_TEXTS},
        household_contacts_unknown=False,
        parents_informed=True,
    )
    services.mark_report_made(af, report, made_on=today, made_by=cast.af, vt_reference=VT_REFERENCE)
    services.close_case(af, case, reason="taken_over", explanation=t("closed"))
    services.reopen_case(af, case, reason=t("reopened"))
    advice.record_advice_request(
        af, held_on=today, anonymous=False, question=t("advice asked"), advice=t("advice given"), pupil=cast.pupil
    )
    pupil_services.add_household_member(
        cast.actor("admin"), cast.pupil, name=t("household member"), relation="mother", lives_with_pupil=True
    )
    pupil = cast.pupil
    pupil_services.save_pupil(
        cast.actor("admin"),
        pupil=pupil,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        date_of_birth=pupil.date_of_birth,
        address=t("address"),
    )
    to = {"parts": ["signals"], "receiving_school_brin": "34CD"}
    handover_services.make_package(af, case, **to, parents_informed=True, parents_informed_how=t("handover informed"))
    handover_services.make_package(
        af, case, **to, parents_informed=False, not_informed_reason=t("handover not informed")
    )
    # Sent in Haven to school B, whose AF refuses it with a reason.
    transfer = handover_services.send_transfer(
        af, case, receiving_school=cast.school_b, parts=["signals"], parents_informed=True, parents_informed_how="x"
    )
    handover_services.refuse_transfer(cast.actor("af_b"), transfer, reason=t("transfer refused"))
    # Written as the import and the access export write them (their services need a signed package
    # and a reviewed page): what is stored is the same.
    HandoverImport.objects.create(
        school=cast.school_a,
        case=cast.case(author="teacher", by="af", pupil=cast.sibling),
        imported_by=cast.af,
        sending_school_name="OBS Elders",
        sending_school_brin="99ZZ",
        handed_over_on=today,
        package_created_at=timezone.now(),
        parents_informed=False,
        parents_informed_how=t("import informed"),
        not_informed_reason=t("import not informed"),
    )
    Disclosure.objects.create(
        school=cast.school_a,
        pupil=cast.pupil,
        made_by=cast.af,
        items=["signal-1"],
        withheld={"signal-1": t("withheld")},
        reporter_identity_withheld=True,
        reporter_reason=t("reporter"),
    )
    # An upload of the school's administration, waiting for its dry run: names and dates of birth.
    pupil_import.upload(
        cast.actor("admin"), cast.school_a, pupil_samples.edexml(2, brin=cast.school_a.brin_code), "school.xml"
    )
    # A Handle with Care notice through the API about no pupil of the school: it waits, with its names.
    key = api_services.create_key(cast.actor("region"), name="Politie", scopes=["intake"]).key
    external_intake.receive_police_notice(
        sender="region:0",
        sender_notice_id="N-1",
        school=cast.school_a,
        first_name=t("first name"),
        last_name=t("last name"),
        date_of_birth=date(2016, 5, 4),
        notice_date=timezone.localdate(),
        author=key.account,
        via={"api_key": key.pk},
    )
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


def test_the_fields_that_say_what_happened_are_the_encrypted_ones():
    found = {model._meta.label_lower: {f.name for f in fields} for model, fields in encrypted_fields().items()}
    assert found == ENCRYPTED
    assert sum(len(names) for names in found.values()) == 99


def test_a_database_dump_holds_nothing_of_it(cast):
    _the_whole_route(cast)
    fill_followup(cast, t)
    fill_signalling(cast, t)
    fill_handover(cast, t)
    raw = _raw_values()
    assert set(raw) == {f"{model}.{name}" for model, names in ENCRYPTED.items() for name in names}
    for column, values in raw.items():
        stored = [v for v in values if v]
        assert stored or column in LEFT_BLANK, f"{column} was not filled by the route"
        for value in stored:
            assert value.startswith("enc2:dev:"), column
            assert WORD not in value, column
            assert "thuis" not in value, column
    everything = "\n".join(v for values in raw.values() for v in values if v)
    for plain in (VT_REFERENCE, "physical_neglect", "report", "confirmed", "local_team", "true", "false"):
        assert plain not in everything


def test_the_application_reads_the_plain_values(cast):
    signal, case = _the_whole_route(cast)
    signal.refresh_from_db()
    assert signal.facts == t("facts")
    assert signal.categories == ["physical_neglect"]
    assert services.current_text(signal)["facts"] == t("facts, corrected")
    assert Consultation.objects.get(case=case).consulted_name == t("name")
    report = Report.objects.get(case=case)
    assert report.household == t("household")
    assert report.vt_reference == VT_REFERENCE
    weighing = Weighing.objects.get(case=case)
    assert (weighing.suspicion, weighing.unsafety, weighing.safety_score_parents, weighing.safety_score_pupil) == (
        True,
        True,
        6,
        4,
    )
    decision = Decision.objects.get(case=case)
    assert (decision.suspicion, decision.unsafety, decision.can_help, decision.accepted, decision.effective) == (
        True,
        True,
        None,
        None,
        None,
    )
    assert (decision.outcome, decision.get_outcome_display()) == ("report", "Melden bij Veilig Thuis")
    assert StepSkip.objects.get(case=case).get_reason_display() == "De veiligheid van het kind"
    assert HouseholdMember.objects.get(pupil=cast.pupil).name == t("household member")
    assert Pupil.objects.get(pk=cast.pupil.pk).address == t("address")
    assert (report.pupil_address, report.household_contacts_unknown) == (t("pupil_address"), False)
    assert Disclosure.objects.get().withheld == {"signal-1": t("withheld")}
    assert Closure.objects.get(case=case).step_at_closing == 5
    assert (AdviceRequest.objects.get().question, AdviceRequest.objects.get().advice) == (
        t("advice asked"),
        t("advice given"),
    )
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
        assert "enc2:" not in content and "enc1:" not in content, name
    assert t("facts, corrected") in pages["signal"].content.decode()
    assert t("question") in pages["dossier"].content.decode()
    assert t("household") in pages["report"].content.decode()
    assert VT_REFERENCE in pages["dossier"].content.decode()


def test_a_blank_field_stays_empty_and_can_still_be_filtered_on(cast):
    signal = cast.signal("teacher")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT child_words FROM {Signal._meta.db_table} WHERE id = %s", [signal.pk])
        assert cursor.fetchone() == ("",)
    assert Signal.objects.filter(child_words="").get() == signal
    assert not Signal.objects.exclude(child_words="").exists()
    assert not Signal.objects.filter(facts="").exists()


@pytest.mark.parametrize(
    "lookup",
    [
        {"facts": "Komt zonder jas"},
        {"facts__icontains": "jas"},
        {"facts__in": ["x"]},
        {"categories": ["neglect"]},
        {"categories__contains": "neglect"},
        {"decisions__outcome": "report"},
        {"case__weighings__suspicion": True},
        {"case__weighings__suspicion__isnull": True},
    ],
)
def test_searching_encrypted_values_in_the_database_fails_loudly(cast, lookup):
    # Each encryption differs, so the database cannot compare the values: an error, not an empty answer.
    model = Case if "decisions__outcome" in lookup else Signal
    with pytest.raises(FieldError):
        list(model.objects.filter(**lookup))


def test_values_and_values_list_give_sealed_values_that_cannot_pass_for_plain_ones(cast):
    signal = cast.signal("teacher", facts=t("facts"))
    (sealed,) = Signal.objects.values_list("facts", flat=True)
    assert isinstance(sealed, Sealed)
    assert sealed.raw.startswith("enc2:") and WORD not in repr(sealed)
    with pytest.raises(TypeError, match="meldcode.signal.facts is encrypted with its row"):
        str(sealed)
    with pytest.raises(TypeError):
        bool(Signal.objects.values("categories").get()["categories"])
    # The instance holds the plain values.
    assert Signal.objects.only("facts").get(pk=signal.pk).facts == t("facts")


def test_update_bulk_update_and_bulk_create_without_keys_refuse_encrypted_columns(cast):
    signal = cast.signal("teacher")
    with pytest.raises(FieldError, match="by saving the instance"), transaction.atomic():
        Signal.objects.filter(pk=signal.pk).update(facts="overschreven")
    with pytest.raises(FieldError, match="by saving the instance"), transaction.atomic():
        Signal.objects.filter(pk=signal.pk).update(categories=["neglect"])
    signal.categories = ["neglect"]
    with pytest.raises(FieldError, match="by saving the instance"), transaction.atomic():
        Signal.objects.bulk_update([signal], ["categories"])
    with pytest.raises(FieldError, match="bulk_create needs the primary keys"), transaction.atomic():
        HouseholdMember.objects.bulk_create([HouseholdMember(pupil=cast.pupil, name="Anna", relation="mother")])
    assert not HouseholdMember.objects.exists()
    # Nothing changed; `= ""` on text (nothing to encrypt) still works.
    signal.refresh_from_db()
    assert signal.categories != ["neglect"] and signal.facts != "overschreven"
    assert Signal.objects.filter(pk=signal.pk).update(child_words="") == 1


def test_bulk_create_with_keys_and_save_with_update_fields_seal_for_the_row(cast):
    (member,) = HouseholdMember.objects.bulk_create(
        [HouseholdMember(pk=4242, pupil=cast.pupil, name=t("name"), relation="mother")]
    )
    assert HouseholdMember.objects.get(pk=4242).name == t("name")
    member.name = t("renamed")
    member.save(update_fields=["name"])
    assert HouseholdMember.objects.get(pk=4242).name == t("renamed")


def test_an_insert_is_one_insert_and_one_update_in_one_transaction(cast, django_assert_num_queries):
    with django_assert_num_queries(2) as captured:  # within the test's transaction: no savepoint
        member = HouseholdMember.objects.create(pupil=cast.pupil, name=t("name"), relation="mother")
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("INSERT") == 1 and statements.count("UPDATE") == 1
    assert _raw(HouseholdMember, "name", member.pk).startswith("enc2:dev:")


def test_prepared_queries_and_select_related_open_the_values(cast):
    fill_followup(cast, t)
    moment = EvaluationMoment.objects.get()
    query = PreparedQuery(lambda pk: EvaluationMoment.objects.filter(pk=pk).select_related("plan"))
    (loaded,) = query(moment.pk)
    assert loaded.effective is True
    assert loaded.explanation == t("explanation")
    assert loaded.plan.description == t("help")


# --- Bound to column and row: a value moved elsewhere fails ----------------------------------


def _raw(model, name, pk):
    column = model._meta.get_field(name).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _put(model, name, pk, value):
    column = model._meta.get_field(name).column
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk])


def _two(cast, kind):
    """Two rows of the same model with a value in `field` and `other` (another column of that type)."""
    if kind in ("text", "json"):
        a = cast.signal("teacher", interpretation=t("a"), categories=["physical_abuse"])
        b = cast.signal("teacher", interpretation=t("b"), categories=["sexual_abuse"])
        field, other = ("facts", "interpretation") if kind == "text" else ("categories", "facts")
        return Signal, a.pk, b.pk, field, other
    cases = [cast.case(author="teacher", by="af", pupil=PupilFactory(school=cast.school_a)) for _ in range(2)]
    af = cast.actor("af")
    if kind == "integer":
        rows = [
            services.record_weighing(
                af,
                case,
                suspicion=True,
                suspicion_explanation=t("q1"),
                unsafety=False,
                safety_score_parents=3,
                safety_score_pupil=8,
            )
            for case in cases
        ]
        return Weighing, rows[0].pk, rows[1].pk, "safety_score_parents", "safety_score_pupil"
    answers = {"suspicion": True, "unsafety": False, "can_help": True, "accepted": False, "effective": None}
    rows = [
        services.decide(
            af,
            case,
            answers=answers,
            outcome=outcome,
            rationale=t("why"),
            decided_by=cast.af,
            deviation_justification=t("deviation"),
        )
        for case, outcome in zip(cases, ("help", "close"), strict=True)
    ]
    field, other = ("can_help", "accepted") if kind == "boolean" else ("outcome", "advice")
    return Decision, rows[0].pk, rows[1].pk, field, other


@pytest.mark.parametrize("kind", ["text", "json", "integer", "boolean", "choice"])
def test_a_value_copied_into_another_row_or_column_does_not_decrypt(cast, kind):
    model, a, b, field, other = _two(cast, kind)
    value = _raw(model, field, a)
    assert value.startswith("enc2:")
    _put(model, field, b, value)  # into another row, same column
    with pytest.raises(DecryptionError, match=f"{model._meta.label_lower}.{field}: row {b}|failed authentication"):
        model.objects.get(pk=b)
    _put(model, other, a, value)  # into another column, same row
    with pytest.raises(DecryptionError, match="failed authentication"):
        model.objects.get(pk=a)


def test_a_value_of_the_old_format_is_refused_by_the_fields(cast):
    # Bound to the column only (enc1, before the row binding): any row could have held it.
    signal = cast.signal("teacher")
    _put(Signal, "facts", signal.pk, encrypt(t("facts"), "meldcode.signal.facts"))
    with pytest.raises(DecryptionError, match="does not hold a row-bound encrypted value"):
        Signal.objects.get(pk=signal.pk)


def test_a_changed_value_is_refused(cast):
    signal = cast.signal("teacher")
    stored = _raw(Signal, "facts", signal.pk)
    _put(Signal, "facts", signal.pk, stored[:-2] + ("AA" if stored[-2:] != "AA" else "BB"))
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
    fill_followup(cast, t)
    fill_signalling(cast, t)
    per_model = {}
    for column, values in _raw_values().items():
        model = column.rsplit(".", 1)[0]
        per_model[model] = per_model.get(model, 0) + sum(1 for v in values if v)
        assert all(v.startswith("enc2:old:") for v in values if v)
    filled = sum(per_model.values())
    assert set(per_model) == set(ENCRYPTED)

    settings.HAVEN_ENCRYPTION_KEYS = f"{NEW},{OLD}"  # the new key prepended: it encrypts, old still decrypts
    output = _rotate()
    for model, count in per_model.items():
        assert f"{model}: {count}\n" in output
    assert f"Re-encrypted {filled} values under key 'new'." in output
    assert all(v.startswith("enc2:new:") for values in _raw_values().values() for v in values if v)
    event = AuditEvent.objects.get(action="encryption.rotate")
    assert event.detail["total"] == filled
    assert event.detail["active_key"] == "new"
    assert event.detail["counts"] == per_model

    settings.HAVEN_ENCRYPTION_KEYS = NEW  # the old key dropped: everything still reads
    signal.refresh_from_db()
    assert signal.facts == t("facts")
    assert signal.categories == ["physical_neglect"]
    assert Report.objects.get(case=case).household == t("household")
    assert Decision.objects.get(case=case).outcome == "report"
    assert HouseholdMember.objects.get(pupil=cast.pupil).name == t("household member")
    output = _rotate()
    assert "Re-encrypted 0 values" in output
    assert AuditEvent.objects.filter(action="encryption.rotate").count() == 2


def test_without_the_old_key_old_values_cannot_be_read(cast, settings):
    settings.HAVEN_ENCRYPTION_KEYS = OLD
    signal = cast.signal("teacher")
    settings.HAVEN_ENCRYPTION_KEYS = NEW
    with pytest.raises(DecryptionError, match="Unknown encryption key id 'old'"):
        Signal.objects.get(pk=signal.pk)


# --- The migrations encrypt what was stored before them -----------------------------------------

BEFORE, AFTER = ("meldcode", "0001_initial"), ("meldcode", "0002_encryption_at_rest")


@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_existing_rows(cast):
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
            categories=["sexual_abuse"],
            facts=t("facts"),
            child_words="",
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])  # the narrative, bound to its column (enc1)
        assert _raw(Signal, "facts", old_signal.pk).startswith("enc1:dev:")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    raw = _raw_values()
    assert len(raw["meldcode.signal.facts"]) == 1
    assert raw["meldcode.signal.facts"][0].startswith("enc2:dev:")
    assert raw["meldcode.signal.categories"][0].startswith("enc2:dev:")
    assert WORD not in raw["meldcode.signal.facts"][0]
    assert raw["meldcode.signal.child_words"] == [""]
    loaded = Signal.objects.get(pk=old_signal.pk)
    assert (loaded.facts, loaded.categories) == (t("facts"), ["sexual_abuse"])


def test_the_migrations_can_be_reversed_and_run_again(cast):
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    signal, case = _the_whole_route(cast)
    fill_followup(cast, t)
    fill_signalling(cast, t)
    sealed = _raw_values()
    migrations = [_row_binding(app, module) for app, module in MIGRATIONS.items()]
    for migration in migrations:
        migration.seal(editor)  # already row-bound: left alone
    assert _raw_values() == sealed
    for migration in migrations:
        migration.unseal(editor)  # reversing writes the values back as before
    before = _raw_values()
    assert VT_REFERENCE in before["meldcode.report.vt_reference"]
    assert '["physical_neglect"]' in before["meldcode.signal.categories"]
    assert None in before["meldcode.decision.can_help"]
    assert set(before["meldcode.decision.suspicion"]) == {"1"}
    assert before["meldcode.report.household"][0].startswith("enc1:dev:")  # bound to the column, as since 0002
    assert before["pupils.householdmember.name"] == [t("household member")]
    for migration in migrations:
        migration.seal(editor)
    again = _raw_values()
    assert all(v.startswith("enc2:dev:") for values in again.values() for v in values if v)
    assert Report.objects.get(case=case).household == t("household")
    assert Decision.objects.get(case=case).can_help is None
    assert Signal.objects.get(pk=signal.pk).categories == ["physical_neglect"]


MIGRATIONS = {
    "meldcode": "0004_row_bound_encryption",
    "pupils": "0003_row_bound_encryption",
    "handover": "0002_row_bound_encryption",
    "followup": "0003_row_bound_encryption",
    "signalling": "0002_row_bound_encryption",
    "disclosure": "0002_row_bound_encryption",
}
# The models of `signalling` moved (planned conversations to meldcode, in meldcode/0008, which binds
# their values to the new app label): its migration runs on the state before the move, and reversing
# goes back through that rebinding first, as `migrate` does.
MOVED = {"signalling": ("meldcode", "0008_plannedconversation")}


def _row_binding(app, module):
    """The row-binding migration `module` of `app`, as `seal(editor)` and `unseal(editor)`."""
    migration = importlib.import_module(f"haven.{app}.migrations.{module}")
    if app not in MOVED:
        return SimpleNamespace(
            seal=lambda editor: migration.seal(django_apps, editor),
            unseal=lambda editor: migration.unseal(django_apps, editor),
        )
    moved_app, moved_in = MOVED[app]
    move = importlib.import_module(f"haven.{moved_app}.migrations.{moved_in}")
    state = MigrationExecutor(connection).loader.project_state((moved_app, moved_in)).apps

    def seal(editor):
        migration.seal(state, editor)
        move.rebind(state, editor)

    def unseal(editor):
        move.unbind(state, editor)
        migration.unseal(state, editor)

    return SimpleNamespace(seal=seal, unseal=unseal)


def test_the_field_keeps_plain_values_on_the_instance():
    field = Signal._meta.get_field("facts")
    assert isinstance(field, EncryptedTextField)
    assert field.identity == "meldcode.signal.facts"
    assert Consultation._meta.get_field("consulted_name").formfield().max_length == 200
    # Forms keep their kind of field: choices, yes/no/unknown.
    assert [c for c, _label in Report._meta.get_field("not_informed_reason").formfield().choices][1:] == [
        "child_safety",
        "reporter_safety",
        "relationship",
    ]
    assert type(Decision._meta.get_field("can_help").formfield()).__name__ == "NullBooleanField"


def test_manage_check_reports_a_malformed_key_ring(settings):
    settings.HAVEN_ENCRYPTION_KEYS = "no-key-here"
    errors = check_encryption_keys()
    assert [e.id for e in errors] == ["haven.encryption.E001"]
    settings.HAVEN_ENCRYPTION_KEYS = NEW
    assert check_encryption_keys() == []
