"""The benchmark behind `manage.py bench`: what is measured, on which data, and how it is reported.

The parent process (`run`) builds one database per size (one school, the region, and on
PostgreSQL the nation with a one-school counterpart of its school size) with `migrate` and
`generate_scale_data`. Each database is then measured by its own child process (`manage.py bench
--measure`, running `serve`) whose settings point at that database with DEBUG off, so every figure
comes from the same production-like configuration and no state is shared between the sizes. The
children take turns, ten rounds at a time, so a change in the machine's load hits every database
alike. A child (`Bench`) signs in as the safeguarding lead (AF) of a school, with a real session
that passed two-factor sign-in, and times requests through the Django test client: the whole
middleware stack, the view, the template, the database; only the socket is left out.

Like is compared with like: a large database measures a school of about the same number of pupils
as its one-school counterpart, a dossier of the same shape (signals and recorded changes), the same
kind of pupil search (the first letters of a pupil's surname), and signal submits for pupils of that
school. The submits create signals, which the inbox and the home page would then show, so they are
timed last, after the read pages, and noted without a dossier afterwards.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

# Pages in report order; "floor" is the minimal signed-in page (the account page: the base layout,
# the navigation, the session, two-factor state) that the others are compared with.
SCHOOL_PAGES = ("inbox", "dossier", "pupil_search", "signal_submit", "dashboard", "insights_school")
# The monitoring of the policy officers: the board's, the municipality's and the region's page.
ANALYST_PAGES = ("insights_board", "insights_municipality", "insights_region")
INSIGHTS_PAGES = ("insights_school", *ANALYST_PAGES)
PAGES = (*SCHOOL_PAGES, *ANALYST_PAGES)
FLOOR = "floor"
TARGET_LARGE_SMALL = 1.5
TARGET_FLOOR = 3.0
TARGET_VERIFY = 200_000

MANAGE = Path(__file__).resolve().parent.parent.parent / "manage.py"


@dataclass(frozen=True)
class Size:
    name: str
    generate: tuple[str, ...]
    # The pages measured on it besides the floor.
    pages: tuple[str, ...] = PAGES


SIZES = {
    "small": Size("small", ("--schools", "1", "--pupils-per-school", "210", "--years", "5"), SCHOOL_PAGES),
    # One municipality of 20 schools (three boards): the smallest database in which a board and a
    # municipality show their figures per school, the counterpart of the region's for those pages.
    "municipality": Size(
        "municipality",
        ("--schools", "20", "--pupils-per-school", "208", "--years", "5"),
        ("insights_board", "insights_municipality"),
    ),
    "region": Size("region", ("--preset", "region")),
    # The national preset's schools have 357 pupils (region: 208): its one-school counterpart has as
    # many, so that the ratio shows what the size of the database costs, not the size of the school.
    "small357": Size("small357", ("--schools", "1", "--pupils-per-school", "357", "--years", "5"), SCHOOL_PAGES),
    "national": Size("national", ("--preset", "national")),
}
# Which smaller database each large one is compared with, per page: a school's pages with a
# one-school database; a board's and a municipality's with the one-municipality database (nationally
# with the region's); a region's page with the region's database, the only other one that has a
# region of that size.
BASELINE = {"region": "small", "national": "small357"}
PAGE_BASELINE = {
    "insights_board": {"region": "municipality", "national": "region"},
    "insights_municipality": {"region": "municipality", "national": "region"},
    "insights_region": {"national": "region"},
}
# --quick: the same pipeline on tiny data, for the test suite.
QUICK_SIZES = {
    "small": Size("small", ("--schools", "1", "--pupils-per-school", "100", "--years", "2"), SCHOOL_PAGES),
    "municipality": Size(
        "municipality",
        ("--schools", "3", "--pupils-per-school", "40", "--years", "2"),
        ("insights_board", "insights_municipality"),
    ),
    "region": Size("region", ("--schools", "6", "--pupils-per-school", "60", "--years", "2")),
}


def baseline_of(page: str, name: str) -> str | None:
    """The database `name`'s figures for `page` are compared with, or None when it is a baseline."""
    if page in PAGE_BASELINE:
        return PAGE_BASELINE[page].get(name)
    return BASELINE.get(name)


def baselines_needed(sizes: list[str]) -> list[str]:
    """The smaller databases the large ones among `sizes` are compared with."""
    needed = []
    for name in sizes:
        for page in PAGES:
            base = baseline_of(page, name)
            if base is not None and base not in needed:
                needed.append(base)
    return needed


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5 - 1e-9)))
    return ordered[rank - 1]


# --- The child: measure one database ------------------------------------------------------------


def _school_near(target_pupils: int | None) -> Any:
    """The school whose number of pupils is closest to `target_pupils` (default: the median school)."""
    from django.db.models import Count

    from haven.accounts.models import Membership
    from haven.organisations.models import School

    with_af = Membership.objects.filter(role="safeguarding_lead", user__is_active=True).values("school_id")
    sizes = list(
        School.objects.filter(pk__in=with_af)
        .annotate(n=Count("pupils"))
        .filter(n__gt=0)
        .values_list("pk", "n")
        .order_by("pk")
    )
    if not sizes:
        raise RuntimeError("No school with pupils and an active safeguarding lead: generate the data first.")
    if target_pupils is None:
        target_pupils = statistics.median_low(n for _pk, n in sizes)
    school_id, _n = min(sizes, key=lambda row: (abs(row[1] - target_pupils), row[0]))
    return School.objects.get(pk=school_id)


def _case_like(school: Any, target: tuple[int, int] | None) -> tuple[Any, tuple[int, int]]:
    """A dossier of the school shaped like `target` (signals, recorded changes), else the median one."""
    from django.db.models import Count

    from haven.audit.models import AuditEvent
    from haven.meldcode.models import Case

    in_school = Case.objects.filter(school=school)
    open_cases = in_school.filter(status=Case.Status.OPEN)
    # An open dossier is the usual one to look at; tiny data (--quick) may only have closed ones.
    chosen = open_cases if open_cases.exists() else in_school
    cases = dict(chosen.annotate(n=Count("signals")).values_list("pk", "n"))
    if not cases:
        raise RuntimeError(f"School {school.pk} has no dossier to measure: generate more pupils or years.")
    events = dict(
        AuditEvent.objects.filter(case_id__in=list(cases), kind=AuditEvent.Kind.CHANGE)
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    shapes = sorted((cases[pk], events.get(pk, 0), pk) for pk in cases)
    if target is None:
        n_signals, n_events, pk = shapes[(len(shapes) - 1) // 2]
    else:
        n_signals, n_events, pk = min(shapes, key=lambda s: (abs(s[0] - target[0]) * 100 + abs(s[1] - target[1]), s[2]))
    return Case.objects.get(pk=pk), (n_signals, n_events)


def _scope_near(kind: str, target_schools: int | None) -> tuple[Any, dict[str, Any]]:
    """A policy officer of a board, municipality or region (`kind`) whose number of schools is closest
    to `target_schools` (default: the largest), and what their page covers."""
    from django.db.models import Count

    from haven.accounts.models import AnalystMembership
    from haven.insights.models import RollupCount
    from haven.organisations.models import School

    column = {"board": "board_id", "municipality": "municipality_id", "region": "municipality__regions"}[kind]
    officers = dict(
        AnalystMembership.objects.filter(**{f"{kind}__isnull": False}, user__is_active=True)
        .order_by("pk")
        .values_list(f"{kind}_id", "user_id")
    )
    sizes = [
        (unit, n)
        for unit, n in School.objects.filter(**{f"{column}__isnull": False})
        .values_list(column)
        .annotate(n=Count("pk"))
        .order_by()
        if unit in officers
    ]
    if not sizes:
        raise RuntimeError(
            f"No {kind} with schools and a policy officer: generate the data again (without --reuse); data "
            "generated before the monitoring has no regions."
        )
    if target_schools is None:
        unit, n = max(sizes, key=lambda row: (row[1], -row[0]))
    else:
        unit, n = min(sizes, key=lambda row: (abs(row[1] - target_schools), row[0]))
    schools = School.objects.filter(**{column: unit}).values("pk")
    user = AnalystMembership.objects.select_related("user").get(**{f"{kind}_id": unit, "user_id": officers[unit]}).user
    return user, {"id": unit, "schools": n, "rollups": RollupCount.objects.filter(school__in=schools).count()}


def _signed_in_client(user: Any, *, two_factor: bool = True) -> Any:
    """A client with a real session of `user`, that passed two-factor sign-in with their TOTP device
    (the school-wide roles; policy officers sign in with a password)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # SERVER_NAME: with DEBUG off, ALLOWED_HOSTS applies and the test client's "testserver" is not in it.
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    if two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise RuntimeError(f"{user.username} has no confirmed TOTP device: the data generator should give one.")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _timed(request: Callable[[], Any], expect: int) -> float:
    return _timed_response(request, expect)[0]


def _timed_response(request: Callable[[], Any], expect: int) -> tuple[float, Any]:
    start = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - start
    if response.status_code != expect:
        where = response.get("Location", "")
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code} {where}, not {expect}")
    return elapsed, response


def _count(model: Any) -> int:
    return int(model.objects.count())


class Bench:
    """One database's measurement, driven in steps by the parent (see `serve`)."""

    def __init__(
        self,
        *,
        target_pupils: int | None = None,
        target_case: tuple[int, int] | None = None,
        target_scopes: dict[str, int] | None = None,
        pages: tuple[str, ...] = PAGES,
    ) -> None:
        from django.conf import settings
        from django.db import connection
        from django.urls import reverse

        from haven.accounts.models import Membership
        from haven.insights.models import RollupCount
        from haven.meldcode.models import Case, Signal
        from haven.organisations.models import School
        from haven.pupils.models import Pupil

        if settings.DEBUG:
            raise RuntimeError("Measure with DEBUG off (HAVEN_DEBUG=false): DEBUG keeps every query in memory.")
        school = _school_near(target_pupils)
        membership = (
            Membership.objects.filter(school=school, role="safeguarding_lead", user__is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        assert membership is not None
        self.user = membership.user
        self.case, shape = _case_like(school, target_case)
        pupils = list(Pupil.objects.filter(school=school).order_by("pk").values_list("pk", "last_name"))
        # The same kind of search everywhere: the first three letters of the median pupil's surname.
        surnames = sorted(name for _pk, name in pupils)
        query = surnames[len(surnames) // 2][:3].lower()
        self.submit_pupils = [pk for pk, _name in pupils[:20]]
        self.submitted = 0
        self.logged: list[int] = []
        self.category = Signal.Category.values[0]
        self.client = _signed_in_client(self.user)
        self.create_url = reverse("meldcode:signal_create")
        client, create = self.client, self.create_url
        profile, inbox = reverse("two_factor:profile"), reverse("meldcode:inbox")
        dossier, home = reverse("meldcode:case_detail", args=[self.case.pk]), reverse("home")
        insights = reverse("insights:overview")
        self.requests: dict[str, Callable[[], Any]] = {
            FLOOR: lambda: client.get(profile),
            "inbox": lambda: client.get(inbox),
            "dossier": lambda: client.get(dossier),
            "pupil_search": lambda: client.get(create, {"q": query}, HTTP_HX_REQUEST="true"),
            "dashboard": lambda: client.get(home),
            # The AF's own school: exact figures, the same tables and charts as the policy officers'.
            "insights_school": lambda: client.get(insights),
        }
        scopes: dict[str, dict[str, Any]] = {}
        for page in ANALYST_PAGES:
            if page not in pages:
                continue
            kind = page.removeprefix("insights_")
            officer, scopes[kind] = _scope_near(kind, (target_scopes or {}).get(kind))
            officer_client = _signed_in_client(officer, two_factor=False)
            self.requests[page] = partial(officer_client.get, insights)
        self.requests = {name: request for name, request in self.requests.items() if name == FLOOR or name in pages}
        self.reads: dict[str, Callable[[], float]] = {
            name: partial(_timed, request, 200) for name, request in self.requests.items()
        }
        self.submitting = "signal_submit" in pages
        self.meta = {
            "vendor": connection.vendor,
            "data": {
                "schools": _count(School),
                "pupils": _count(Pupil),
                "cases": _count(Case),
                "signals": _count(Signal),
                "rollups": _count(RollupCount),
            },
            "school": {
                "id": school.pk,
                "pupils": len(pupils),
                "query": query,
                "rollups": RollupCount.objects.filter(school=school).count(),
            },
            "case": {"id": self.case.pk, "signals": shape[0], "events": shape[1]},
            "scopes": scopes,
        }

    def query_counts(self) -> dict[str, int]:
        """The number of queries of one request of every read page (after the warm-up), on every
        database it uses (the insights read a replica where one is configured)."""
        from contextlib import ExitStack

        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        counts = {}
        for name, request in self.requests.items():
            with ExitStack() as stack:
                # The warm-up has opened every connection the page uses.
                in_use = connections.all(initialized_only=True)
                captured = [stack.enter_context(CaptureQueriesContext(c)) for c in in_use]
                response = request()
            if response.status_code != 200:
                raise RuntimeError(f"{name} answered {response.status_code}, not 200")
            counts[name] = sum(len(queries.captured_queries) for queries in captured)
        return counts

    def prepared_read(self, count: int) -> dict[str, float]:
        """Why prepared queries exist (docs/decisions/0005-prepared-queries.md): one small read, the
        measured dossier's signals, as an ordinary queryset (built, compiled, run), as a prepared
        query, and its SQL alone through the cursor (the database and the driver): medians, seconds."""
        from django.db import connection

        from haven.meldcode.queries import _signals_of

        case_id = self.case.pk
        compiled, params = _signals_of.bind([case_id])
        sql = compiled.sql
        assert sql is not None  # a read by case is never empty by its shape

        def orm() -> None:
            list(_signals_of._build(case_id))

        def prepared() -> None:
            _signals_of(case_id)

        def database() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        medians = {}
        for name, run in (("orm", orm), ("prepared", prepared), ("database", database)):
            run()
            samples = []
            for _ in range(count):
                start = time.perf_counter()
                run()
                samples.append(time.perf_counter() - start)
            medians[name] = statistics.median(samples)
        return medians

    def read_rounds(self, rounds: int) -> dict[str, list[float]]:
        """`rounds` requests of every read page, round robin, so noise on the machine hits all alike."""
        samples: dict[str, list[float]] = {name: [] for name in self.reads}
        for _ in range(rounds):
            for name, read in self.reads.items():
                samples[name].append(read())
        return samples

    def submits(self, count: int) -> dict[str, list[float]]:
        """Log `count` signals through the form, for pupils of the measured school in turn."""
        from django.utils import timezone

        from haven.meldcode.models import Signal

        samples: list[float] = []
        if not self.submitting:
            return {}
        for _ in range(count):
            pupil_id = self.submit_pupils[self.submitted % len(self.submit_pupils)]
            self.submitted += 1
            data = {
                "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "source": Signal.Source.OWN_OBSERVATION,
                "categories": [self.category],
                "facts": "Kwam zonder jas en zonder ontbijt op school, koud en stil in de kring.",
                "child_words": "Er was niks meer.",
            }
            url = f"{self.create_url}?leerling={pupil_id}"
            elapsed, response = _timed_response(partial(self.client.post, url, data), 302)
            samples.append(elapsed)
            self.logged.append(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        return {"signal_submit": samples}

    def note_logged(self) -> None:
        """Note the benchmark's signals without a dossier (the inbox's own way out), so that a next
        run on the same database (--reuse) finds the inbox as the generator left it."""
        from haven.access.middleware import actor_for
        from haven.meldcode import services
        from haven.meldcode.models import Signal

        actor, _membership = actor_for(self.user)
        assert actor is not None  # the benchmark's AF is signed up
        for signal in Signal.objects.filter(pk__in=self.logged, status=Signal.Status.NEW):
            services.note_signal(actor, signal, reason="Benchmark (manage.py bench): no concern.")

    def audit(self, append_events: int) -> dict[str, Any]:
        """The append cost of record_event (one event per transaction, as a page view writes it) and
        the verification speed of the whole chain."""
        from django.db import transaction

        from haven.access.middleware import actor_for
        from haven.audit.models import AuditEvent
        from haven.audit.services import record_event
        from haven.audit.verification import verify_chain
        from haven.meldcode.audit_actions import MeldcodeAction

        actor, _membership = actor_for(self.user)
        start = time.perf_counter()
        for _ in range(append_events):
            with transaction.atomic():
                record_event(actor, MeldcodeAction.CASE_VIEW, kind=AuditEvent.Kind.READ, obj=self.case, case=self.case)
        append_seconds = time.perf_counter() - start
        start = time.perf_counter()
        verified = verify_chain()
        verify_seconds = time.perf_counter() - start
        return {
            "append": {"events": append_events, "seconds": append_seconds},
            "verify": {"events": verified.count, "seconds": verify_seconds},
        }


def serve(lines: Any, write: Callable[[str], None], **targets: Any) -> None:
    """The child's loop: answer each command from the parent with one JSON line.

    Commands: `read N` (N rounds of the read pages), `queries 1` (the queries of one request of every
    read page), `prepared N` (one small read three ways, N times each), `submit N` (N signal
    submits), `audit N` (append N events, then verify the chain; the last command).
    """
    bench = Bench(**targets)
    write(json.dumps(bench.meta))
    for line in lines:
        command, count = line.split()
        if command == "read":
            write(json.dumps(bench.read_rounds(int(count))))
        elif command == "queries":
            write(json.dumps({"queries": bench.query_counts()}))
        elif command == "prepared":
            write(json.dumps({"prepared": bench.prepared_read(int(count))}))
        elif command == "submit":
            write(json.dumps(bench.submits(int(count))))
        elif command == "audit":
            bench.note_logged()
            write(json.dumps(bench.audit(int(count))))
            return
        else:
            raise RuntimeError(f"unknown command {line!r}")


# --- The parent: build the databases, run the children, report ---------------------------------


class Target:
    """Where one size's database lives, and the environment that points a child process at it."""

    def __init__(self, name: str, workdir: Path, quick: bool) -> None:
        from django.conf import settings

        self.name = name
        database = settings.DATABASES["default"]
        self.postgresql = database["ENGINE"].endswith("postgresql")
        self.dbname = f"haven_bench_{'quick_' if quick else ''}{name}"
        self.database = database
        self.dir = workdir / name

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # DEBUG off as in production (with DEBUG on, Django also keeps every query in memory).
        env["HAVEN_DEBUG"] = "false"
        env["HAVEN_LOG_LEVEL"] = "WARNING"
        env["PYTHONUNBUFFERED"] = "1"
        if self.postgresql:
            from urllib.parse import quote

            d = self.database
            auth = quote(d.get("USER") or "", safe="")
            if d.get("PASSWORD"):
                auth += ":" + quote(d["PASSWORD"], safe="")
            host = d.get("HOST") or "localhost"
            port = f":{d['PORT']}" if d.get("PORT") else ""
            env["HAVEN_DATABASE_URL"] = f"postgres://{auth}@{host}{port}/{self.dbname}"
        else:
            env.pop("HAVEN_DATABASE_URL", None)
            env["HAVEN_VAR_DIR"] = str(self.dir)
        return env

    def _admin(self, sql: str, params: tuple[Any, ...] = (), dbname: str = "postgres") -> list[tuple[Any, ...]]:
        import psycopg

        d = self.database
        with psycopg.connect(
            dbname=dbname,
            user=d.get("USER") or None,
            password=d.get("PASSWORD") or None,
            host=d.get("HOST") or None,
            port=d.get("PORT") or None,
            autocommit=True,
        ) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def exists(self) -> bool:
        if self.postgresql:
            return bool(self._admin("SELECT 1 FROM pg_database WHERE datname = %s", (self.dbname,)))
        return (self.dir / "haven.sqlite3").exists()

    def recreate(self) -> None:
        if self.postgresql:
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.dbname}"')
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir.mkdir(parents=True)

    def drop(self) -> None:
        if self.postgresql:
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def _manage(args: list[str], env: dict[str, str]) -> str:
    # Our own manage.py with arguments built here, never from outside input.
    command = [sys.executable, str(MANAGE), *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


class Child:
    """A `manage.py bench --measure` process on one database, answering the parent's commands."""

    def __init__(self, name: str, target: Target, args: list[str]) -> None:
        self.name = name
        # Kept open for the child's lifetime (closed in close()), read only when the child fails.
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(MANAGE), "bench", "--measure", *args],
            env=target.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            bufsize=1,
        )
        self.meta = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            self.stderr.seek(0)
            raise RuntimeError(f"the measurement of {self.name} failed:\n{self.stderr.read()[-4000:]}")
        return dict(json.loads(line))

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.stderr.close()


def _interleaved(children: list[Child], command: str, total: int, chunk: int) -> dict[str, dict[str, list[float]]]:
    """Run `command` `total` times on every child, `chunk` at a time, taking turns (in alternating
    order), so a change in the machine's load during the run affects every database alike."""
    samples: dict[str, dict[str, list[float]]] = {child.name: {} for child in children}
    done = 0
    turn = 0
    while done < total:
        step = min(chunk, total - done)
        for child in children if turn % 2 == 0 else reversed(children):
            for page, values in child.ask(f"{command} {step}").items():
                samples[child.name].setdefault(page, []).extend(values)
        done += step
        turn += 1
    return samples


def run(
    *,
    sizes: list[str],
    quick: bool,
    reuse: bool,
    iterations: int,
    warmup: int,
    append_events: int,
    workdir: Path,
    keep: bool,
    write: Callable[[str], None],
) -> dict[str, Any]:
    """Build every size's database, measure them side by side, write the report, return the figures."""
    catalogue = QUICK_SIZES if quick else SIZES
    # Every large database with its smaller counterparts, each after the ones it is compared with
    # (the order of the catalogue: the region's is the national's counterpart for some pages).
    wanted = set(sizes) | set(baselines_needed(sizes))
    names = [name for name in catalogue if name in wanted]
    targets = {name: Target(name, workdir, quick) for name in names}
    for name, target in targets.items():
        size = catalogue[name]
        where = f"database {target.dbname}" if target.postgresql else f"{target.dir}"
        if reuse and target.exists():
            write(f"{name}: reusing {where}")
            # The code may have new migrations since the data was generated (adding an index, say).
            _manage(["migrate", "--noinput"], target.env())
            continue
        write(f"{name}: generating {' '.join(size.generate)} into {where}")
        start = time.perf_counter()
        target.recreate()
        _manage(["migrate", "--noinput"], target.env())
        _manage(["generate_scale_data", *size.generate], target.env())
        write(f"{name}: generated in {time.perf_counter() - start:.0f} s")

    children: list[Child] = []
    try:
        started: dict[str, Child] = {}
        for name in names:
            like = [f"--pages={','.join(catalogue[name].pages)}"]
            if name in BASELINE:
                # The one-school database sets what its large one is compared on: a school of its size,
                # a dossier of its shape.
                base = started[BASELINE[name]].meta
                shape = base["case"]
                like += [
                    f"--target-pupils={base['school']['pupils']}",
                    f"--target-case={shape['signals']},{shape['events']}",
                ]
            # And a policy officer's page one of a board, municipality or region of as many schools.
            scopes = []
            for page in ANALYST_PAGES:
                base_name = PAGE_BASELINE[page].get(name)
                kind = page.removeprefix("insights_")
                if base_name is not None and kind in started[base_name].meta["scopes"]:
                    scopes.append(f"{kind}:{started[base_name].meta['scopes'][kind]['schools']}")
            if scopes:
                like.append(f"--target-scopes={','.join(scopes)}")
            started[name] = Child(name, targets[name], like)
            children.append(started[name])
        chunk = max(1, min(10, iterations))
        _interleaved(children, "read", warmup, chunk)
        queries = {child.name: child.ask("queries 1")["queries"] for child in children}
        prepared = {child.name: child.ask(f"prepared {max(iterations, 20)}")["prepared"] for child in children}
        reads = _interleaved(children, "read", iterations, chunk)
        # The submits come after the read pages: the signals they log would show in the inbox.
        _interleaved(children, "submit", warmup, chunk)
        submits = _interleaved(children, "submit", iterations, chunk)
        results: dict[str, dict[str, Any]] = {}
        for child in children:
            samples = {**reads[child.name], **submits[child.name]}
            results[child.name] = {
                **child.meta,
                **child.ask(f"audit {append_events}"),
                "queries": queries[child.name],
                "prepared": prepared[child.name],
                "pages": {
                    page: {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "n": len(values)}
                    for page, values in samples.items()
                },
            }
            results[child.name]["data"]["audit_events"] = results[child.name]["verify"]["events"]
            _describe(child.name, results[child.name], write)
    finally:
        for child in children:
            child.close()
    if quick and not keep:
        for target in targets.values():
            target.drop()
    return report(results, write)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _describe(name: str, result: dict[str, Any], write: Callable[[str], None]) -> None:
    data = result["data"]
    write(
        f"{name} ({result['vendor']}): {data['schools']} schools, {data['pupils']} pupils, {data['cases']} dossiers, "
        f"{data['signals']} signals, {data['audit_events']} audit events, {data['rollups']} rollup rows; measured "
        f"school {result['school']['id']} ({result['school']['pupils']} pupils, {result['school']['rollups']} rollup "
        f"rows), dossier {result['case']['id']} ({result['case']['signals']} signals, {result['case']['events']} "
        f"changes), search {result['school']['query']!r}"
    )
    for kind, scope in result.get("scopes", {}).items():
        write(f"  {kind} {scope['id']}: {scope['schools']} schools, {scope['rollups']} rollup rows")


def report(results: dict[str, dict[str, Any]], write: Callable[[str], None]) -> dict[str, Any]:
    """Print the table and the summary; large/small compares each large database with its counterpart
    for that page (`baseline_of`)."""
    names = list(results)
    write("")
    header = f"{'page':<23}{'size':<14}{'p50 ms':>9}{'p95 ms':>9}{'large/small p50':>17}{'p95':>7}{'x floor p50':>13}"
    write(header)
    worst_ratio = 0.0
    worst_floor = 0.0
    for page in (FLOOR, *PAGES):
        for name in names:
            figures = results[name]["pages"].get(page)
            if figures is None:
                continue
            floor = results[name]["pages"][FLOOR]["p50"]
            line = f"{page:<23}{name:<14}{_ms(figures['p50']):>9}{_ms(figures['p95']):>9}"
            base = baseline_of(page, name)
            small = results[base]["pages"].get(page) if base in results else None
            if small is None:
                line += f"{'':>17}{'':>7}"
            else:
                ratio = figures["p50"] / small["p50"]
                ratio95 = figures["p95"] / small["p95"]
                line += f"{ratio:>17.2f}{ratio95:>7.2f}"
                if page != FLOOR:
                    worst_ratio = max(worst_ratio, ratio)
            if page != FLOOR:
                times_floor = figures["p50"] / floor
                worst_floor = max(worst_floor, times_floor)
                line += f"{times_floor:>13.2f}"
            write(line)
    if any("queries" in result for result in results.values()):
        write("")
        for page in (FLOOR, *PAGES):
            counts = [
                f"{name} {results[name]['queries'][page]}" for name in names if page in results[name].get("queries", {})
            ]
            if counts:
                write(f"queries {page}: {', '.join(counts)}")
    write("")
    for name in names:
        append = results[name]["append"]
        verify = results[name]["verify"]
        per_event = append["seconds"] / max(1, append["events"])
        rate = verify["events"] / verify["seconds"] if verify["seconds"] else 0.0
        write(
            f"audit {name}: append {per_event * 1e6:.0f} µs/event ({append['events']} events); "
            f"verify {verify['events']} events in {verify['seconds']:.2f} s = {int(rate)} events/s"
        )
    write("")
    for name in names:
        if (prepared := results[name].get("prepared")) is not None:
            write(
                f"prepared {name}: one small read (a dossier's signals): queryset {prepared['orm'] * 1e3:.2f} ms, "
                f"prepared {prepared['prepared'] * 1e3:.2f} ms, its SQL alone {prepared['database'] * 1e3:.2f} ms"
            )
    # The verification speed of the longest chain measured: a short chain is mostly start-up.
    longest = max(names, key=lambda n: results[n]["verify"]["events"])
    verify = results[longest]["verify"]
    rate = int(verify["events"] / verify["seconds"]) if verify["seconds"] else 0
    write(
        f"targets: large/small <= {TARGET_LARGE_SMALL} (p50), page <= {TARGET_FLOOR} x floor (p50), "
        f"verify >= {TARGET_VERIFY} events/s"
    )
    write(f"bench: worst large/small {worst_ratio:.2f}; worst floor {worst_floor:.2f}; verify {rate} events/s")
    return {"results": results, "worst_ratio": worst_ratio, "worst_floor": worst_floor, "verify_rate": rate}
