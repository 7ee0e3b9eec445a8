"""`python manage.py generate_scale_data`: fill the database with synthetic schools at scale.

See docs/scale-data.md for what it generates, the presets and how to sign in as a generated user.
The work is done by `haven.tools.scale`; this command parses the options and prints the summary.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from haven.tools import scale


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill the configured database with synthetic schools, staff, pupils, dossiers and their audit trail, "
        "regions and public figures, and the insights' rollups, quickly (bulk inserts). Refuses a database "
        "that already holds pupils unless --append is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--preset", choices=sorted(scale.PRESETS), help="region: 130 schools; national: 7,000 schools."
        )
        parser.add_argument("--schools", type=positive, help="Number of schools.")
        parser.add_argument("--pupils-per-school", type=positive, help="Pupils per school (this school year).")
        parser.add_argument("--years", type=positive, help="School years of history, this one included (default 5).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument(
            "--password",
            default=scale.DEFAULT_PASSWORD,
            help=f"Password of every generated account (default {scale.DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that already holds pupils (existing rows stay)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HAVEN_ENV == "production":
            raise CommandError("generate_scale_data refuses to run in production (HAVEN_ENV=production).")
        values = dict(scale.PRESETS[options["preset"]]) if options["preset"] else {}
        for name in ("schools", "pupils_per_school", "years"):
            if options[name] is not None:
                values[name] = options[name]
        values.setdefault("years", 5)
        missing = [f"--{name.replace('_', '-')}" for name in ("schools", "pupils_per_school") if name not in values]
        if missing:
            raise CommandError(f"Give --preset, or {' and '.join(missing)}.")
        generator_options = scale.Options(
            schools=values["schools"],
            pupils_per_school=values["pupils_per_school"],
            years=values["years"],
            seed=options["seed"],
            password=options["password"],
            append=options["append"],
        )
        self.stdout.write(
            f"Generating {generator_options.schools:,} schools x {generator_options.pupils_per_school:,} pupils, "
            f"{generator_options.years} school years, seed {generator_options.seed}, on {connection.vendor} "
            f"({connection.settings_dict['NAME']})."
        )
        try:
            generator = scale.Generator(generator_options, progress=self.stdout.write)
            summary = generator.run()
        except scale.ScaleDataError as error:
            raise CommandError(str(error)) from error
        self.print_summary(summary, generator_options)

    def print_summary(self, summary: scale.Summary, options: scale.Options) -> None:
        self.stdout.write("")
        self.stdout.write(f"  {'table':<32}{'rows':>14}")
        for label, count in sorted(summary.rows.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {label:<32}{count:>14,}")
        self.stdout.write(f"  {'total':<32}{summary.total:>14,}")
        rate = summary.total / summary.seconds if summary.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(f"Done in {summary.seconds:.1f} s: {summary.total:,} rows, {rate:,.0f} rows/s.")
        )
        first = f"{summary.first_school:04d}"
        self.stdout.write("")
        self.stdout.write(f"Sign in (password {options.password!r}) as, for example, in the first generated school:")
        self.stdout.write(
            f"  af-{first} (AF), ib-{first} (IB), directie-{first} (school leader), beheerder-{first} (admin),"
        )
        self.stdout.write(
            f"  leerkracht-{first}-1 (teacher of groep 1), onderwijsassistent-{first}-1 (teaching assistant);"
        )
        self.stdout.write(
            f"  bestuur-{first} (board policy officer), gemeente-{first} (municipality policy officer), "
            f"regio-{first} (region policy officer)."
        )
        self.stdout.write(
            f"Two-factor code for the AF, IB, school leader and admin: oathtool --totp -b {scale.TOTP_SECRET}"
        )
