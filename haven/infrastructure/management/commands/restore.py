"""`python manage.py restore PATH`: restore a backup into the configured, empty database.

The database must have no tables (a new PostgreSQL database from CREATE DATABASE; for SQLite a
file that does not exist yet). Afterwards the audit chain is verified and the rows of every table
are counted. Exits non-zero, having changed nothing, when the target is not empty or the file is
missing or not a backup. See docs/backup.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.audit.chain import ChainError
from haven.audit.verification import verify_chain
from haven.infrastructure.backup import BackupError, restore_backup, table_counts


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the configured, empty database (see docs/backup.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="The backup file (.sqlite3 or .dump).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore_backup(options["path"])
        except BackupError as error:
            raise CommandError(f"restore refused: {error}") from error
        self.stdout.write(f"restored {options['path']}")
        for table, count in table_counts().items():
            self.stdout.write(f"  {table}: {count} rows")
        try:
            result = verify_chain()
        except ChainError as error:
            raise CommandError(f"restored, but the audit chain is broken: {error}") from error
        self.stdout.write(f"verified {result.count} events")
        if result.count:
            self.stdout.write(f"head: event {result.last_sequence}, hash {result.last_hash}")
