"""The insights read from a real PostgreSQL streaming replica; everything else stays on the primary.

scripts/with-postgres.sh starts a hot standby of its throw-away primary (pg_basebackup -R) and
exports HAVEN_REPLICA_DATABASE_URL; the settings then add the alias `replica`, whose test database
is the primary's (TEST MIRROR: physical replication creates it on the standby too), and
haven/insights/routers.py sends the insights' reads there. The tests marked `postgresql` run only
on that run and never skip there (tests/conftest.py): without the replica they fail.

The others run everywhere: they start Haven's settings in a child process with chosen variables
and look at the databases it configures and what `check --deploy` says about them.
"""

import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.test.utils import CaptureQueriesContext

from haven.insights.figures import counts_per_school
from haven.insights.models import RollupCount
from haven.insights.periods import Period, PeriodKind
from haven.meldcode import queries
from haven.meldcode.models import Case, Signal
from haven.organisations.models import School
from tests.factories import SchoolFactory
from tests.system import clean_environment

ROOT = Path(__file__).resolve().parents[2]
REPLAY_TIMEOUT = 10.0
ROLLUPS = RollupCount._meta.db_table


def wait_for_replay() -> None:
    """Until the replica has replayed everything committed on the primary so far (bounded).

    The test server commits asynchronously (its WAL is written a moment after the commit, and
    only written WAL is sent), so first one commit that waits for its WAL to be flushed, and with
    it everything before it. It must write WAL itself, or PostgreSQL commits it asynchronously all
    the same: a temporary table, dropped at its commit. The primary's WAL position after that is
    the target.
    """
    with transaction.atomic(using=DEFAULT_DB_ALIAS), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = on")
        cursor.execute("CREATE TEMPORARY TABLE haven_replay_mark () ON COMMIT DROP")
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + REPLAY_TIMEOUT
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn, pg_last_wal_replay_lsn()::text", [target])
            replayed, at = cursor.fetchone()
            if replayed:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"the replica replayed up to {at}, not {target}, within {REPLAY_TIMEOUT:.0f} s")
            time.sleep(0.05)


def write_rollup(school: School, count: int = 7) -> RollupCount:
    return RollupCount.objects.create(
        school=school, month=date(2025, 9, 1), metric="signals_logged", dimension="", count=count
    )


def tables_read(queries_seen: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"] for q in queries_seen.captured_queries)


@pytest.fixture
def replica_and_primary(db):
    """Both connections, captured; and proof that the replica is a standby of this very primary."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, database = cursor.fetchone()
    assert in_recovery, "the `replica` alias reaches a writable server, not a standby"
    assert database == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (False,)
    return connections["replica"], connections[DEFAULT_DB_ALIAS]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_committed_rollup_becomes_visible_through_the_replica(replica_and_primary):
    replica, primary = replica_and_primary
    school = SchoolFactory()
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        written = write_rollup(school, count=7)
    assert f'INSERT INTO "{ROLLUPS}"' in tables_read(on_primary)
    assert on_replica.captured_queries == []

    wait_for_replay()
    school_year = Period(PeriodKind.SCHOOL_YEAR, 2025)
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        figures = counts_per_school([school.pk], [school_year])
    assert figures[school.pk][school_year][("signals_logged", "")] == 7
    assert ROLLUPS in tables_read(on_replica)
    assert ROLLUPS not in tables_read(on_primary)

    # A change on the primary follows it there.
    RollupCount.objects.filter(pk=written.pk).update(count=9)
    wait_for_replay()
    assert RollupCount.objects.get(pk=written.pk).count == 9


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_case_reads_and_every_write_stay_on_the_primary(replica_and_primary, cast):
    replica, primary = replica_and_primary
    with CaptureQueriesContext(replica) as on_replica:
        case = cast.case()  # a signal, a dossier, their audit events: services on the primary
        actor = cast.actor("af")
        assert list(queries.visible_cases(actor)) == [case]
        assert Signal.objects.filter(pupil=cast.pupil).count() == 1
        assert Case.objects.get(pk=case.pk).school == cast.school_a
        written = write_rollup(cast.school_a)
    assert on_replica.captured_queries == [], tables_read(on_replica)

    wait_for_replay()
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        rollup = RollupCount.objects.get(pk=written.pk)
        # What a replica row points at is read on the primary, like any other organisation lookup.
        assert rollup.school == cast.school_a
        # Saving a row read on the replica writes it on the primary.
        rollup.count = 3
        rollup.save()
    assert rollup._state.db == DEFAULT_DB_ALIAS
    assert len(on_replica.captured_queries) == 1
    assert ROLLUPS in tables_read(on_replica)
    assert School._meta.db_table not in tables_read(on_replica)
    assert f'UPDATE "{ROLLUPS}"' in tables_read(on_primary)
    with primary.cursor() as cursor:
        cursor.execute(f'SELECT count FROM "{ROLLUPS}" WHERE id = %s', [written.pk])  # noqa: S608 - our table
        assert cursor.fetchone() == (3,)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_inside_a_transaction_insights_reads_see_its_own_writes_on_the_primary(replica_and_primary):
    replica, _primary = replica_and_primary
    school = SchoolFactory()
    with CaptureQueriesContext(replica) as on_replica, transaction.atomic():
        RollupCount.objects.create(school=school, month=date(2025, 9, 1), metric="signals_logged", count=2)
        # Uncommitted: only this transaction on the primary can see it.
        assert RollupCount.objects.filter(school=school).count() == 1
    assert on_replica.captured_queries == []


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_replica_refuses_writes(replica_and_primary):
    replica, _primary = replica_and_primary
    school = SchoolFactory()
    # The router never sends a write there ...
    assert router.db_for_write(RollupCount) == DEFAULT_DB_ALIAS
    # ... and a write sent there on purpose fails: the standby is read-only.
    with pytest.raises(DatabaseError, match="read-only transaction"):
        RollupCount.objects.using("replica").create(school=school, month=date(2025, 9, 1), metric="x", count=1)
    # Also past the alias's own read-only default: the server itself is in recovery.
    with replica.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = off")
        with pytest.raises(DatabaseError, match="during recovery"):
            cursor.execute("BEGIN READ WRITE")
    replica.close()  # a fresh session, with the alias's settings, for whatever comes next


# --- The settings and the deployment check, in a child process ----------------------------------

PROBE = """
import json
from django.conf import settings
from haven.accounts.checks import replica_database
print(json.dumps({
    "databases": {alias: {k: str(v) for k, v in d.items() if k in ("NAME", "HOST", "PORT", "OPTIONS", "TEST")}
                  for alias, d in settings.DATABASES.items()},
    "checks": [error.id for error in replica_database()],
}))
"""
PRIMARY = "postgres://haven:secret@db-primary.internal:5432/haven"


def probe(tmp_path, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=clean_environment(HAVEN_VAR_DIR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_there_is_one_database(tmp_path):
    seen = probe(tmp_path, HAVEN_DATABASE_URL=PRIMARY)
    assert list(seen["databases"]) == ["default"]
    assert seen["checks"] == []


def test_a_replica_url_adds_a_read_only_alias_on_the_replica_with_the_primarys_database(tmp_path):
    seen = probe(
        tmp_path,
        HAVEN_DATABASE_URL=PRIMARY,
        HAVEN_REPLICA_DATABASE_URL="postgres://haven:secret@db-replica.internal:5433/haven",
    )
    replica = seen["databases"]["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("db-replica.internal", "5433", "haven")
    assert "default_transaction_read_only=on" in replica["OPTIONS"]
    assert "'MIRROR': 'default'" in replica["TEST"]
    assert seen["checks"] == []


def test_the_replica_always_serves_the_primarys_database_and_the_deploy_check_names_a_mismatch(tmp_path):
    seen = probe(
        tmp_path,
        HAVEN_DATABASE_URL=PRIMARY,
        HAVEN_REPLICA_DATABASE_URL="postgres://haven:secret@db-replica.internal:5433/other",
    )
    assert seen["databases"]["replica"]["NAME"] == "haven"
    assert seen["checks"] == ["haven.E004"]
    # A URL without a database name is the primary's database, and fine.
    without_name = probe(
        tmp_path, HAVEN_DATABASE_URL=PRIMARY, HAVEN_REPLICA_DATABASE_URL="postgres://haven:secret@db-replica.internal/"
    )
    assert without_name["databases"]["replica"]["NAME"] == "haven"
    assert without_name["checks"] == []


@pytest.mark.parametrize(
    ("primary", "replica", "error"),
    [
        (PRIMARY, "sqlite:////tmp/replica.sqlite3", "haven.E002"),
        (PRIMARY, "mysql://haven:secret@db-replica.internal/haven", "haven.E002"),
        ("", "postgres://haven:secret@db-replica.internal/haven", "haven.E003"),
    ],
    ids=["sqlite replica", "mysql replica", "sqlite primary"],
)
def test_a_replica_that_is_not_postgresql_or_of_no_postgresql_primary_is_not_used_and_refused(
    tmp_path, primary, replica, error
):
    env = {"HAVEN_REPLICA_DATABASE_URL": replica} | ({"HAVEN_DATABASE_URL": primary} if primary else {})
    seen = probe(tmp_path, **env)
    assert list(seen["databases"]) == ["default"]
    assert seen["checks"] == [error]


def test_check_deploy_refuses_a_replica_of_another_database(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=clean_environment(
            HAVEN_VAR_DIR=str(tmp_path),
            HAVEN_DATABASE_URL=PRIMARY,
            HAVEN_REPLICA_DATABASE_URL="postgres://haven:secret@db-replica.internal/other",
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "haven.E004" in result.stderr + result.stdout
