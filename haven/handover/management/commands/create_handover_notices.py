"""Tell the new teachers of pupils with a dossier, after placing pupils for a new school year."""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.handover.services import create_handover_notices
from haven.organisations.models import School

SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


class Command(BaseCommand):
    help = (
        "Creates handover notices for the teachers of every pupil placed in the given school year who has an "
        "open dossier or one closed within the last year. Idempotent: run it again after more placements."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school-year", required=True, help="For example 2027-2028.")
        parser.add_argument("--school", help="The BRIN code of one school (default: every school).")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["school_year"]
        match = SCHOOL_YEAR.fullmatch(year)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise CommandError(f"{year!r} is not a school year like 2027-2028.")
        schools = School.objects.order_by("pk")
        if options["school"]:
            schools = schools.filter(brin_code=options["school"])
            if not schools.exists():
                raise CommandError(f"No school with BRIN code {options['school']!r}.")
        total = 0
        for school in schools:
            created = create_handover_notices(school, year)
            total += len(created)
            if created:
                self.stdout.write(f"{school.brin_code}: {len(created)} notice(s)")
        self.stdout.write(self.style.SUCCESS(f"{total} handover notice(s) created for {year}."))
