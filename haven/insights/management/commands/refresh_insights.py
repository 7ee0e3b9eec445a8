"""`python manage.py refresh_insights [--school BRIN] [--today YYYY-MM-DD]`: rebuild the rollups.

Run it nightly (see docs/operations.md). For every school (or the one given) it counts Haven's own
figures from the records and replaces that school's rollups in one transaction
(`haven.insights.rollups.refresh_school`), so a second run gives the same rows. It prints how
many schools and rows it wrote and how long it took, and writes one audit event
`insights.refresh` with those counts (no actor: the system acts).
"""

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from haven.audit.services import record_event
from haven.insights.audit_actions import InsightsAction
from haven.insights.rollups import refresh_school
from haven.organisations.models import School


class Command(BaseCommand):
    help = "Count Haven's own figures from the records and replace the rollups of every school (or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="BRIN", help="Only the school with this BRIN code.")
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="The day that decides what is overdue or stalled (default: today, Europe/Amsterdam).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else timezone.localdate()
        schools = School.objects.order_by("name", "pk")
        if options["school"]:
            schools = schools.filter(brin_code__iexact=options["school"].strip())
            if not schools.exists():
                raise CommandError(f"No school with BRIN code {options['school']!r}.")
        started = time.monotonic()
        school_count = counts = snapshots = 0
        for school in list(schools):
            refreshed = refresh_school(school, today)
            school_count += 1
            counts += refreshed.counts
            snapshots += refreshed.snapshots
            if options["verbosity"] > 1:
                self.stdout.write(
                    f"{school.name} ({school.brin_code}): {refreshed.counts} counts, {refreshed.snapshots} route rows"
                )
        seconds = time.monotonic() - started
        with transaction.atomic():
            record_event(
                None,
                InsightsAction.REFRESH,
                detail={"schools": school_count, "counts": counts, "route_rows": snapshots},
            )
        self.stdout.write(
            f"Refreshed the insights of {school_count} schools: {counts} counts and {snapshots} route rows"
            f" in {seconds:.1f} s (figures as of {today.isoformat()})"
        )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}.") from error
