"""`python manage.py insights_report (--region NAME | --municipality CODE) --format csv [--years 2021-2025]`.

Prints the region's table (`haven.insights.report_table`): public figures per municipality and
calendar year with Haven's own, suppressed counts beside them and a `total` row per year. The
default years are the last five calendar years, this one included. `--format xlsx` writes a
workbook to `--output`.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.insights.exports import to_csv, to_xlsx
from haven.insights.models import Region
from haven.insights.report_table import default_years, parse_years, region_table
from haven.organisations.models import Municipality


class Command(BaseCommand):
    help = "Print the table of public figures and Haven's own counts for a region or a municipality."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--region", help="The region's name.")
        scope.add_argument("--municipality", help="The municipality's CBS code, such as GM0228.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--years", help="Calendar years, such as 2021-2025 or 2024 (default: the last five).")
        parser.add_argument("--output", help="Write to this file instead of printing (required for xlsx).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["years"]:
            years = parse_years(options["years"])
            if years is None:
                raise CommandError("--years takes a year (2024) or a range of at most 20 years (2021-2025).")
        else:
            years = default_years(timezone.localdate().year)
        if options["region"]:
            region = Region.objects.filter(name=options["region"]).first()
            if region is None:
                raise CommandError(f"No region is called {options['region']!r}.")
            table = region_table(years, region=region)
        else:
            code = options["municipality"].strip().upper()
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                raise CommandError(f"No municipality has the code {code!r}.")
            table = region_table(years, municipality=municipality)
        output = Path(options["output"]) if options["output"] else None
        if options["format"] == "xlsx":
            if output is None:
                raise CommandError("--format xlsx needs --output FILE.xlsx.")
            output.write_bytes(to_xlsx(table.title, table.header, table.cells()))
            self.stdout.write(f"Wrote {output}.")
            return
        text = to_csv(table.header, table.cells())
        if output is not None:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
