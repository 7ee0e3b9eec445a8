"""`python manage.py bench`: latency of the main pages on a one-school and a large database, as ratios.

On SQLite it measures the one-school, one-municipality and region databases (files under
var/bench/); on PostgreSQL (HAVEN_DATABASE_URL) also the national one (databases haven_bench_* on
the same server). The pages: the AF's daily pages and the insights pages of the AF, a board, a
municipality and a region. The output ends with one summary line:

    bench: worst large/small 1.21; worst floor 2.40; verify 350000 events/s

How it measures and what the targets are: docs/performance.md.
"""

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.tools import bench


def _case_shape(value: str) -> tuple[int, int]:
    signals, events = value.split(",")
    return int(signals), int(events)


def _scopes(value: str) -> dict[str, int]:
    """ "board:8,municipality:20" -> {"board": 8, "municipality": 20}"""
    return {kind: int(n) for kind, n in (part.split(":") for part in value.split(",") if part)}


def _pages(value: str) -> tuple[str, ...]:
    pages = tuple(page for page in value.split(",") if page)
    unknown = [page for page in pages if page not in bench.PAGES]
    if unknown:
        raise ValueError(", ".join(unknown))
    return pages


class Command(BaseCommand):
    help = "Measure p50/p95 latency of the main pages on small and large databases and print the ratios."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--iterations", type=int, default=200, help="Timed requests per page (default 200).")
        parser.add_argument("--warmup", type=int, default=20, help="Untimed requests per page first (default 20).")
        parser.add_argument(
            "--append-events", type=int, default=3000, help="Audit events appended to time record_event (default 3000)."
        )
        parser.add_argument(
            "--quick", action="store_true", help="Tiny databases and few iterations: checks the pipeline, not speed."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Measure an existing benchmark database instead of generating it again.",
        )
        national = parser.add_mutually_exclusive_group()
        national.add_argument("--national", dest="national", action="store_true", default=None)
        national.add_argument(
            "--no-national",
            dest="national",
            action="store_false",
            help="Include or leave out the national database (default: included on PostgreSQL only).",
        )
        parser.add_argument(
            "--workdir",
            default=None,
            help="Where the SQLite benchmark databases go (default var/bench/).",
        )
        parser.add_argument("--keep", action="store_true", help="With --quick: keep the databases afterwards.")
        # Internal: the child process that measures the database it is configured with.
        parser.add_argument("--measure", action="store_true", help="(internal) measure the configured database.")
        parser.add_argument("--target-pupils", type=int, default=None, help="(internal, with --measure)")
        parser.add_argument("--target-case", type=_case_shape, default=None, help="(internal, with --measure)")
        parser.add_argument("--target-scopes", type=_scopes, default=None, help="(internal, with --measure)")
        parser.add_argument("--pages", type=_pages, default=bench.PAGES, help="(internal, with --measure)")

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        if options["measure"]:
            # The child process: commands on stdin, one JSON line per answer on stdout.
            bench.serve(
                sys.stdin,
                self._write,
                target_pupils=options["target_pupils"],
                target_case=options["target_case"],
                target_scopes=options["target_scopes"],
                pages=options["pages"],
            )
            return
        postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        national = options["national"] if options["national"] is not None else postgresql
        if options["quick"]:
            sizes = ["small", "municipality", "region"]
            for name, default in (("iterations", 200), ("warmup", 20), ("append_events", 3000)):
                if options[name] == default:
                    options[name] = {"iterations": 5, "warmup": 2, "append_events": 50}[name]
        else:
            sizes = ["small", "municipality", "region", *(["national"] if national else [])]
        workdir = Path(options["workdir"]) if options["workdir"] else Path(settings.VAR_DIR) / "bench"
        try:
            bench.run(
                sizes=sizes,
                quick=options["quick"],
                reuse=options["reuse"],
                iterations=options["iterations"],
                warmup=options["warmup"],
                append_events=options["append_events"],
                workdir=workdir,
                keep=options["keep"],
                write=self._write,
            )
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
