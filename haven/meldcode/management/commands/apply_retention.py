"""`python manage.py apply_retention [--dry-run]`: destroy what is past its school's retention term.

Run it daily (see docs/retention.md). Each school sets its term on the protocol page
(`School.retention_years`). Closed dossiers are counted from the day they were last closed and
destroyed through `meldcode.services.destroy_case`, which leaves a `case.destroy` audit event;
open dossiers, also those reopened after an old closing, are never touched. Then the records kept
without a dossier (advice requests to Veilig Thuis, verwijsindex entries) are counted from their
own date, and kept longer while the pupil has a dossier that is kept
(`meldcode.loose_retention`). Every record goes in its own transaction. The command prints how
many went per school and in total.
"""

from collections import Counter
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils import timezone

from haven.meldcode import loose_retention, services
from haven.meldcode.models import AdviceRequest
from haven.organisations.models import School


class Command(BaseCommand):
    help = (
        "Destroy closed dossiers, and advice requests and verwijsindex entries without a dossier, whose "
        "school's retention term has passed; --dry-run only counts them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what is past its term; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        today = timezone.localdate()
        totals: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.failures: list[str] = []
        for school in School.objects.order_by("name", "pk"):
            # Dossiers first: a record that goes with a dossier destroyed tonight goes tonight too.
            counts = Counter(dossiers=self._dossiers(school, today, dry_run))
            counts.update(self._records(school, today, dry_run))
            totals.update(counts)
            dossiers = "dossiers past their term (dry run, nothing destroyed)" if dry_run else "dossiers destroyed"
            self.stdout.write(
                f"{school.name} ({school.brin_code}), term {school.retention_years} years: "
                f"{counts['dossiers']} {dossiers}; {self._records_line(counts, dry_run)}"
            )
        dossiers = "dossiers past their term (dry run)" if dry_run else "dossiers destroyed"
        self.stdout.write(f"Total: {totals['dossiers']} {dossiers}; {self._records_line(totals, dry_run)}")
        if self.failures:
            for failure in self.failures:
                self.stderr.write(failure)
            what = [f"{self.failed['dossiers']} dossiers"] if self.failed["dossiers"] else []
            what += [f"{self.failed['records']} records without a dossier"] if self.failed["records"] else []
            raise CommandError(f"{' and '.join(what)} could not be destroyed; they are kept.")

    def _dossiers(self, school: School, today: date, dry_run: bool) -> int:
        due = services.cases_past_retention(school_id=school.pk, years=school.retention_years, today=today)
        if dry_run:
            return len(due)
        done = 0
        for case in due:
            try:
                services.destroy_case(case, reason="retention")
            except (IntegrityError, ValidationError) as error:
                # The transaction of this dossier is rolled back; the others go on.
                self.failures.append(f"{school.name}, dossier {case.pk}: {error}")
                self.failed["dossiers"] += 1
            else:
                done += 1
        return done

    def _records(self, school: School, today: date, dry_run: bool) -> Counter[str]:
        """Advice requests ("advice") and verwijsindex entries ("referral") without a dossier."""
        years = school.retention_years
        counts: Counter[str] = Counter()
        for record in loose_retention.records_past_retention(school_id=school.pk, years=years, today=today):
            kind = "advice" if isinstance(record, AdviceRequest) else "referral"
            if dry_run:
                counts[kind] += 1
                continue
            try:
                destroyed = loose_retention.destroy_record(record, reason="retention", years=years, today=today)
            except (IntegrityError, ValidationError) as error:
                self.failures.append(f"{school.name}, {record._meta.model_name} {record.pk}: {error}")
                self.failed["records"] += 1
            else:
                # False: another run destroyed it first.
                counts[kind] += int(destroyed)
        return counts

    @staticmethod
    def _records_line(counts: Counter[str], dry_run: bool) -> str:
        verb = "past their term" if dry_run else "destroyed"
        return (
            f"{counts['advice']} advice requests and {counts['referral']} verwijsindex entries without a dossier {verb}"
        )
