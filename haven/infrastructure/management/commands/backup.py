"""`python manage.py backup [--output PATH]`: a consistent backup of the running database.

SQLite: the online backup API; PostgreSQL: `pg_dump --format=custom`. The file (mode 0600) goes
to var/backups/haven-<time>.sqlite3 or .dump unless --output names one. Prints the file, its size
and the last audit event it contains. See docs/backup.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.infrastructure.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Make a consistent backup of the database while Haven runs (see docs/backup.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="The backup file to write (default: var/backups/haven-<time>.sqlite3 or .dump). It must not exist.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = make_backup(options["output"])
        except BackupError as error:
            raise CommandError(f"backup failed: {error}") from error
        self.stdout.write(f"backup written: {backup.path}")
        self.stdout.write(f"size: {backup.size} bytes")
        if backup.audit_head is None:
            self.stdout.write("audit head: none (this database has no audit log: is it migrated?)")
        else:
            self.stdout.write(f"audit head: event {backup.audit_head}")
