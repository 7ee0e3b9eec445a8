"""The audit log is a hash chain that `verify_audit` checks, and it outlives what it describes.

Every event has a place (`sequence` 1, 2, 3, ...), the hash of the event before it (`prev_hash`,
64 zeros for the first) and its own hash, sha256(prev_hash + canonical content). Tampering is
done here with raw SQL, past the model (which refuses updates and deletes) and, on PostgreSQL,
past the append-only trigger (disabled first, as the table's owner could): the chain must show
it, naming the event and what is wrong.
"""

import hashlib
import importlib
import json
import os
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given
from hypothesis import strategies as st

from haven.access.policy import Actor
from haven.audit import chain
from haven.audit.context import RequestOrigin, current_origin
from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.services import AuditChainBroken, record_event
from haven.audit.verification import ranges, verify_chain
from tests.factories import PupilFactory, UserFactory

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
TABLE = AuditEvent._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    """`postgresql` tests skip on SQLite and never skip on the PostgreSQL run (see test_database.py)."""
    if request.node.get_closest_marker("postgresql") is None or ON_POSTGRESQL:
        return
    if os.environ.get("HAVEN_DATABASE_URL"):
        pytest.fail("a `postgresql` test in a run with HAVEN_DATABASE_URL that is not on PostgreSQL", pytrace=False)
    pytest.skip("needs PostgreSQL: runs in the PostgreSQL run of `make test` (scripts/with-postgres.sh)")


def tamper(sql, params=()):
    """Raw SQL on the audit tables, as someone with database access would do it."""
    with connection.cursor() as cursor:
        if ON_POSTGRESQL:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if ON_POSTGRESQL:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def verify_fails(*fragments):
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def ids():
    """sequence -> id of every event."""
    return dict(AuditEvent.objects.order_by("sequence").values_list("sequence", "pk"))


@pytest.fixture
def log(cast):
    """Twelve events: a dossier opened through the services, then reads, a denial and a change."""
    case = cast.case()  # signal.log, case.open
    af, teacher2 = cast.actor("af"), cast.actor("teacher2")
    token = current_origin.set(RequestOrigin(address="192.0.2.7", session_key="s" * 32))
    try:
        for n in range(9):
            record_event(af, "case.view", kind=AuditEvent.Kind.READ, obj=case, case=case, detail={"n": n})
        record_event(teacher2, "case.view", kind="read", case=case, outcome=AuditEvent.Outcome.DENIED)
    finally:
        current_origin.reset(token)
    assert AuditEvent.objects.count() == 12
    return case


# The chain as written. ----------------------------------------------------------------------------


def test_events_are_numbered_without_gaps_and_linked(log):
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, 13))
    assert events[0].prev_hash == "0" * 64
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (12, events[-1].hash)


def test_the_hash_is_sha256_of_prev_hash_and_the_compact_sorted_json_of_every_stored_field(log):
    """The format, computed here independently of haven.audit.chain."""
    event = AuditEvent.objects.get(sequence=5)
    content = {
        "sequence": 5,
        "prev_hash": AuditEvent.objects.get(sequence=4).hash,
        "at": event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        "actor_id": event.actor_id,
        "role": "safeguarding_lead",
        "school_id": log.school_id,
        "pupil_id": log.pupil_id,
        "case_id": log.pk,
        "kind": "read",
        "action": "case.view",
        "object_type": "case",
        "object_id": log.pk,
        "outcome": "allowed",
        "detail": {"n": 2},
        "source_address": "192.0.2.7",
        "session_key": "s" * 32,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event.hash == hashlib.sha256((content["prev_hash"] + text).encode()).hexdigest()
    assert len(event.hash) == 64 and int(event.hash, 16) >= 0


def test_a_rolled_back_change_leaves_no_gap(log, cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(cast.actor("af"), "case.close", case=log)
        raise RuntimeError("the change fails after its event was written")
    event = record_event(cast.actor("af"), "case.view", kind="read", case=log)
    assert event.sequence == 13
    call_command("verify_audit")


def test_record_event_keeps_the_address_as_the_database_returns_it(cast):
    for given_address, stored in [("2001:DB8:0:0::1", "2001:db8::1"), ("not an address", None), ("", None)]:
        token = current_origin.set(RequestOrigin(address=given_address))
        try:
            event = record_event(cast.actor("af"), "case.view", kind="read")
        finally:
            current_origin.reset(token)
        event = AuditEvent.objects.get(pk=event.pk)
        assert event.source_address == stored
    call_command("verify_audit")


def test_detail_is_hashed_as_it_is_stored(cast):
    record_event(cast.actor("af"), "case.add_member", detail={"member": "Zoë ’t Hart", "ids": (1, 2), 3: "x"})
    event = AuditEvent.objects.get()
    assert event.detail == {"member": "Zoë ’t Hart", "ids": [1, 2], "3": "x"}
    call_command("verify_audit")


def test_the_model_and_queryset_still_refuse_changes(log):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_an_event_cannot_be_written_outside_the_chain(cast):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.create(at=datetime.now(UTC), kind="read", action="case.view")


def test_without_its_head_the_chain_refuses_to_grow(log, cast):
    tamper(f"DELETE FROM {HEAD_TABLE}")
    with pytest.raises(AuditChainBroken), transaction.atomic():
        record_event(cast.actor("af"), "case.view", kind="read")
    verify_fails("chain head is missing")


def test_the_first_event_creates_the_head(db):
    AuditChainHead.objects.all().delete()
    event = record_event(Actor(user_id=UserFactory().pk), "staff.update")
    assert (event.sequence, event.prev_hash) == (1, "0" * 64)
    assert AuditChainHead.objects.get().last_hash == event.hash


# The log outlives what it describes. ------------------------------------------------------------


def test_the_references_constrain_nothing(db):
    for name in ("actor", "school", "pupil", "case"):
        field = AuditEvent._meta.get_field(name)
        assert field.db_constraint is False and field.null, name
        assert field.remote_field.on_delete.__name__ == "DO_NOTHING", name
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    assert [name for name, c in constraints.items() if c["foreign_key"]] == []


def test_events_stay_when_the_person_and_pupil_they_name_are_removed(cast):
    user, pupil = UserFactory(), PupilFactory(school=cast.school_a)
    record_event(Actor(user_id=user.pk, school_id=cast.school_a.pk), "pupil.save", obj=pupil, pupil=pupil)
    user_id, pupil_id = user.pk, pupil.pk
    user.delete()
    pupil.delete()
    event = AuditEvent.objects.select_related("actor").get()
    assert (event.actor_id, event.pupil_id, event.actor) == (user_id, pupil_id, None)
    call_command("verify_audit")


# verify_audit. ----------------------------------------------------------------------------------


def test_verify_an_intact_chain(log, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert out.startswith("verified 12 events\n")
    assert AuditChainHead.objects.get().last_hash in out


def test_verify_an_empty_log(db, capsys):
    call_command("verify_audit")
    assert capsys.readouterr().out == "verified 0 events\n"


def test_a_changed_row_is_named(log):
    pk = ids()[4]
    tamper(f"UPDATE {TABLE} SET action = %s WHERE sequence = 4", ["case.close"])
    verify_fails(f"event 4 (id {pk})", "does not match its hash", "altered")


def test_a_changed_time_is_named(log):
    pk = ids()[7]
    event = AuditEvent.objects.get(pk=pk)
    earlier = event.at - timedelta(days=3)
    tamper(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [connection.ops.adapt_datetimefield_value(earlier), pk])
    verify_fails(f"event 7 (id {pk})", "altered")


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link(log):
    """Who knows the format can rehash the row they change; the next event still points at the old hash."""
    rows = ids()
    values = dict(
        zip(chain.FIELDS, AuditEvent.objects.filter(sequence=6).values_list(*chain.FIELDS).get(), strict=True)
    )
    values["outcome"] = "denied"
    tamper(
        f"UPDATE {TABLE} SET outcome = %s, hash = %s WHERE sequence = 6",
        ["denied", chain.event_hash(values)],
    )
    verify_fails(f"event 7 (id {rows[7]})", f"prev_hash does not match the hash of event 6 (id {rows[6]})")


def test_a_removed_row_is_named(log):
    rows = ids()
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 5")
    verify_fails(f"event 6 (id {rows[6]})", "jumps from 4 to 6", "event 5 missing")


def test_removed_rows_are_named(log):
    rows = ids()
    tamper(f"DELETE FROM {TABLE} WHERE sequence BETWEEN 3 AND 8")
    verify_fails(f"event 9 (id {rows[9]})", "events 3 to 8 missing")


def test_a_removed_first_row_is_named(log):
    rows = ids()
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 1")
    verify_fails(f"event 2 (id {rows[2]})", "event 1 missing")


def test_a_removed_last_row_is_named(log):
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 12")
    verify_fails("chain head names event 12, but the log ends at 11", "event 12 missing")


def _forge(sequence, prev_hash, like):
    """Insert a forged event at `sequence`, a copy of event `like` with a correct hash of its own."""
    values = dict(
        zip(chain.FIELDS, AuditEvent.objects.filter(sequence=like).values_list(*chain.FIELDS).get(), strict=True)
    )
    values.update(sequence=sequence, prev_hash=prev_hash, action="case.close")
    columns = [name for name in chain.FIELDS if name not in ("sequence", "prev_hash", "action")]
    tamper(
        f"INSERT INTO {TABLE} (sequence, prev_hash, action, hash, {', '.join(columns)}) "
        f"SELECT %s, %s, %s, %s, {', '.join(columns)} FROM {TABLE} WHERE sequence = %s",
        [sequence, prev_hash, "case.close", chain.event_hash(values), like],
    )
    return AuditEvent.objects.get(sequence=sequence).pk


def test_a_forged_row_in_the_middle_is_named(log):
    """Event 5 replaced by a forgery that links correctly to event 4: event 6 no longer links."""
    rows = ids()
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 5")
    forged = _forge(5, AuditEvent.objects.get(sequence=4).hash, like=4)
    verify_fails(f"event 6 (id {rows[6]})", f"prev_hash does not match the hash of event 5 (id {forged})")


def test_two_rows_swapped_are_named(log):
    rows = ids()
    tamper(f"UPDATE {TABLE} SET sequence = 1000 WHERE sequence = 3")
    tamper(f"UPDATE {TABLE} SET sequence = 3 WHERE sequence = 4")
    tamper(f"UPDATE {TABLE} SET sequence = 4 WHERE sequence = 1000")
    verify_fails(f"event 3 (id {rows[4]})", "prev_hash does not match the hash of event 2")


def test_a_forged_row_after_the_head_is_named(log):
    forged = _forge(13, AuditEvent.objects.get(sequence=12).hash, like=12)
    verify_fails(f"event 13 (id {forged})", "beyond the chain head")


def test_a_changed_head_is_named(log):
    rows = ids()
    tamper(f"UPDATE {HEAD_TABLE} SET last_hash = %s", ["f" * 64])
    verify_fails(f"chain head's hash does not match event 12 (id {rows[12]})")


def test_a_head_moved_back_is_named(log):
    tamper(f"UPDATE {HEAD_TABLE} SET last_sequence = 10, last_hash = %s", [AuditEvent.objects.get(sequence=10).hash])
    verify_fails("event 11", "beyond the chain head (event 10)")


# The same verdict however the log is cut into ranges for parallel verification. ------------------


def test_ranges_cover_the_chain_once():
    assert ranges(12, 3) == [(None, 4), (5, 8), (9, 12)]
    assert ranges(2, 8) == [(None, 1), (2, 2)]
    for count in range(1, 40):
        for parts in range(1, 6):
            covered = [n for low, high in ranges(count, parts) for n in range(low or 1, high + 1)]
            assert covered == list(range(1, count + 1))


def _verdict(parts):
    try:
        return verify_chain(workers=1, parts=parts).count
    except chain.ChainError as error:
        return str(error)


TAMPERINGS = {
    "intact": [],
    "last of a range changed": [f"UPDATE {TABLE} SET kind = 'change' WHERE sequence = 4"],
    "first of a range removed": [f"DELETE FROM {TABLE} WHERE sequence = 5"],
    "last of a range removed": [f"DELETE FROM {TABLE} WHERE sequence = 4"],
    "a whole range removed": [f"DELETE FROM {TABLE} WHERE sequence BETWEEN 5 AND 8"],
    "two problems, the first counts": [
        f"UPDATE {TABLE} SET role = 'teacher' WHERE sequence = 10",
        f"DELETE FROM {TABLE} WHERE sequence = 6",
    ],
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_the_verdict_does_not_depend_on_the_ranges(log, tampering):
    for sql in TAMPERINGS[tampering]:
        tamper(sql)
    verdicts = {parts: _verdict(parts) for parts in (1, 2, 3, 5, 12)}
    assert len(set(verdicts.values())) == 1, verdicts
    if tampering == "intact":
        assert verdicts[1] == 12
    elif tampering == "two problems, the first counts":
        assert "event 6 missing" in verdicts[1]


# The quick canonical form of the verification equals the reference one. ------------------------

texts = st.text(max_size=12)
ids_or_null = st.none() | st.integers(min_value=1, max_value=2**62)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
) | st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 31), timezones=st.just(timezone(timedelta(hours=2)))
)


@given(
    values=st.fixed_dictionaries(
        {
            "sequence": st.integers(1, 2**62),
            "prev_hash": st.text("0123456789abcdef", min_size=64, max_size=64) | texts,
            "at": instants,
            "actor_id": ids_or_null,
            "role": texts,
            "school_id": ids_or_null,
            "pupil_id": ids_or_null,
            "case_id": ids_or_null,
            "kind": texts,
            "action": texts,
            "object_type": texts,
            "object_id": ids_or_null,
            "outcome": texts,
            "detail": st.dictionaries(texts, json_values, max_size=4),
            "source_address": st.none() | st.ip_addresses().map(str),
            "session_key": texts,
        }
    ),
    naive=st.booleans(),
    detail_as_text=st.booleans(),
)
def test_the_verification_hashes_exactly_like_record_event(values, naive, detail_as_text):
    digest = chain.event_hash(values)
    at = values["at"].astimezone(UTC).replace(tzinfo=None) if naive else values["at"]  # SQLite returns naive UTC
    detail = json.dumps(values["detail"]) if detail_as_text else values["detail"]
    stored = {**values, "at": at, "detail": detail}
    row = (1, digest, *(stored[name] for name in chain.FIELDS))
    assert chain.walk([row]) == chain.Segment(
        first=(values["sequence"], 1, values["prev_hash"]), last=(values["sequence"], 1, digest)
    )
    # And one changed field is a different hash.
    changed = (1, digest, *(stored[name] if name != "role" else stored[name] + "x" for name in chain.FIELDS))
    assert chain.walk([changed]).error is not None


# The migration chains a log written before the chain existed. ----------------------------------


def test_existing_events_are_chained_in_the_order_they_were_written(log):
    rows = ids()
    # Scramble what the chain fields hold, as if they were never filled.
    tamper(f"UPDATE {TABLE} SET sequence = sequence + 1000, prev_hash = '', hash = ''")
    tamper(f"UPDATE {HEAD_TABLE} SET last_sequence = 0, last_hash = %s", [chain.GENESIS])
    state = MigrationExecutor(connection).loader.project_state(("audit", "0002_chain_fields"))
    migration = importlib.import_module("haven.audit.migrations.0003_chain_existing_events")
    with connection.cursor() as cursor:
        if ON_POSTGRESQL:  # in a real migration the trigger (0005) does not exist yet
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        migration.chain_existing(state.apps, None)
        if ON_POSTGRESQL:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
    assert ids() == {n: rows[n] for n in range(1, 13)}
    call_command("verify_audit")


# PostgreSQL: the database itself refuses changes; parallel writers never fork the chain. ----------


@pytest.mark.postgresql
class TestOnPostgreSQL:
    def test_update_delete_and_truncate_are_refused_by_the_database(self, log):
        for sql in (
            f"UPDATE {TABLE} SET action = 'case.close' WHERE sequence = 3",
            f"DELETE FROM {TABLE} WHERE sequence = 3",
            f"TRUNCATE {TABLE}",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
        assert AuditEvent.objects.filter(sequence=3, action="case.view").exists()
        call_command("verify_audit")

    def test_the_trigger_is_installed(self, db):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
                [TABLE],
            )
            assert [row[0] for row in cursor.fetchall()] == ["audit_event_append_only", "audit_event_no_truncate"]

    def test_parallel_writers_make_one_chain(self, transactional_db, allow_flush):
        actors = [Actor(user_id=UserFactory().pk) for _ in range(6)]
        barrier = threading.Barrier(len(actors))
        errors = []

        def write(actor):
            try:
                barrier.wait()
                for n in range(15):
                    with transaction.atomic():
                        record_event(actor, "staff.update", detail={"n": n})
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=write, args=(actor,)) for actor in actors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 91))
        assert verify_chain(workers=1).count == 90
        # The committed log, verified by parallel processes too.
        assert verify_chain(workers=2, parts=4).count == 90


@pytest.fixture
def allow_flush(transactional_db):
    """After a transactional test the database is emptied with TRUNCATE, which the trigger refuses
    unless the session says so (see the 0005 migration)."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET haven.audit_allow_truncate = 'on'")
