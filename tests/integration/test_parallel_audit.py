"""Parallel writers never fork the audit chain: several processes write through the services at once.

Each writer is a separate process (its own connection, as app processes behind a load balancer
are) that logs signals through `meldcode.services.log_signal` (a change, in the service's
transaction) and reads them back through `meldcode.queries.get_signal` (a read event in its own
transaction), all started at the same moment. Afterwards the chain verifies (`verify_audit` in a
fresh process), the sequence is exactly 1..n and every prev_hash is the hash before it.

SQLite runs against a database file with Haven's own settings (IMMEDIATE transactions and a busy
timeout), not the test run's in-memory database: that is what production-like SQLite writers
meet, and threads on a shared-cache in-memory database lock differently (table locks that the busy
timeout does not wait for). PostgreSQL runs the same writers against the test database, where
`record_event` takes a row lock on the chain head. (`test_audit_chain.py` has the thread test
that calls `record_event` directly.)

The helpers (a migrated SQLite site in a temporary directory, writer processes) are in
tests/processes.py, shared with `test_backup_restore.py`.
"""

import pytest

from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.verification import verify_chain
from tests.processes import (
    SIGNALS_EACH,
    WRITERS,
    SqliteSite,
    assert_interleaved,
    assert_one_chain,
    child_env,
    database_url,
    finish,
    release,
    seed,
    sqlite_actors,
    sqlite_chain,
    start_writers,
    verified_count,
)


@pytest.fixture
def sqlite_site(tmp_path, migrated_sqlite) -> SqliteSite:
    return SqliteSite(tmp_path / "site", template=migrated_sqlite)


def test_parallel_writers_on_sqlite_make_one_chain(sqlite_site, tmp_path):
    seeded = seed(sqlite_site.env)
    go = tmp_path / "go"
    writers = start_writers(sqlite_site.env, seeded, go)
    release(go, seeded)
    finish(writers)
    expected = WRITERS * SIGNALS_EACH * 2  # a change and a read per signal
    rows = sqlite_chain(sqlite_site.path)
    assert len(rows) == expected
    assert_one_chain(rows)
    assert_interleaved(sqlite_actors(sqlite_site.path))
    assert verified_count(sqlite_site.env) == expected


# PostgreSQL ------------------------------------------------------------------------------------


@pytest.mark.postgresql
def test_parallel_writers_on_postgresql_make_one_chain(allow_flush, tmp_path):
    env = child_env(HAVEN_DATABASE_URL=database_url())
    seeded = seed(env)
    go = tmp_path / "go"
    writers = start_writers(env, seeded, go)
    release(go, seeded)
    finish(writers)
    expected = WRITERS * SIGNALS_EACH * 2
    rows = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "prev_hash", "hash"))
    assert len(rows) == expected
    assert_one_chain(rows)
    assert_interleaved(list(AuditEvent.objects.order_by("sequence").values_list("actor_id", flat=True)))
    assert AuditChainHead.objects.get(pk=1).last_sequence == expected
    assert verify_chain(workers=1).count == expected
    assert verified_count(env) == expected
