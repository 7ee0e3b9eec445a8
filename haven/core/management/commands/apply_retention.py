"""`python manage.py apply_retention [--dry-run]`: destroy closed dossiers past their school's term.

Run it daily (see docs/retention.md). Each school sets its term on the protocol page
(`School.retention_years`), counted from the day a dossier was last closed. Every dossier is
destroyed in its own transaction through `meldcode.services.destroy_case`, which leaves a
`case.destroy` audit event; open dossiers, also those reopened after an old closing, are never
touched. The command prints how many dossiers went per school and in total.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils import timezone

from haven.meldcode import services
from haven.organisations.models import School


class Command(BaseCommand):
    help = "Destroy closed dossiers whose school's retention term has passed; --dry-run only counts them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the dossiers past their term; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        today = timezone.localdate()
        total, failures = 0, []
        for school in School.objects.order_by("name", "pk"):
            due = services.cases_past_retention(school_id=school.pk, years=school.retention_years, today=today)
            done = 0
            if not dry_run:
                for case in due:
                    try:
                        services.destroy_case(case, reason="retention")
                    except (IntegrityError, ValidationError) as error:
                        # The transaction of this dossier is rolled back; the others go on.
                        failures.append(f"{school.name}, dossier {case.pk}: {error}")
                    else:
                        done += 1
            count = len(due) if dry_run else done
            total += count
            verb = "past their term (dry run, nothing destroyed)" if dry_run else "destroyed"
            self.stdout.write(
                f"{school.name} ({school.brin_code}), term {school.retention_years} years: {count} dossiers {verb}"
            )
        self.stdout.write(f"Total: {total} dossiers {'past their term (dry run)' if dry_run else 'destroyed'}")
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(f"{len(failures)} dossiers could not be destroyed; they are kept.")
