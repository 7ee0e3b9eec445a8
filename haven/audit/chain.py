"""The audit log's hash chain, as pure functions (no Django import).

Every event stores `prev_hash` (the hash of the event before it, 64 zeros for the first) and
`hash = sha256(prev_hash + canonical content)`. The canonical content is the compact JSON
(sorted keys, separators "," and ":", not ASCII-escaped) of every stored field of the event
except `hash` and the row's database id: the id is assigned by the database on insert, after the
hash must be known, and `sequence` is the event's place in the chain. Ids of the actor, school,
pupil and case are ints or null, `at` is UTC ISO-8601 with microseconds, `detail` is the JSON as
stored.

This format is frozen: the chain of every existing log was computed with it. Changing anything
here makes `verify_audit` reject those logs.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring as _string  # what json.dumps(ensure_ascii=False) uses
from typing import Any

GENESIS = "0" * 64

# The hashed fields, by their column names, in the order the verification reads them.
FIELDS = (
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


def timestamp(at: datetime) -> str:
    """UTC, ISO-8601, always with microseconds: 2026-11-25T09:30:00.000000+00:00."""
    if at.tzinfo is None:
        raise ValueError("audit timestamps must be aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(values: Mapping[str, Any]) -> str:
    """The canonical content of one event: its FIELDS as compact JSON with sorted keys."""
    data = {name: values[name] for name in FIELDS}
    data["at"] = timestamp(data["at"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def event_hash(values: Mapping[str, Any]) -> str:
    return chain_hash(values["prev_hash"], canonical(values))


# The same canonical content, built straight from the stored values: `verify_audit` does this for
# every event, so it avoids building a dict and sorting its keys (tests prove it equals
# `canonical`). The keys below are FIELDS in sorted order.
_STORED = (
    '{"action":%s,"actor_id":%s,"at":"%s","case_id":%s,"detail":%s,"kind":%s,"object_id":%s,"object_type":%s,'
    '"outcome":%s,"prev_hash":%s,"pupil_id":%s,"role":%s,"school_id":%s,"sequence":%d,"session_key":%s,'
    '"source_address":%s}'
)


def stored_timestamp(at: datetime) -> str:
    """`timestamp` of a value as a database driver returns it: naive values are UTC (Django's storage)."""
    if at.tzinfo is None:
        return at.isoformat(timespec="microseconds") + "+00:00"
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def stored_detail(detail: Any) -> str:
    """Canonical JSON of `detail` as stored: JSON text (or an already decoded value)."""
    if detail == "{}":
        return detail
    if isinstance(detail, str | bytes | bytearray):
        detail = json.loads(detail)
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_stored(
    sequence: int,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    role: str,
    school_id: int | None,
    pupil_id: int | None,
    case_id: int | None,
    kind: str,
    action: str,
    object_type: str,
    object_id: int | None,
    outcome: str,
    detail: Any,
    source_address: str | None,
    session_key: str,
) -> str:
    """`canonical` of one event from its stored values, in FIELDS order."""
    text = _string
    return _STORED % (
        text(action),
        "null" if actor_id is None else int(actor_id),
        stored_timestamp(at),
        "null" if case_id is None else int(case_id),
        stored_detail(detail),
        text(kind),
        "null" if object_id is None else int(object_id),
        text(object_type),
        text(outcome),
        text(prev_hash),
        "null" if pupil_id is None else int(pupil_id),
        text(role),
        "null" if school_id is None else int(school_id),
        sequence,
        text(session_key),
        "null" if source_address is None else text(str(source_address)),
    )
