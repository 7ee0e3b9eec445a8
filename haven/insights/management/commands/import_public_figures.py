"""`python manage.py import_public_figures FILE.csv [--region NAME]`: public figures per municipality and year.

The file's columns and how to fill them: docs/monitoring.md. A system action (the operator's):
municipalities Haven does not know are created; with `--region` every municipality of the file is
added to that region, which is created when it does not exist. Every bad row is reported in Dutch
and then nothing is imported (exit status 1). Importing the same file again changes nothing.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.insights.public_figures import MAX_BYTES, import_public_figures


class Command(BaseCommand):
    help = "Import public figures per municipality and calendar year from a CSV file (see docs/monitoring.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8; comma or semicolon separated).")
        parser.add_argument(
            "--region", help="Add every municipality of the file to this region (created when it does not exist)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                # One byte more than allowed, so the service can tell a file that is too large.
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        result = import_public_figures(None, data, region=options["region"] or None, create_missing=True)
        if not result.ok:
            for message in result.errors:
                self.stderr.write(message)
            raise CommandError(" ".join(result.summary()))
        for line in result.summary():
            self.stdout.write(line)
