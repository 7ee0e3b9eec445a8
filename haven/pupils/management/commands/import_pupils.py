"""`manage.py import_pupils --school BRIN FILE [--dry-run]`: the pupil import from the command line
(a nightly cron of an exported file). The same reading, plan and apply as the administrator's pages;
teachers are listed, invitations go out from the page only."""

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.organisations.models import School
from haven.pupils.administration import sync
from haven.pupils.administration.edexml import too_large_message
from haven.pupils.administration.records import MAX_FILE_BYTES, FileRefused


class Command(BaseCommand):
    help = "Import pupils, groups and teachers from an EDEXML or CSV file of the school's administration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's BRIN code.")
        parser.add_argument("file", help="The EDEXML (.xml) or CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(brin_code__iexact=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with BRIN code {options['school']}.")
        path = options["file"]
        try:
            size = os.path.getsize(path)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        if size > MAX_FILE_BYTES:  # refused before reading a byte of it
            raise CommandError(too_large_message())
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
        try:
            plan = sync.sync(None, school, data, dry_run=options["dry_run"], filename=path)
        except FileRefused as refused:
            raise CommandError(refused.message) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        counts = plan.counts()
        for row in plan.rejected:
            self.stdout.write(f"rejected row {row.row} ({row.key or '-'}): {row.reason}")
        for line in plan.teachers:
            if line.account_id is None:
                self.stdout.write(f"teacher without an account: {line.teacher.first_name} {line.teacher.last_name}")
        summary = ", ".join(f"{name} {value}" for name, value in counts.items())
        if plan.rejected:
            raise CommandError(f"Not imported: {counts['rejected']} rejected rows ({summary}).")
        if plan.changes_nothing:
            self.stdout.write(f"{school.brin_code}: nothing changes ({summary}).")
        elif options["dry_run"]:
            self.stdout.write(f"{school.brin_code}: dry run, nothing changed: {summary}.")
        else:
            self.stdout.write(f"{school.brin_code}: imported: {summary}.")
