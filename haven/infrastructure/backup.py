"""Consistent backups of the running database, and restoring one into an empty database.

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies the live database page by
page in one step while holding a read lock, so the copy is one committed state even while Haven
writes (writers wait for the copy, within their busy timeout).

PostgreSQL: `pg_dump --format=custom` inside a snapshot that this process exports from a
REPEATABLE READ transaction, so the audit head reported is exactly the one inside the dump.
The connection goes to the client tools through the PG* environment variables, never on their
command line (where `ps` would show the password).

Restoring goes into an empty database only (no tables at all): restoring over data would either
fail halfway or mix two states. SQLite: the backup API again, into the configured file.
PostgreSQL: `pg_restore --no-owner --exit-on-error --single-transaction`: all or nothing. The
audit log's append-only trigger refuses UPDATE, DELETE and TRUNCATE; a restore only inserts (COPY)
and creates the trigger after the data, so it passes.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from haven.audit.models import AuditChainHead

BACKUP_DIR_NAME = "backups"
SUFFIX = {"sqlite": "sqlite3", "postgresql": "dump"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    audit_head: int | None  # None: the database has no audit log (not migrated)


def vendor() -> str:
    if connection.vendor not in SUFFIX:
        raise BackupError(f"backups are made of SQLite and PostgreSQL databases, not {connection.vendor}")
    return connection.vendor


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / BACKUP_DIR_NAME / f"haven-{stamp}.{SUFFIX[vendor()]}"


def _private_file(path: Path) -> None:
    """Create `path` empty, readable by the owner only (a backup holds every dossier)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_backup(output: Path | None = None) -> Backup:
    """Back up the configured database to `output` (default: var/backups/haven-<time>.<suffix>)."""
    path = Path(output) if output is not None else default_path()
    if path.exists():
        raise BackupError(f"{path} exists already; choose another file")
    # Written under a temporary name and renamed when complete: a file with the final name is whole.
    partial = path.with_name(path.name + ".partial")
    _private_file(partial)
    try:
        head = _backup_sqlite(partial) if vendor() == "sqlite" else _backup_postgresql(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Backup(path=path, size=path.stat().st_size, audit_head=head)


def _sqlite_head(db: sqlite3.Connection) -> int | None:
    table = AuditChainHead._meta.db_table
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone():
        return None
    row = db.execute(f"SELECT last_sequence FROM {table} WHERE id = 1").fetchone()  # noqa: S608 - our table name
    return int(row[0]) if row else 0


def _backup_sqlite(path: Path) -> int | None:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    target = sqlite3.connect(path)
    try:
        # pages=-1 (the default): the whole database in one step, so the copy is one state.
        source.backup(target)
        return _sqlite_head(target)
    finally:
        target.close()


# PostgreSQL -------------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """A PostgreSQL client tool: on PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parent.parent.name.split(".")[0])
    )
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools (Debian: postgresql-client)")
    return candidates[-1]


def pg_environment(database: dict[str, Any] | None = None) -> dict[str, str]:
    """The connection of `database` (default: the configured one) as libpq environment variables."""
    db = database or connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db.get("NAME") or "",
    }
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        values["PGSSLMODE"] = sslmode
    env.update({key: value for key, value in values.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tools
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")


def _backup_postgresql(path: Path) -> int | None:
    if connection.in_atomic_block:
        raise BackupError("make a backup outside a transaction")
    with transaction.atomic(), connection.cursor() as cursor:
        # The dump runs in this transaction's snapshot, so the head read here is the dump's head.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        table = AuditChainHead._meta.db_table
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        row: Any = None
        if cursor.fetchone()[0]:
            cursor.execute(f"SELECT last_sequence FROM {table} WHERE id = 1")  # noqa: S608 - our table name
            row = cursor.fetchone() or (0,)
        _run(
            [pg_tool("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={path}"],
            pg_environment(),
        )
    return int(row[0]) if row else None


# Restore ----------------------------------------------------------------------------------------


def user_tables() -> list[str]:
    """The tables in the configured database (not SQLite's or PostgreSQL's own)."""
    with connection.cursor() as cursor:
        return sorted(
            name
            for name in connection.introspection.table_names(cursor)
            if not name.startswith("sqlite_") and name != "pg_stat_statements"
        )


def table_counts() -> dict[str, int]:
    """Rows in every table of the configured database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in user_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            counts[table] = int(cursor.fetchone()[0])
    return counts


def restore_backup(path: Path) -> None:
    """Restore the backup at `path` into the configured database, which must have no tables."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    kind = vendor()
    existing = user_tables()
    if existing:
        raise BackupError(
            f"the target database is not empty ({len(existing)} tables, e.g. {existing[0]}): restore into a new, "
            "empty database (PostgreSQL: CREATE DATABASE; SQLite: a file that does not exist yet)"
        )
    if kind == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path)


def _restore_sqlite(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite backup: {error}") from error
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (SQLite integrity check failed)")
        audit_table = AuditChainHead._meta.db_table
        if not source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [audit_table]
        ).fetchone():
            raise BackupError(f"{path} is not a backup of Haven (it has no audit log)")
        # is_in_memory_db() is SQLite's; django-stubs types the generic connection.
        if connection.is_in_memory_db():  # type: ignore[attr-defined]
            raise BackupError("the configured SQLite database is in memory; restore into a file")
        name = connection.settings_dict["NAME"]
        # Django's own connection must not hold the file while the backup API writes it.
        connections.close_all()
        target = sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _restore_postgresql(path: Path) -> None:
    connections.close_all()
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        pg_environment(),
    )
