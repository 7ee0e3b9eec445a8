"""The audit log's hash chain, as pure functions (no Django import).

Every event stores `prev_hash` (the hash of the event before it, 64 zeros for the first), the id
of the audit key it was hashed with (`key_id`, see `haven.audit.keys`) and
`hash = HMAC-SHA256(key, prev_hash + canonical content)`, in hex. The canonical content is the
compact JSON (sorted keys, separators "," and ":", not ASCII-escaped) of every stored field of the
event except `hash` and the row's database id: the id is assigned by the database on insert, after
the hash must be known, and `sequence` is the event's place in the chain. Ids of the actor,
school, pupil and case are ints or null, `at` is UTC ISO-8601 with microseconds, `detail` is the
JSON as stored (for a non-empty detail: the string of its ciphertext, see `haven.audit.sealing`).

The key is not in the database, so whoever can only write to the database cannot recompute the
chain after changing an event. This format is frozen: changing anything here makes
`verify_audit` reject every existing log. The format before the key (plain sha256, no `key_id`)
is `legacy_event_hash`, kept for the migrations that chained and then re-chained old logs.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from json.encoder import encode_basestring as _string  # what json.dumps(ensure_ascii=False) uses
from typing import Any

GENESIS = "0" * 64

# The hashed fields, by their column names, in the order the verification reads them.
LEGACY_FIELDS = (
    "sequence",
    "prev_hash",
    "at",
    "actor_id",
    "role",
    "school_id",
    "pupil_id",
    "case_id",
    "kind",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail",
    "source_address",
    "session_key",
)
FIELDS = (*LEGACY_FIELDS, "key_id")


def timestamp(at: datetime) -> str:
    """UTC, ISO-8601, always with microseconds: 2026-11-25T09:30:00.000000+00:00."""
    if at.tzinfo is None:
        raise ValueError("audit timestamps must be aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(values: Mapping[str, Any], fields: Sequence[str] = FIELDS) -> str:
    """The canonical content of one event: its `fields` as compact JSON with sorted keys."""
    data = {name: values[name] for name in fields}
    data["at"] = timestamp(data["at"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(key: bytes, prev_hash: str, content: str) -> str:
    return hmac.digest(key, (prev_hash + content).encode("utf-8"), "sha256").hex()


def event_hash(values: Mapping[str, Any], key: bytes) -> str:
    """The hash of an event whose `key_id` names `key`."""
    return chain_hash(key, values["prev_hash"], canonical(values))


def legacy_event_hash(values: Mapping[str, Any]) -> str:
    """The hash before the chain was keyed: sha256 over the LEGACY_FIELDS (migrations 0003 and 0007)."""
    return hashlib.sha256((values["prev_hash"] + canonical(values, LEGACY_FIELDS)).encode("utf-8")).hexdigest()


# Verification ----------------------------------------------------------------------------------
# `walk` rebuilds the canonical content straight from the stored values, for every event of the
# log: without building a dict and sorting its keys, it is several times quicker. The keys in
# _STORED are FIELDS in sorted order; the tests prove it hashes exactly like `canonical`.
_STORED = (
    '{"action":%s,"actor_id":%s,"at":"%s","case_id":%s,"detail":%s,"key_id":%s,"kind":%s,"object_id":%s,'
    '"object_type":%s,"outcome":%s,"prev_hash":%s,"pupil_id":%s,"role":%s,"school_id":%s,"sequence":%d,'
    '"session_key":%s,"source_address":%s}'
)


def stored_detail(detail: Any) -> str:
    """Canonical JSON of `detail` as a driver returns it: JSON text (or an already decoded value)."""
    if isinstance(detail, str):
        return detail if _is_plain_json_string(detail) else _canonical_text(detail)
    if isinstance(detail, bytes | bytearray):
        detail = json.loads(detail)
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _is_plain_json_string(text: str) -> bool:
    """A JSON string without escapes (a sealed detail as stored) is its own canonical form.

    Each sealed detail is different, so the cache below cannot help them; this check is cheap.
    """
    return text[:1] == '"' and text[-1:] == '"' and text.count('"') == 2 and "\\" not in text and text.isprintable()


@lru_cache(maxsize=8192)
def _canonical_text(text: str) -> str:
    # A log repeats a few detail texts many times (the same choices and categories): decoding and
    # re-encoding each of them once, not once per event, takes a third off the walk on SQLite.
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Segment:
    """What a walk over consecutive events found: its first and last event, or its first problem."""

    first: tuple[int, int, str] | None = None  # sequence, id, prev_hash
    last: tuple[int, int, str] | None = None  # sequence, id, hash
    error: str | None = None


def describe(sequence: int, pk: int) -> str:
    return f"event {sequence} (id {pk})"


def gap(sequence: int, pk: int, expected: int) -> str:
    if sequence < expected:
        return f"{describe(sequence, pk)}: sequence {sequence} is out of order (expected {expected})"
    missing = f"event {expected}" if sequence == expected + 1 else f"events {expected} to {sequence - 1}"
    return f"{describe(sequence, pk)}: the sequence jumps from {expected - 1} to {sequence}: {missing} missing"


def broken_link(sequence: int, pk: int, previous: str) -> str:
    return (
        f"{describe(sequence, pk)}: its prev_hash does not match the hash of {previous}: an event was removed, "
        "inserted, reordered or rewritten before it"
    )


def altered(sequence: int, pk: int) -> str:
    return f"{describe(sequence, pk)}: its content does not match its hash: the event was altered"


def unknown_key(sequence: int, pk: int, key_id: str) -> str:
    return (
        f"{describe(sequence, pk)}: it was hashed with audit key {key_id!r}, which is not in HAVEN_AUDIT_KEYS: "
        "add that key (old keys stay for verification); if no such key was ever used, the event was altered"
    )


_BLOCK = 64  # sha256's block size


def _keyed(key: bytes) -> tuple[Any, Any]:
    """sha256 states after the HMAC key's inner and outer pads (RFC 2104): copying two states per
    event is about twice as quick as `hmac.digest`, which sets the key up again every time."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))


def _stored_utc_text(at: str) -> str:
    """The hashed form of a timestamp as SQLite stores it (Django writes naive UTC with `str()`:
    "2026-11-25 09:30:00.123456", without the fraction when it is 0), without parsing it; any other
    spelling is parsed, so the text is exactly what `timestamp` makes of the same moment."""
    if len(at) == 26 and at[10] == " " and at[19] == ".":
        return f"{at[:10]}T{at[11:]}+00:00"
    if len(at) == 19 and at[10] == " ":
        return f"{at[:10]}T{at[11:]}.000000+00:00"
    moment = datetime.fromisoformat(at)
    return timestamp(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))


def walk(rows: Iterable[Sequence[Any]], keys: Mapping[str, bytes]) -> Segment:
    """Check consecutive stored events, rows of (id, hash, *FIELDS) in order of sequence.

    Checks order, links and hashes (with the key of each event's `key_id`) within the rows; the
    first row's order and link depend on the events before it and are the caller's to check (see
    `stitch`). Datetimes without a time zone are UTC (Django's storage on SQLite), as are timestamps
    read as SQLite's stored text.
    """
    text, utc = _string, UTC
    pads: dict[str, tuple[Any, Any]] = {}
    first: tuple[int, int, str] | None = None
    last: tuple[int, int, str] | None = None
    expected, prev_hash = 0, ""
    for (
        pk,
        stored_hash,
        sequence,
        event_prev_hash,
        at,
        actor_id,
        role,
        school_id,
        pupil_id,
        case_id,
        kind,
        action,
        object_type,
        object_id,
        outcome,
        detail,
        source_address,
        session_key,
        key_id,
    ) in rows:
        if first is None:
            first = (sequence, pk, event_prev_hash)
        elif sequence != expected:
            return Segment(first, last, gap(sequence, pk, expected))
        elif event_prev_hash != prev_hash:
            assert last is not None
            return Segment(first, last, broken_link(sequence, pk, describe(last[0], last[1])))
        if at.__class__ is str:
            timestamp_text = _stored_utc_text(at)
        elif at.tzinfo is None:
            timestamp_text = at.isoformat(timespec="microseconds") + "+00:00"
        else:
            timestamp_text = at.astimezone(utc).isoformat(timespec="microseconds")
        content = _STORED % (
            text(action),
            "null" if actor_id is None else actor_id,
            timestamp_text,
            "null" if case_id is None else case_id,
            "{}" if detail == "{}" or detail == {} else stored_detail(detail),
            text(key_id),
            text(kind),
            "null" if object_id is None else object_id,
            text(object_type),
            text(outcome),
            text(event_prev_hash),
            "null" if pupil_id is None else pupil_id,
            text(role),
            "null" if school_id is None else school_id,
            sequence,
            text(session_key),
            "null" if source_address is None else text(str(source_address)),
        )
        if (keyed := pads.get(key_id)) is None:
            if (key := keys.get(key_id)) is None:
                return Segment(first, last, unknown_key(sequence, pk, key_id))
            keyed = pads[key_id] = _keyed(key)
        inner, outer = keyed[0].copy(), keyed[1].copy()
        inner.update((event_prev_hash + content).encode())
        outer.update(inner.digest())
        if outer.hexdigest() != stored_hash:
            return Segment(first, last, altered(sequence, pk))
        last = (sequence, pk, stored_hash)
        expected, prev_hash = sequence + 1, stored_hash
    return Segment(first, last)


class ChainError(Exception):
    """The first place where the chain is broken, in words."""


def stitch(segments: Iterable[Segment], head_sequence: int, head_hash: str) -> int:
    """Join the walks of consecutive ranges 1..head into one verdict: the number of events, or ChainError.

    Reports the first problem in chain order: a segment's own problem comes after the check of
    its first event against the segment before it.
    """
    expected, prev_hash, previous = 1, GENESIS, "the start of the chain"
    for segment in segments:
        if segment.first is not None:
            sequence, pk, first_prev_hash = segment.first
            if sequence != expected:
                raise ChainError(gap(sequence, pk, expected))
            if first_prev_hash != prev_hash:
                raise ChainError(broken_link(sequence, pk, previous))
        if segment.error:
            raise ChainError(segment.error)
        if segment.last is not None:
            sequence, pk, prev_hash = segment.last
            expected, previous = sequence + 1, describe(sequence, pk)
    count = expected - 1
    if count != head_sequence:
        missing = f"event {count + 1}" if head_sequence == count + 1 else f"events {count + 1} to {head_sequence}"
        raise ChainError(f"the chain head names event {head_sequence}, but the log ends at {count}: {missing} missing")
    if prev_hash != head_hash:
        raise ChainError(f"the chain head's hash does not match {previous}: the head or that event was altered")
    return count
