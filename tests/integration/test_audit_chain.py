"""The audit log is a hash chain that `verify_audit` checks, and it outlives what it describes.

Every event has a place (`sequence` 1, 2, 3, ...), the hash of the event before it (`prev_hash`,
64 zeros for the first) and its own hash, HMAC-SHA256(audit key, prev_hash + canonical content).
Tampering is done here with raw SQL, past the model (which refuses updates and deletes) and past
the append-only triggers (dropped or disabled first, as the table's owner could): the chain must
show it, naming the event and what is wrong.
"""

import base64
import hashlib
import hmac
import importlib
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

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
from haven.audit.keys import AuditKeyError, check_audit_keys, current_keys
from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.services import AuditChainBroken, record_event
from haven.audit.verification import ranges, verify_chain
from tests.factories import PupilFactory, UserFactory
from tests.support import ON_POSTGRESQL, TABLE, ids, tamper, triggers_off, verify_fails
from tests.system import PRODUCTION, clean_environment

HEAD_TABLE = AuditChainHead._meta.db_table
REKEY = importlib.import_module("haven.audit.migrations.0007_keyed_chain_sealed_detail")


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    """`postgresql` tests skip on SQLite and never skip on the PostgreSQL run (see test_database.py)."""
    if request.node.get_closest_marker("postgresql") is None or ON_POSTGRESQL:
        return
    if os.environ.get("HAVEN_DATABASE_URL"):
        pytest.fail("a `postgresql` test in a run with HAVEN_DATABASE_URL that is not on PostgreSQL", pytrace=False)
    pytest.skip("needs PostgreSQL: runs in the PostgreSQL run of `make test` (scripts/with-postgres.sh)")


def stored(*fields, sequence):
    """The values of one event as the database holds them (the detail as its ciphertext)."""
    return dict(zip(fields, AuditEvent.objects.filter(sequence=sequence).values_list(*fields).get(), strict=True))


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


def test_the_hash_is_an_hmac_with_the_audit_key_of_prev_hash_and_the_compact_sorted_json_of_every_stored_field(log):
    """The format, computed here independently of haven.audit.chain and haven.audit.keys."""
    event = AuditEvent.objects.get(sequence=5)
    sealed = stored("detail", sequence=5)["detail"]
    assert sealed.startswith("enc1:") and event.detail == {"n": 2}
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
        "detail": sealed,
        "source_address": "192.0.2.7",
        "session_key": "s" * 32,
        "key_id": "dev",
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = base64.urlsafe_b64decode(settings.DEV_AUDIT_KEY + "=" * (-len(settings.DEV_AUDIT_KEY) % 4))
    assert event.key_id == "dev"
    assert event.hash == hmac.new(key, (content["prev_hash"] + text).encode(), hashlib.sha256).hexdigest()
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
    """Who knows the format and the key can rehash the row they change; the next event still points at the old hash."""
    rows = ids()
    values = stored(*chain.FIELDS, sequence=6)
    values["outcome"] = "denied"
    tamper(
        f"UPDATE {TABLE} SET outcome = %s, hash = %s WHERE sequence = 6",
        ["denied", chain.event_hash(values, current_keys().active)],
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
    values = stored(*chain.FIELDS, sequence=like)
    values.update(sequence=sequence, prev_hash=prev_hash, action="case.close")
    columns = [name for name in chain.FIELDS if name not in ("sequence", "prev_hash", "action")]
    tamper(
        f"INSERT INTO {TABLE} (sequence, prev_hash, action, hash, {', '.join(columns)}) "
        f"SELECT %s, %s, %s, %s, {', '.join(columns)} FROM {TABLE} WHERE sequence = %s",
        [sequence, prev_hash, "case.close", chain.event_hash(values, current_keys().active), like],
    )
    return AuditEvent.objects.filter(sequence=sequence).values_list("pk", flat=True).get()


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
            # A plain detail (an empty one, or one written before 0007), or a sealed one as stored;
            # any string, too: its JSON text may need escapes, which the quick path must not skip.
            "detail": st.dictionaries(texts, json_values, max_size=4)
            | st.from_regex(r"enc1:[A-Za-z0-9_-]{1,8}:[A-Za-z0-9_-]{0,40}", fullmatch=True)
            | texts,
            "source_address": st.none() | st.ip_addresses().map(str),
            "session_key": texts,
            "key_id": st.sampled_from(["k1", "k2"]),
        }
    ),
    naive=st.booleans(),
    detail_as_text=st.booleans(),
)
def test_the_verification_hashes_exactly_like_record_event(values, naive, detail_as_text):
    keys = {"k1": b"1" * 32, "k2": b"2" * 100}  # HMAC hashes a key longer than sha256's block first
    digest = chain.event_hash(values, keys[values["key_id"]])
    at = values["at"].astimezone(UTC).replace(tzinfo=None) if naive else values["at"]  # SQLite returns naive UTC
    # A sealed detail is a JSON string: the drivers return it as JSON text.
    as_text = detail_as_text or isinstance(values["detail"], str)
    detail = json.dumps(values["detail"]) if as_text else values["detail"]
    stored = {**values, "at": at, "detail": detail}
    row = (1, digest, *(stored[name] for name in chain.FIELDS))
    assert chain.walk([row], keys) == chain.Segment(
        first=(values["sequence"], 1, values["prev_hash"]), last=(values["sequence"], 1, digest)
    )
    # And one changed field is a different hash; so is the same event under the other key.
    changed = (1, digest, *(stored[name] if name != "role" else stored[name] + "x" for name in chain.FIELDS))
    assert chain.walk([changed], keys).error is not None
    swapped = {"k1": keys["k2"], "k2": keys["k1"]}
    assert "altered" in chain.walk([row], swapped).error


# The migrations: 0003 chained a log written before the chain existed; 0007 keys it and seals it. --

PLAIN_DETAIL = '{"member": "Juf Zoë van Dijk", "categories": ["sexual_abuse"]}'


def _migration_editor(cursor):
    return SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name, execute=cursor.execute)


def _legacy_log():
    """The log as the release before 0007 left it: plain details, the plain-sha256 chain of 0003, no key id."""
    # Scramble what the chain fields hold, as if they were never filled.
    tamper(
        f"UPDATE {TABLE} SET sequence = sequence + 1000, prev_hash = '', hash = '', key_id = '', detail = %s",
        [PLAIN_DETAIL],
    )
    tamper(f"UPDATE {HEAD_TABLE} SET last_sequence = 0, last_hash = %s", [chain.GENESIS])
    state = MigrationExecutor(connection).loader.project_state(("audit", "0002_chain_fields"))
    migration = importlib.import_module("haven.audit.migrations.0003_chain_existing_events")
    with triggers_off():  # in a real migration the triggers (0005, 0008) do not exist yet
        migration.chain_existing(state.apps, None)


def _rekey():
    state = MigrationExecutor(connection).loader.project_state(("audit", "0007_keyed_chain_sealed_detail"))
    with triggers_off(), connection.cursor() as cursor:  # 0008 comes after; 0007 passes 0005 itself
        REKEY.rechain(state.apps, _migration_editor(cursor))


def _raw_details():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT detail FROM {TABLE}")  # noqa: S608 - a model's table name
        return [str(row[0]) for row in cursor.fetchall()]


def test_existing_events_are_chained_in_the_order_they_were_written_then_keyed(log):
    rows = ids()
    _legacy_log()
    assert ids() == {n: rows[n] for n in range(1, 13)}
    _rekey()
    assert ids() == {n: rows[n] for n in range(1, 13)}
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {"dev"}
    call_command("verify_audit")


def test_the_migration_seals_the_details_of_existing_events(log):
    _legacy_log()
    assert all("Zoë" in detail for detail in _raw_details())
    _rekey()
    assert not any("Zoë" in detail or "sexual_abuse" in detail for detail in _raw_details())
    assert AuditEvent.objects.get(sequence=7).detail == json.loads(PLAIN_DETAIL)


def test_the_migration_refuses_to_rekey_a_tampered_old_chain(log):
    """Re-chaining must not launder a rewrite: the old chain is verified first, and nothing changes."""
    _legacy_log()
    tamper(f"UPDATE {TABLE} SET action = 'case.close' WHERE sequence = 4")
    before = list(AuditEvent.objects.values_list("sequence", "hash", "key_id"))
    with pytest.raises(REKEY.BrokenLegacyChain, match=r"event 4 \(id \d+\) does not match its hash"):
        _rekey()
    assert list(AuditEvent.objects.values_list("sequence", "hash", "key_id")) == before


# The key. -------------------------------------------------------------------------------------------


def _rewrite_from(sequence, key, *, action="case.close"):
    """Change one event and recompute its hash, every later hash and the head with `key`, as a
    forger with database access would; returns the new head hash."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(sequence) FROM {TABLE}")  # noqa: S608 - a model's table name
        last = cursor.fetchone()[0]
    prev_hash = AuditEvent.objects.filter(sequence=sequence - 1).values_list("hash", flat=True).first() or chain.GENESIS
    for n in range(sequence, last + 1):
        values = stored(*chain.FIELDS, sequence=n)
        values["prev_hash"] = prev_hash
        if n == sequence:
            values["action"] = action
        digest = chain.event_hash(values, key)
        tamper(
            f"UPDATE {TABLE} SET action = %s, prev_hash = %s, hash = %s WHERE sequence = %s",
            [values["action"], prev_hash, digest, n],
        )
        prev_hash = digest
    tamper(f"UPDATE {HEAD_TABLE} SET last_hash = %s", [prev_hash])
    return prev_hash


def test_rewriting_an_event_and_recomputing_every_later_hash_without_the_key_is_detected(log):
    rows = ids()
    for guessed_key in (b"", b"not the key" * 4, settings.DEV_ENCRYPTION_KEY.encode()):
        _rewrite_from(4, guessed_key)
        verify_fails(f"event 4 (id {rows[4]})", "does not match its hash", "altered")


def test_rewriting_with_plain_sha256_as_before_the_key_is_detected(log):
    """The old, unkeyed format is not accepted any more: a forger cannot fall back to it."""
    rows = ids()
    prev_hash = AuditEvent.objects.get(sequence=3).hash
    for n in range(4, 13):
        values = stored(*chain.FIELDS, sequence=n) | {"prev_hash": prev_hash}
        digest = chain.legacy_event_hash(values)
        tamper(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s, key_id = '' WHERE sequence = %s", [prev_hash, digest, n])
        prev_hash = digest
    tamper(f"UPDATE {HEAD_TABLE} SET last_hash = %s", [prev_hash])
    verify_fails(f"event 4 (id {rows[4]})", "audit key ''", "not in HAVEN_AUDIT_KEYS")


NEW_KEY = base64.urlsafe_b64encode(b"n" * 32).decode().rstrip("=")


def test_after_a_key_rotation_events_under_the_old_and_the_new_key_verify(log, cast, settings, capsys):
    settings.HAVEN_AUDIT_KEYS = f"k2027:{NEW_KEY},dev:{settings.DEV_AUDIT_KEY}"
    for n in range(3):
        record_event(cast.actor("af"), "case.view", kind="read", case=log, detail={"n": n})
    assert (
        list(AuditEvent.objects.order_by("sequence").values_list("key_id", flat=True)) == ["dev"] * 12 + ["k2027"] * 3
    )
    call_command("verify_audit")
    assert capsys.readouterr().out.startswith("verified 15 events\n")
    # The new key hashed the new events: without it they do not verify, nor with it alone the old ones.
    settings.HAVEN_AUDIT_KEYS = f"dev:{settings.DEV_AUDIT_KEY}"
    verify_fails("event 13", "audit key 'k2027', which is not in HAVEN_AUDIT_KEYS")
    settings.HAVEN_AUDIT_KEYS = f"k2027:{NEW_KEY}"
    verify_fails("event 1 ", "audit key 'dev', which is not in HAVEN_AUDIT_KEYS", "add that key")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Set HAVEN_AUDIT_KEYS"),
        ("k1", "is not of the form 'keyid:base64url-key'"),
        ("k1:c2hvcnQ", "must be at least 32 bytes"),
        (f"k1:{NEW_KEY},k1:{NEW_KEY}", "occurs twice"),
        (f"bad id:{NEW_KEY}", "must be 1-32 letters"),
    ],
)
def test_a_missing_or_malformed_audit_key_is_a_clear_error(cast, settings, value, message):
    settings.HAVEN_AUDIT_KEYS = value
    with pytest.raises(AuditKeyError, match=message):
        record_event(cast.actor("af"), "case.view", kind="read")
    assert [error.id for error in check_audit_keys()] == ["haven.audit.E001"]
    with pytest.raises(CommandError, match=message):
        call_command("verify_audit")
    assert NEW_KEY not in str(check_audit_keys()[0].msg)
    assert AuditEvent.objects.count() == 0


DEV_AUDIT_KEY = "aGF2ZW4tZGV2ZWxvcG1lbnQtYXVkaXQta2V5LW5vdC1hLXNlY3JldA"  # the published one, in haven/settings.py


@pytest.mark.parametrize(
    "keys",
    [
        None,  # missing
        f"dev:{DEV_AUDIT_KEY}",
        f"a2027:{DEV_AUDIT_KEY}=",  # the development key under another id
        f"a2027:{NEW_KEY},dev:{DEV_AUDIT_KEY}",  # still verifying development events
        f"dev:{NEW_KEY}",  # a key called "dev"
    ],
)
def test_production_refuses_a_missing_or_development_audit_key(keys):
    env = {name: value for name, value in PRODUCTION.items() if name != "HAVEN_AUDIT_KEYS"}
    env |= {} if keys is None else {"HAVEN_AUDIT_KEYS": keys}
    result = subprocess.run(
        [sys.executable, "-c", "import haven.settings"],
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0, keys
    assert "ImproperlyConfigured" in result.stderr and "HAVEN_AUDIT_KEYS" in result.stderr


# Anchors outside the database catch a rewrite made with the key. --------------------------------


def anchor(path):
    call_command("anchor_audit", "--file", str(path))
    return path.read_text().splitlines()


def test_anchor_audit_appends_the_verified_head_and_verify_audit_checks_it(log, tmp_path, capsys):
    path = tmp_path / "anchors"
    (line,) = anchor(path)
    head = AuditChainHead.objects.get()
    assert line.startswith("haven-audit-anchor {")
    assert json.loads(line.removeprefix("haven-audit-anchor ")) | {"at": ""} == {
        "sequence": 12,
        "hash": head.last_hash,
        "key_id": "dev",
        "at": "",
    }
    record_event(Actor(user_id=UserFactory().pk), "staff.update")
    assert len(anchor(path)) == 2  # appended, never rewritten
    capsys.readouterr()
    call_command("verify_audit", "--anchors", str(path))
    assert "checked 2 anchors: all on the chain" in capsys.readouterr().out.splitlines()


def test_a_rewrite_with_the_key_passes_the_chain_but_not_an_older_anchor(log, cast, tmp_path):
    path = tmp_path / "anchors"
    anchor(path)  # at event 12
    for _ in range(3):
        record_event(cast.actor("af"), "case.view", kind="read", case=log)
    anchor(path)  # at event 15
    rows = ids()
    _rewrite_from(4, current_keys().active)
    call_command("verify_audit")  # with the key, the rewritten chain is consistent in itself
    with pytest.raises(CommandError) as error:
        call_command("verify_audit", "--anchors", str(path))
    # The first anchor off the chain, in chain order.
    assert f"event 12 (id {rows[12]}): its hash is not the one anchored on" in str(error.value)
    # And the daily anchoring refuses to anchor the rewritten head.
    with pytest.raises(CommandError, match="nothing anchored"):
        anchor(path)
    assert len(path.read_text().splitlines()) == 2


def test_a_log_cut_back_with_the_key_fails_its_anchor(log, tmp_path):
    path = tmp_path / "anchors"
    anchor(path)
    tamper(f"DELETE FROM {TABLE} WHERE sequence > 9")
    tamper(f"UPDATE {HEAD_TABLE} SET last_sequence = 9, last_hash = %s", [AuditEvent.objects.get(sequence=9).hash])
    call_command("verify_audit")
    with pytest.raises(CommandError, match="names event 12, but the chain ends at event 9"):
        call_command("verify_audit", "--anchors", str(path))


def test_anchor_audit_refuses_a_broken_chain_and_writes_nothing(log, tmp_path):
    path = tmp_path / "anchors"
    tamper(f"UPDATE {TABLE} SET action = 'case.close' WHERE sequence = 4")
    with pytest.raises(CommandError, match="nothing anchored: event 4"):
        anchor(path)
    assert not path.exists()


def test_anchors_are_read_from_a_syslog_extract_and_a_damaged_line_is_named(log, tmp_path, monkeypatch):
    import syslog

    sent = []
    monkeypatch.setattr(syslog, "syslog", lambda priority, message: sent.append(message))
    call_command("anchor_audit", "--syslog")
    path = tmp_path / "auth.log"
    path.write_text(f"Dec  3 02:00:01 app1 sshd[1]: Accepted key\nDec  3 02:00:02 app1 haven: {sent[0]}\n")
    call_command("verify_audit", "--anchors", str(path))
    path.write_text(path.read_text() + "Dec  4 02:00:02 app1 haven: haven-audit-anchor {broken\n")
    with pytest.raises(CommandError, match="line 3: not an anchor"):
        call_command("verify_audit", "--anchors", str(path))


def test_anchor_audit_needs_somewhere_to_write(log, settings):
    settings.HAVEN_AUDIT_ANCHOR_FILE = ""
    with pytest.raises(CommandError, match="--file PATH"):
        call_command("anchor_audit")


# SQLite: the database refuses changes too. ----------------------------------------------------------


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's triggers; PostgreSQL's are tested in TestOnPostgreSQL")
class TestOnSQLite:
    def test_update_and_delete_are_refused_by_the_database(self, log):
        for sql in (
            f"UPDATE {TABLE} SET action = 'case.close' WHERE sequence = 3",
            f"DELETE FROM {TABLE} WHERE sequence = 3",
            f"DELETE FROM {TABLE}",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
        assert AuditEvent.objects.filter(sequence=3, action="case.view").exists()
        call_command("verify_audit")

    def test_the_triggers_are_installed(self, db):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s ORDER BY name", [TABLE]
            )
            assert [row[0] for row in cursor.fetchall()] == ["audit_event_no_delete", "audit_event_no_update"]

    def test_only_the_test_flush_may_empty_the_log(self, log):
        connection.haven_audit_allow_flush = True
        try:
            with pytest.raises(DatabaseError, match="UPDATE refused"), transaction.atomic(), connection.cursor() as c:
                c.execute(f"UPDATE {TABLE} SET action = 'case.close'")
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE}")
        finally:
            connection.haven_audit_allow_flush = False
        assert AuditEvent.objects.count() == 0


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
