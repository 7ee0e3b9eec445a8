"""A database dump tells nothing about a child: the known plaintexts are nowhere in the raw database.

Reads as the specification. After the demo data (`seed_demo`) and a few rows it lacks (handover
packages, a parents' access export, an advice request without a dossier), the bytes of the SQLite
file (with its journal or WAL, if any) and a PostgreSQL `pg_dump` hold none of the values in
tests/plaintexts.py: the categories of a signal, the Veilig Thuis references, the names of
household members, what a handover says about informing the parents, what an access export
withholds and why, what an advice request without a dossier asked and was told.

Every table is scanned, the audit log (its detail is sealed) and the two-factor keys included.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from haven.core.backup import pg_environment, pg_tool
from tests import plaintexts

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - this repository's manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _file_bytes(path: Path) -> bytes:
    """The database file and whatever SQLite keeps beside it."""
    return b"".join(
        p.read_bytes() for p in (path, *(Path(f"{path}{s}") for s in ("-wal", "-journal", "-shm"))) if p.exists()
    )


@pytest.fixture(scope="module")
def seeded_sqlite_file(tmp_path_factory):
    """A SQLite file migrated and seeded by the commands an installation runs."""
    path = tmp_path_factory.mktemp("scan") / "haven.sqlite3"
    env = {**os.environ, "HAVEN_DATABASE_URL": f"sqlite:///{path}"}
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "seed_demo")
    _manage(env, "shell", "-c", "from tests.plaintexts import add_scan_rows; add_scan_rows()")
    return path


def test_the_known_plaintexts_are_in_the_plaintext_list():
    known = plaintexts.known()
    assert "sexual_abuse" in known["signal categories"] and "physical_neglect" in known["signal categories"]
    assert "VT-2026-0412" in known["Veilig Thuis references"]
    assert "Linda de Groot" in known["household members' names"]
    # found_in can find each of them: the scan below would see one that is stored in plain text.
    everything = "|".join(v for values in known.values() for v in values).encode()
    assert len(plaintexts.found_in(everything)) == sum(len(v) for v in known.values())


@pytest.mark.django_db(databases=[])
def test_the_sqlite_file_holds_none_of_the_known_plaintexts(seeded_sqlite_file, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(seeded_sqlite_file, copy)
    with sqlite3.connect(copy) as db:
        # The rows really are there, encrypted: a scan of an empty table would prove nothing.
        for table in (
            "meldcode_signal",
            "pupils_householdmember",
            "handover_handoverpackage",
            "disclosure_disclosure",
            "meldcode_advicerequest",
        ):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table  # noqa: S608
        assert db.execute("SELECT COUNT(*) FROM meldcode_report WHERE vt_reference LIKE 'enc2:%'").fetchone()[0] >= 2
        assert db.execute("SELECT COUNT(*) FROM accounts_totpkey").fetchone()[0] > 0
        assert db.execute("SELECT COUNT(*) FROM audit_auditevent WHERE detail LIKE '\"enc1:%'").fetchone()[0] > 0
    assert plaintexts.found_in(_file_bytes(copy)) == []


BEFORE_ENCRYPTION = (
    ("meldcode", "0003_edit_version"),
    ("pupils", "0002_edit_version"),
    ("handover", "0001_initial"),
    ("followup", "0002_edit_version"),
    ("signalling", "0001_initial"),
    ("disclosure", "0001_initial"),
)


def _scanned(path: Path) -> list[str]:
    return plaintexts.found_in(_file_bytes(path))


@pytest.mark.django_db(databases=[])
def test_the_migration_leaves_no_old_plaintext_in_the_file(seeded_sqlite_file, tmp_path):
    """Migrating a database that held these values in plain text leaves none in its free pages."""
    path = tmp_path / "upgraded.sqlite3"
    shutil.copy(seeded_sqlite_file, path)
    env = {**os.environ, "HAVEN_DATABASE_URL": f"sqlite:///{path}"}
    for app, migration in BEFORE_ENCRYPTION:  # back to plain text, as before this change
        _manage(env, "migrate", app, migration, "--verbosity", "0")
    assert len(_scanned(path)) > 40  # the scan does see plain text where it is
    _manage(env, "migrate", "--verbosity", "0")
    assert _scanned(path) == []


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_none_of_the_known_plaintexts(tmp_path):
    call_command("seed_demo", verbosity=0)
    plaintexts.add_scan_rows()
    dump = tmp_path / "dump.sql"
    result = subprocess.run(  # noqa: S603 - the PostgreSQL client tool
        [pg_tool("pg_dump"), "--no-password", "--data-only", f"--file={dump}"],
        env=pg_environment(connection.settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = dump.read_bytes()
    assert b"COPY public.meldcode_signal " in data and b"enc2:" in data
    assert plaintexts.found_in(data) == []
