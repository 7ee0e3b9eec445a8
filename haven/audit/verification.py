"""Verification of the audit log's hash chain (`manage.py verify_audit`).

The chain is walked in order of `sequence`. A long log is cut into consecutive segments that
are checked in parallel processes (every event's hash depends only on its own row, and the
links between segments are checked afterwards), so verifying takes seconds, not minutes. The
first problem in chain order is reported, whichever segment found it.
"""

import hashlib
import multiprocessing
import os
from dataclasses import dataclass

from django.db import connection, connections
from django.db.models import Max

from haven.audit.chain import FIELDS, GENESIS, canonical_stored
from haven.audit.models import AuditChainHead, AuditEvent

# Below this many events one process is quicker than starting more.
PARALLEL_FROM = 50_000
MAX_WORKERS = 8


class ChainError(Exception):
    """The first place where the chain is broken, in words."""


@dataclass(frozen=True)
class Verified:
    count: int
    last_sequence: int
    last_hash: str


@dataclass(frozen=True)
class Segment:
    """What one walk over a range of the chain found: its first and last event, or its first problem."""

    first: tuple[int, int, str] | None = None  # sequence, id, prev_hash
    last: tuple[int, int, str] | None = None  # sequence, id, hash
    error: str | None = None


def _event(sequence: int, pk: int) -> str:
    return f"event {sequence} (id {pk})"


def _gap(sequence: int, pk: int, expected: int) -> str:
    if sequence < expected:
        return f"{_event(sequence, pk)}: sequence {sequence} is out of order (expected {expected})"
    missing = f"event {expected}" if sequence == expected + 1 else f"events {expected} to {sequence - 1}"
    return f"{_event(sequence, pk)}: the sequence jumps from {expected - 1} to {sequence}: {missing} missing"


def _broken_link(sequence: int, pk: int, previous: str) -> str:
    return (
        f"{_event(sequence, pk)}: its prev_hash does not match the hash of {previous}: an event was removed, "
        "inserted, reordered or rewritten before it"
    )


def _altered(sequence: int, pk: int) -> str:
    return f"{_event(sequence, pk)}: its content does not match its hash: the event was altered"


def walk_segment(low: int | None, high: int, chunk_size: int = 5000) -> Segment:
    """Check the events with sequence up to `high` (from `low`): order, links and hashes.

    The first event's order and link are the caller's to check (they depend on the segment before).
    Reads the stored values without Django's per-value conversions: this loop is the hot path.
    """
    events = AuditEvent.objects.filter(sequence__lte=high)
    if low is not None:
        events = events.filter(sequence__gte=low)
    sql, params = events.order_by("sequence").values_list("pk", "hash", *FIELDS).query.sql_with_params()
    sha256 = hashlib.sha256
    first = last = None
    expected, prev_hash, previous = 0, "", ""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            for pk, stored_hash, *values in rows:
                sequence, event_prev_hash = values[0], values[1]
                if first is None:
                    first = (sequence, pk, event_prev_hash)
                elif sequence != expected:
                    return Segment(first, last, _gap(sequence, pk, expected))
                elif event_prev_hash != prev_hash:
                    return Segment(first, last, _broken_link(sequence, pk, previous))
                content = canonical_stored(*values)
                if sha256((event_prev_hash + content).encode()).hexdigest() != stored_hash:
                    return Segment(first, last, _altered(sequence, pk))
                last = (sequence, pk, stored_hash)
                expected, prev_hash, previous = sequence + 1, stored_hash, _event(sequence, pk)
    return Segment(first, last)


def _segments(count: int, parts: int) -> list[tuple[int | None, int]]:
    """`parts` consecutive ranges covering 1..count; the first is open below (a sequence < 1 is an error)."""
    parts = max(1, min(parts, count))
    bounds = [count * i // parts for i in range(parts + 1)]
    return [(None if i == 0 else bounds[i] + 1, bounds[i + 1]) for i in range(parts)]


def _default_workers(count: int) -> int:
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
    # Other processes would not see an uncommitted transaction's events, nor a private in-memory database.
    if count < PARALLEL_FROM or connection.in_atomic_block or in_memory:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _walk(bounds: list[tuple[int | None, int]], workers: int, chunk_size: int) -> list[Segment]:
    jobs = [(low, high, chunk_size) for low, high in bounds]
    if workers > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        connections.close_all()  # each process opens its own connection
        with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
            return pool.starmap(walk_segment, jobs)
    return [walk_segment(*job) for job in jobs]


def verify_chain(*, chunk_size: int = 5000, workers: int | None = None, segments: int | None = None) -> Verified:
    """Verify the chain up to its head; raise ChainError naming the first problem in chain order.

    Verifies up to the head as it is when it starts: events written meanwhile are the next run's.
    """
    head = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first()
    if head is None:
        if AuditEvent.objects.exists():
            raise ChainError("the chain head is missing, but there are audit events")
        return Verified(0, 0, GENESIS)
    last_sequence, last_hash = head
    if workers is None:
        workers = _default_workers(last_sequence)
    results = _walk(_segments(last_sequence, segments or workers), workers, chunk_size) if last_sequence else []

    expected, prev_hash, previous = 1, GENESIS, "the start of the chain"
    for segment in results:
        if segment.first is not None:
            sequence, pk, first_prev_hash = segment.first
            if sequence != expected:
                raise ChainError(_gap(sequence, pk, expected))
            if first_prev_hash != prev_hash:
                raise ChainError(_broken_link(sequence, pk, previous))
        if segment.error:
            raise ChainError(segment.error)
        if segment.last is not None:
            sequence, pk, prev_hash = segment.last
            expected, previous = sequence + 1, _event(sequence, pk)
    count = expected - 1
    if count != last_sequence:
        missing = f"event {count + 1}" if last_sequence == count + 1 else f"events {count + 1} to {last_sequence}"
        raise ChainError(f"the chain head names event {last_sequence}, but the log ends at {count}: {missing} missing")
    if prev_hash != last_hash:
        raise ChainError(f"the chain head's hash does not match {previous}: the head or that event was altered")
    # An event past the head was not written by record_event. Read the highest sequence before the
    # head again: honest writers move both in one transaction, so the head is never behind it.
    highest = AuditEvent.objects.aggregate(highest=Max("sequence"))["highest"] or 0
    head_now = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0
    if highest > head_now:
        sequence, pk = AuditEvent.objects.filter(sequence__gt=head_now).order_by("sequence").values_list(
            "sequence", "pk"
        )[0]
        raise ChainError(f"{_event(sequence, pk)}: it lies beyond the chain head (event {head_now}): Haven did not write it")
    return Verified(count, last_sequence, last_hash)
