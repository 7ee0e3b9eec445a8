"""`python manage.py import_duo FILE [FILE ...]`: schools, boards and municipalities from DUO's open data.

Pass the file of school locations and the file of boards (docs/duo-import.md says which); each
file is recognised by its header. Every bad row is reported in Dutch and then nothing is imported
(exit status 1). Importing the same files again changes nothing. Haven never downloads them.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.organisations.duo import MAX_BYTES, import_duo


class Command(BaseCommand):
    help = "Import schools, boards and municipalities from DUO's open data CSV files (see docs/duo-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", help="DUO's CSV file of school locations, and its file of boards (';' or ',')."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[tuple[str, bytes]] = []
        for name in options["files"]:
            path = Path(name)
            try:
                with path.open("rb") as handle:
                    # One byte more than allowed, so the service can tell a file that is too large.
                    files.append((path.name, handle.read(MAX_BYTES + 1)))
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        result = import_duo(files)
        if not result.ok:
            for message in result.errors:
                self.stderr.write(message)
            raise CommandError(" ".join(result.summary()))
        for line in result.summary():
            self.stdout.write(line)
