"""`manage.py bench_import`: the pupil import of a school of 2,000 pupils, timed and printed.

It builds a fresh SQLite database in a temporary directory (migrate), then a child process
(`--measure`, DEBUG off) imports a generated EDEXML file into one school and a generated CSV
export into another, each twice: the first run adds every pupil, group and placement; the second,
with the same file, changes nothing. The four timings cover the whole `sync` (reading the file,
the plan, the apply in one transaction with its audit event). Targets: 10 s and 5 s.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

MANAGE = Path(__file__).resolve().parents[4] / "manage.py"
TARGET_FIRST, TARGET_AGAIN = 10.0, 5.0


class Command(BaseCommand):
    help = "Time the pupil import (EDEXML and CSV, 2,000 pupils, twice each) and print the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pupils", type=int, default=2000)
        parser.add_argument("--measure", action="store_true", help=("Internal: measure in the current database."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["measure"]:
            self._measure(options["pupils"])
            return
        with tempfile.TemporaryDirectory(prefix="haven-bench-import-") as workdir:
            env = dict(os.environ)
            env.pop("HAVEN_DATABASE_URL", None)
            env.update(HAVEN_VAR_DIR=workdir, HAVEN_DEBUG="false", HAVEN_LOG_LEVEL="WARNING")
            subprocess.run([sys.executable, str(MANAGE), "migrate", "-v", "0"], env=env, check=True)  # noqa: S603 - our own manage.py
            command = [sys.executable, str(MANAGE), "bench_import", "--measure", "--pupils", str(options["pupils"])]
            subprocess.run(command, env=env, check=True)  # noqa: S603 - our own manage.py

    def _measure(self, count: int) -> None:
        from haven.access.middleware import actor_for
        from haven.accounts.models import Membership, User
        from haven.organisations.models import Board, Municipality, School
        from haven.pupils.administration import samples, sync
        from haven.pupils.models import Pupil

        board = Board.objects.create(name="Bench board")
        town = Municipality.objects.create(name="Bench town")
        figures = []
        for index, (label, data) in enumerate(
            (("EDEXML", samples.edexml(count, brin="99BA")), ("CSV", samples.csv(count))), start=1
        ):
            school = School.objects.create(
                name=f"Bench school {index}", brin_code=f"99B{'AB'[index - 1]}", board=board, municipality=town
            )
            admin = User.objects.create(username=f"bench-admin-{index}")
            Membership.objects.create(user=admin, school=school, role="functional_admin")
            actor, _membership = actor_for(admin)
            assert actor is not None
            for run, target in (("first", TARGET_FIRST), ("again", TARGET_AGAIN)):
                started = time.perf_counter()
                plan = sync.sync(actor, school, data, dry_run=False)
                seconds = time.perf_counter() - started
                figures.append((label, run, seconds, target, plan.counts()))
            assert Pupil.objects.filter(school=school).count() == count
        self.stdout.write(f"Pupil import, {count} pupils per school ({len(data) // 1024} kB CSV), SQLite:")
        for label, run, seconds, target, counts in figures:
            verdict = "ok" if seconds <= target else "SLOWER THAN TARGET"
            self.stdout.write(
                f"  {label:6} {run:5}  {seconds:6.2f} s  (target {target:.0f} s, {verdict})  "
                f"added {counts['added']}, changed {counts['changed']}, unchanged {counts['unchanged']}"
            )
