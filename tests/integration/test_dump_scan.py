"""A database dump tells nothing about a child: the known plaintexts are nowhere in the raw database.

Reads as the specification. After the demo data (`seed_demo`) and a few rows it lacks (handover
packages, a parents' access export, an advice request without a dossier), the bytes of the SQLite
file (with its journal or WAL, if any) and a PostgreSQL `pg_dump` hold none of the values in
tests/plaintexts.py: the categories of a signal, the Veilig Thuis references, the names of
household members, the pupils' addresses (also as the reports to Veilig Thuis repeat them), what
a handover says about informing the parents, what an access export withholds and why, what an
advice request without a dossier asked and was told.

Every table is scanned, the audit log (its detail is sealed) and the two-factor keys included,
except the rows of the monitoring's rollups (`insights.RollupCount`, filled by `refresh_insights`
at the end of `seed_demo`): they count per school and month and name a figure's breakdown in plain
text, a signal's category among them, because the pages add them up in SQL. They hold no pupil,
dossier or text; what they say is what the insights pages show. The scan looks at the file
without them, and a test below holds them to that.
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

from haven.infrastructure.backup import pg_environment, pg_tool
from haven.tools import demo_data
from tests import plaintexts

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - this repository's manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _without_rollups(path: Path) -> Path:
    """The file with the rollups' rows deleted (zeroed in place: Haven's SQLite runs with secure_delete)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA secure_delete = ON")
        db.execute("DELETE FROM insights_rollupcount")
    return path


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
    assert len(known["pupils' addresses"]) == len(demo_data.CHILDREN)
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
        assert db.execute("SELECT COUNT(*) FROM pupils_pupil WHERE address LIKE 'enc2:%'").fetchone()[0] >= 2
        assert db.execute("SELECT COUNT(*) FROM meldcode_report WHERE pupil_address LIKE 'enc2:%'").fetchone()[0] >= 2
        assert db.execute("SELECT COUNT(*) FROM accounts_totpkey").fetchone()[0] > 0
        assert db.execute("SELECT COUNT(*) FROM audit_auditevent WHERE detail LIKE '\"enc1:%'").fetchone()[0] > 0
    assert plaintexts.found_in(_file_bytes(_without_rollups(copy))) == []


@pytest.mark.django_db(databases=[])
def test_the_rollups_the_scan_leaves_out_are_counts_without_a_pupil(seeded_sqlite_file):
    with sqlite3.connect(seeded_sqlite_file) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(insights_rollupcount)")}
        assert columns == {"id", "school_id", "month", "metric", "dimension", "count"}
        assert db.execute("SELECT COUNT(*) FROM insights_rollupcount").fetchone()[0] > 0
        dimensions = {row[0] for row in db.execute("SELECT DISTINCT dimension FROM insights_rollupcount")}
    # Codes and numbers only: nothing a person wrote.
    assert all(len(dimension) <= 40 and " " not in dimension for dimension in dimensions)


BEFORE_ENCRYPTION = (
    ("meldcode", "0003_edit_version"),
    ("pupils", "0002_edit_version"),
    ("handover", "0001_initial"),
    ("followup", "0002_edit_version"),
    ("signalling", "0001_initial"),
    ("disclosure", "0001_initial"),
)


def _fit_for_the_old_schema(path: Path) -> None:
    """Take out what the schema before encryption cannot hold, because it came later with the
    monitoring (and the demo's history has it): verwijsindex entries without a dossier (their
    dossier was required), and dossiers Haven closed itself (a closing then needed a person: the
    case lead stands in). Neither holds any of the plaintexts looked for."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA secure_delete = ON")
        db.execute("DELETE FROM signalling_referralindexentry WHERE case_id IS NULL")
        db.execute(
            "UPDATE meldcode_closure SET recorded_by_id = "
            "(SELECT lead_id FROM meldcode_case WHERE meldcode_case.id = meldcode_closure.case_id) "
            "WHERE recorded_by_id IS NULL"
        )


def _scanned(path: Path) -> list[str]:
    return plaintexts.found_in(_file_bytes(path))


@pytest.mark.django_db(databases=[])
def test_the_migration_leaves_no_old_plaintext_in_the_file(seeded_sqlite_file, tmp_path):
    """Migrating a database that held these values in plain text leaves none in its free pages."""
    path = tmp_path / "upgraded.sqlite3"
    shutil.copy(seeded_sqlite_file, path)
    env = {**os.environ, "HAVEN_DATABASE_URL": f"sqlite:///{path}"}
    _fit_for_the_old_schema(path)
    for app, migration in BEFORE_ENCRYPTION:  # back to plain text, as before this change
        _manage(env, "migrate", app, migration, "--verbosity", "0")
    assert len(_scanned(path)) > 40  # the scan does see plain text where it is
    _manage(env, "migrate", "--verbosity", "0")
    assert _scanned(_without_rollups(path)) == []


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_none_of_the_known_plaintexts(tmp_path):
    call_command("seed_demo", verbosity=0)
    plaintexts.add_scan_rows()
    dump = tmp_path / "dump.sql"
    result = subprocess.run(  # noqa: S603 - the PostgreSQL client tool
        [
            pg_tool("pg_dump"),
            "--no-password",
            "--data-only",
            "--exclude-table-data=insights_rollupcount",  # counts without a pupil: see the module's docstring
            f"--file={dump}",
        ],
        env=pg_environment(connection.settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = dump.read_bytes()
    assert b"COPY public.meldcode_signal " in data and b"enc2:" in data
    assert plaintexts.found_in(data) == []
