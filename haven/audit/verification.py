"""Verification of the audit log's hash chain (`manage.py verify_audit`); the checks are in `chain`.

The chain is read in order of `sequence`. A long log is cut into consecutive ranges that are
walked in parallel processes (an event's hash depends only on its own row; the links between
ranges are checked afterwards by `chain.stitch`), so verifying a year of a big school takes
seconds. The first problem in chain order is reported, whichever range found it.
"""

import multiprocessing
import os
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.db import connection, connections
from django.db.models import Max, TextField
from django.db.models.functions import Cast

from haven.audit.chain import FIELDS, GENESIS, ChainError, Segment, describe, stitch, walk
from haven.audit.keys import current_keys
from haven.audit.models import AuditChainHead, AuditEvent

# Below this many events one process is quicker than starting more.
PARALLEL_FROM = 50_000
MAX_WORKERS = 8


@dataclass(frozen=True)
class Verified:
    count: int
    last_sequence: int
    last_hash: str


def walk_range(low: int | None, high: int, chunk_size: int = 5000) -> Segment:
    """Walk the stored events with sequence up to `high` (and from `low`).

    Reads the stored values as the driver returns them, without Django's per-value conversions
    (this is the hot loop), through a server-side cursor where the database has one.
    """
    events = AuditEvent.objects.filter(sequence__lte=high)
    if low is not None:
        events = events.filter(sequence__gte=low)
    columns: list[str] = ["pk", "hash", *FIELDS]
    if connection.vendor == "sqlite":
        # The stored text as it is: parsing it into a datetime and writing it out again was a
        # sixth of the walk. A cast is an expression, which sqlite3's type converters leave alone.
        events = events.annotate(at_text=Cast("at", TextField()))
        columns[columns.index("at")] = "at_text"
    sql, params = events.order_by("sequence").values_list(*columns).query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            _compiled_timestamp_loader(cursor.cursor)
        cursor.execute(sql, params)
        return walk(chain.from_iterable(iter(lambda: cursor.fetchmany(chunk_size), [])), current_keys().keys)


def _compiled_timestamp_loader(cursor: Any) -> None:
    """Read timestamps on this psycopg cursor with psycopg's compiled loader.

    Django's loader for timestamps (it sets the time zone afterwards) is a Python subclass, which
    took a third of the verification's time. The walk brings every timestamp to UTC itself, so
    the time zone a loader gives does not change the hash.
    """
    from psycopg import postgres
    from psycopg.pq import Format

    oid = postgres.types["timestamptz"].oid
    cursor.adapters.register_loader(oid, postgres.adapters.get_loader(oid, Format.TEXT))


def ranges(count: int, parts: int) -> list[tuple[int | None, int]]:
    """`parts` consecutive ranges covering 1..count; the first is open below (a sequence < 1 is an error)."""
    parts = max(1, min(parts, count))
    bounds = [count * i // parts for i in range(parts + 1)]
    return [(None if i == 0 else bounds[i] + 1, bounds[i + 1]) for i in range(parts)]


def _default_workers(count: int) -> int:
    # is_in_memory_db() is SQLite's; django-stubs types the generic connection.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
    # Other processes would not see an uncommitted transaction's events, nor a private in-memory database.
    if count < PARALLEL_FROM or connection.in_atomic_block or in_memory:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _walk_all(parts: list[tuple[int | None, int]], workers: int, chunk_size: int) -> list[Segment]:
    jobs = [(low, high, chunk_size) for low, high in parts]
    if workers > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        connections.close_all()  # each process opens its own connection
        with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
            return pool.starmap(walk_range, jobs)
    return [walk_range(*job) for job in jobs]


def verify_chain(*, chunk_size: int = 5000, workers: int | None = None, parts: int | None = None) -> Verified:
    """Verify the chain up to its head; raise ChainError naming the first problem in chain order.

    Verifies up to the head as it is when it starts: events written meanwhile are the next run's.
    A missing or malformed HAVEN_AUDIT_KEYS raises AuditKeyError before anything is read.
    """
    current_keys()
    head = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first()
    if head is None:
        if AuditEvent.objects.exists():
            raise ChainError("the chain head is missing, but there are audit events")
        return Verified(0, 0, GENESIS)
    last_sequence, last_hash = head
    if workers is None:
        workers = _default_workers(last_sequence)
    segments = _walk_all(ranges(last_sequence, parts or workers), workers, chunk_size) if last_sequence > 0 else []
    count = stitch(segments, last_sequence, last_hash)
    # An event past the head was not written by record_event. Read the highest sequence before the
    # head again: honest writers move both in one transaction, so the head is never behind it.
    highest = AuditEvent.objects.aggregate(highest=Max("sequence"))["highest"] or 0
    head_now = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0
    if highest > head_now:
        beyond = AuditEvent.objects.filter(sequence__gt=head_now).order_by("sequence")
        sequence, pk = beyond.values_list("sequence", "pk")[0]
        raise ChainError(
            f"{describe(sequence, pk)}: it lies beyond the chain head (event {head_now}): Haven did not write it"
        )
    return Verified(count, last_sequence, last_hash)
