"""`manage.py backup` and `manage.py restore`: a consistent copy while Haven runs, restored whole.

A database with dossiers, signals and their audit events is built through the services; a backup
is made (by a separate process, as an operator's cron job would) and restored into a new, empty
database; every table has the same number of rows as the source at the time of the backup, and
`verify_audit` passes on the restored database in a fresh process. A backup made while other
processes keep writing is one consistent state: its chain verifies, up to the head the backup
reported, and every signal in it has its audit event. Restoring into a database that has tables,
from a missing file, or from a file that is not a backup is refused and changes nothing.

SQLite runs against database files with Haven's own settings; PostgreSQL against a database
created on the test server (the test role has CREATEDB) and dropped afterwards.
"""

import json
import re
import stat
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from haven.audit.models import AuditEvent
from haven.infrastructure.backup import table_counts, user_tables
from tests.processes import (
    SEED,
    SqliteSite,
    assert_one_chain,
    child_env,
    counts_of,
    database_url,
    finish,
    manage,
    release,
    shell,
    sqlite_chain,
    start_writers,
    verified_count,
)

# A dossier through the services: a signal, a case opened with it, a consultation, a second
# signal added to the case, a read of the dossier and an amendment (changes and reads).
DOSSIER = """
from datetime import timedelta
from django.utils import timezone
from haven.access.middleware import actor_for
from haven.accounts.models import User
from haven.meldcode import queries, services
from haven.meldcode.models import Signal
from haven.pupils.models import Pupil
actor, _ = actor_for(User.objects.get(username="writer0"))
af = User.objects.get(username="writer0")
for pupil in Pupil.objects.all():
    values = dict(observed_at=timezone.now() - timedelta(hours=2), source=Signal.Source.OWN_OBSERVATION,
                  categories=[Signal.Category.PHYSICAL_NEGLECT])
    first = services.log_signal(actor, pupil=pupil, facts="Komt zonder ontbijt en jas naar school.", **values)
    case = services.open_case(actor, first, lead=af)
    services.record_consultation(actor, case, held_on=timezone.localdate(), consulted="school_doctor",
                                 consulted_name="GGD", question="Wat zien jullie?", advice="Gesprek met ouders.")
    services.log_signal(actor, pupil=pupil, facts="Blauwe plek op de arm.", case=case, **values)
    queries.get_case(actor, case.pk)
    services.amend_signal(actor, first, facts="Komt zonder ontbijt naar school.", reason="Jas was er wel.")
print("dossiers")
"""

BACKUP_LINES = re.compile(r"backup written: (?P<path>.+)\nsize: (?P<size>\d+) bytes\naudit head: event (?P<head>\d+)")


def backup(env, *args):
    """`manage.py backup` in its own process; the file, its size and the audit head it printed."""
    out = manage(env, "backup", *args).stdout
    match = BACKUP_LINES.search(out)
    assert match, out
    path = Path(match["path"])
    assert path.stat().st_size == int(match["size"])
    return path, int(match["head"])


def assert_private(path: Path) -> None:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def signals_have_their_event(env) -> None:
    """Every signal in the database has its `signal.log` event: no half-written transaction."""
    out = shell(
        env,
        "from haven.audit.models import AuditEvent; from haven.meldcode.models import Signal; "
        "print(Signal.objects.count(), AuditEvent.objects.filter(action='signal.log').count())",
    )
    signals, events = out.split()[-2:]
    assert signals == events


@pytest.fixture
def sqlite_site_factory(tmp_path, migrated_sqlite):  # noqa: F811 - the fixture imported above
    def make(name, *, migrated=True):
        return SqliteSite(tmp_path / name, template=migrated_sqlite if migrated else None)

    return make


def with_dossiers(env) -> dict:
    """Three pupils with a dossier each, by the first of four AFs (one process); the seeded keys."""
    pupils = (
        "from tests.factories import PupilFactory\n"
        "from haven.organisations.models import School\n"
        "for _ in range(2):\n"
        "    PupilFactory(school=School.objects.get())\n"
    )
    out = shell(env, SEED.format(writers=4) + pupils + DOSSIER)
    assert out.strip().endswith("dossiers"), out
    return json.loads(next(line for line in out.splitlines() if line.startswith("{")))


@pytest.fixture
def site_with_dossiers(sqlite_site_factory):
    site = sqlite_site_factory("source")
    site.seeded = with_dossiers(site.env)
    return site


def backup_during_writes(env, seeded, tmp_path, events) -> tuple[Path, int, int]:
    """Back up while four processes write: once they have written something, and they go on
    writing until the backup is done and more was written after it. Returns the backup, the head
    it contains and the head when the writers stopped."""
    go, stop = tmp_path / "go", tmp_path / "stop"
    start = events()
    writers = start_writers(env, seeded, go, count=2000, stop=stop)
    try:
        release(go, seeded)
        wait_until(lambda: events() > start + 20)
        path, head = backup(env, "--output", str(tmp_path / "during.backup"))
        wait_until(lambda: events() > head + 20)
    finally:
        stop.touch()
        finish(writers)
    return path, head, events()


def wait_until(condition, timeout=120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# SQLite ----------------------------------------------------------------------------------------


def test_backup_and_restore_keep_every_row_and_the_chain_on_sqlite(site_with_dossiers, sqlite_site_factory):
    source = site_with_dossiers
    before = counts_of(source.env)
    assert before["meldcode_case"] == 3 and before["audit_auditevent"] > 15

    path, head = backup(source.env)
    assert path.parent == source.var / "backups"
    assert re.fullmatch(r"haven-\d{8}-\d{6}\.sqlite3", path.name)
    assert_private(path)
    assert head == before["audit_auditevent"]

    target = sqlite_site_factory("restored", migrated=False)
    out = manage(target.env, "restore", str(path)).stdout
    assert f"verified {head} events" in out
    assert f"  meldcode_case: {before['meldcode_case']} rows" in out
    assert counts_of(target.env) == before
    assert verified_count(target.env) == head
    assert_one_chain(sqlite_chain(target.path))
    # The source is untouched by making the backup.
    assert counts_of(source.env) == before


def test_a_backup_while_others_write_is_one_consistent_state_on_sqlite(
    site_with_dossiers, sqlite_site_factory, tmp_path
):
    source = site_with_dossiers
    path, head, final = backup_during_writes(
        source.env, source.seeded, tmp_path, lambda: len(sqlite_chain(source.path))
    )
    assert head < final
    assert verified_count(source.env) == final

    target = sqlite_site_factory("restored", migrated=False)
    manage(target.env, "restore", str(path))
    assert verified_count(target.env) == head
    assert_one_chain(sqlite_chain(target.path))
    signals_have_their_event(target.env)
    assert counts_of(target.env)["audit_auditevent"] == head


def test_the_backup_refuses_to_overwrite_a_file(sqlite_site_factory, tmp_path):
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")
    result = manage(sqlite_site_factory("source").env, "backup", "--output", str(existing), check=False)
    assert result.returncode != 0
    assert "exists already" in result.stderr
    assert existing.read_text() == "keep me"


def test_restore_into_a_database_with_tables_is_refused_and_changes_nothing(sqlite_site_factory, tmp_path):
    """Even an empty, migrated database is refused: the restore brings its own schema."""
    source, target = sqlite_site_factory("source"), sqlite_site_factory("target")
    shell(source.env, SEED.format(writers=1))
    path, _head = backup(source.env, "--output", str(tmp_path / "b.sqlite3"))
    before = target.path.read_bytes()
    result = manage(target.env, "restore", str(path), check=False)
    assert result.returncode != 0
    assert "the target database is not empty" in result.stderr
    assert target.path.read_bytes() == before


def test_restore_refuses_a_missing_file_or_one_that_is_not_a_backup(sqlite_site_factory, tmp_path):
    target = sqlite_site_factory("restored", migrated=False)
    missing = manage(target.env, "restore", str(tmp_path / "nowhere.sqlite3"), check=False)
    assert missing.returncode != 0 and "no backup at" in missing.stderr
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("dit is geen backup\n" * 100)
    result = manage(target.env, "restore", str(not_a_backup), check=False)
    assert result.returncode != 0 and "is not an SQLite backup" in result.stderr
    assert not target.path.exists() or target.path.stat().st_size == 0


# In this process, against the test database. ---------------------------------------------------


def test_restore_into_the_test_database_is_refused(db, tmp_path):
    """The test database has tables: refused, whatever the backend."""
    backup_file = tmp_path / "b.dump"
    backup_file.write_bytes(b"\0" * 16)
    assert user_tables()
    with pytest.raises(CommandError, match="the target database is not empty"):
        call_command("restore", str(backup_file))
    with pytest.raises(CommandError, match="no backup at"):
        call_command("restore", str(tmp_path / "nowhere.dump"))


# PostgreSQL ------------------------------------------------------------------------------------


@pytest.fixture
def new_database():
    """An empty database on the test server, dropped afterwards."""
    name = f"haven_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    # FORCE ends our own sessions on it, not an autovacuum worker (a superuser's process) that may
    # just have started on the freshly restored database: that one ends in a moment, so try again.
    for attempt in range(20):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except DatabaseError as error:
            if "pg_signal_backend" not in str(error) or attempt == 19:
                raise
            time.sleep(0.5)


@pytest.mark.postgresql
def test_backup_and_restore_keep_every_row_and_the_chain_on_postgresql(allow_flush, new_database, tmp_path):  # noqa: F811
    source = child_env(HAVEN_DATABASE_URL=database_url())
    with_dossiers(source)
    before = table_counts()
    assert before["meldcode_case"] == 3

    path, head = backup(source, "--output", str(tmp_path / "haven.dump"))
    assert_private(path)
    assert head == before["audit_auditevent"] == AuditEvent.objects.count()

    target = child_env(HAVEN_DATABASE_URL=database_url(new_database))
    out = manage(target, "restore", str(path)).stdout
    assert f"verified {head} events" in out
    assert counts_of(target) == before
    assert verified_count(target) == head
    # The append-only protection came along: the trigger refuses a change in the restored log.
    refused = shell(
        target,
        "from django.db import DatabaseError, connection, transaction\n"
        "try:\n"
        "    with transaction.atomic(), connection.cursor() as c:\n"
        "        c.execute(\"UPDATE audit_auditevent SET action = 'x' WHERE sequence = 1\")\n"
        "    print('updated')\n"
        "except DatabaseError as e:\n"
        "    print('refused', 'append-only' in str(e))\n",
    )
    assert "refused True" in refused
    # Restoring again, now that the database has tables, is refused.
    again = manage(target, "restore", str(path), check=False)
    assert again.returncode != 0 and "the target database is not empty" in again.stderr


@pytest.mark.postgresql
def test_a_backup_while_others_write_is_one_consistent_state_on_postgresql(allow_flush, new_database, tmp_path):  # noqa: F811
    source = child_env(HAVEN_DATABASE_URL=database_url())
    seeded = with_dossiers(source)
    path, head, final = backup_during_writes(source, seeded, tmp_path, AuditEvent.objects.count)
    assert head < final
    assert verified_count(source) == final

    target = child_env(HAVEN_DATABASE_URL=database_url(new_database))
    manage(target, "restore", str(path))
    assert verified_count(target) == head
    assert counts_of(target)["audit_auditevent"] == head
    signals_have_their_event(target)
