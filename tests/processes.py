"""Haven in separate processes, for the audit and backup tests: a SQLite site, writers, the chain they leave.

A migrated SQLite site in its own var directory, `manage.py` run as a child process with its own
database settings, writer processes that log signals through the services at the same moment, and
the checks of the chain they leave behind (see tests/integration/test_parallel_audit.py).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from haven.audit.chain import GENESIS
from haven.audit.models import AuditEvent

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
AUDIT_TABLE = AuditEvent._meta.db_table
WRITERS = 4
SIGNALS_EACH = 30
PROCESS_TIMEOUT = 240

# A school with an AF per writer and one pupil, through the factories; prints their keys as JSON.
SEED = """
import json
from tests.factories import MembershipFactory, PupilFactory, SchoolFactory, UserFactory
school = SchoolFactory()
pupil = PupilFactory(school=school)
users = []
for n in range({writers}):
    user = UserFactory(username=f"writer{{n}}")
    MembershipFactory(user=user, school=school, role="safeguarding_lead")
    users.append(user.username)
print(json.dumps({{"pupil": pupil.pk, "users": users}}))
"""

# One writer: waits for the start signal (a file), then logs and reads signals through the services.
WRITE = """
import os, time
from django.utils import timezone
from haven.access.middleware import actor_for
from haven.accounts.models import User
from haven.meldcode import queries, services
from haven.meldcode.models import Signal
from haven.pupils.models import Pupil
actor, _membership = actor_for(User.objects.get(username=os.environ["WRITER_USER"]))
pupil = Pupil.objects.get(pk=int(os.environ["WRITER_PUPIL"]))
go = os.environ["WRITER_GO"]
open(go + "." + os.environ["WRITER_USER"], "w").close()  # ready
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.01)
stop = os.environ.get("WRITER_STOP")
written = 0
for n in range(int(os.environ["WRITER_COUNT"])):
    if stop and os.path.exists(stop):
        break
    signal = services.log_signal(
        actor, pupil=pupil, observed_at=timezone.now(), source=Signal.Source.OWN_OBSERVATION,
        categories=[Signal.Category.PHYSICAL_NEGLECT], facts=f"Waarneming {n} van {actor.user_id}.",
    )
    queries.get_signal(actor, signal.pk)
    written += 1
print("wrote", written)
"""


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a Haven process: this one's, with its own database settings."""
    env = {key: value for key, value in os.environ.items() if key not in ("HAVEN_DATABASE_URL", "HAVEN_VAR_DIR")}
    env.setdefault("HAVEN_ENV", "development")
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*MANAGE, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    if check:
        assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "--no-imports", "-c", code).stdout


def counts_of(env: dict[str, str]) -> dict[str, int]:
    """The rows of every table of the database `env` points at, counted by a Haven process."""
    out = shell(
        env, "import json; from haven.infrastructure.backup import table_counts; print(json.dumps(table_counts()))"
    )
    return json.loads(out.strip().splitlines()[-1])


def verified_count(env: dict[str, str]) -> int:
    """`manage.py verify_audit` in a fresh process: the number of events it verified."""
    out = manage(env, "verify_audit").stdout
    first = out.splitlines()[0]
    assert first.startswith("verified "), out
    return int(first.split()[1])


def seed(env: dict[str, str], writers: int = WRITERS) -> dict:
    return json.loads(shell(env, SEED.format(writers=writers)).strip().splitlines()[-1])


def start_writers(
    env: dict[str, str], seeded: dict, go: Path, count: int = SIGNALS_EACH, stop: Path | None = None
) -> list[subprocess.Popen]:
    """Writer processes, one per seeded user, that wait for `go`; each writes `count` signals (with
    a read each), or fewer when `stop` appears."""
    return [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [*MANAGE, "shell", "--no-imports", "-c", WRITE],
            env={
                **env,
                "WRITER_USER": user,
                "WRITER_PUPIL": str(seeded["pupil"]),
                "WRITER_GO": str(go),
                "WRITER_COUNT": str(count),
                "WRITER_STOP": str(stop or ""),
            },
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user in seeded["users"]
    ]


def release(go: Path, seeded: dict) -> None:
    """Start every writer at the same moment: once all have started up and wait."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while not all(Path(f"{go}.{user}").exists() for user in seeded["users"]):
        assert time.monotonic() < deadline, "the writers did not start"
        time.sleep(0.05)
    go.touch()


def assert_interleaved(actor_ids: list[int], writers: int = WRITERS) -> None:
    """The writers really wrote at the same time: one after the other would change writer
    `writers - 1` times; overlapping writers change more often."""
    switches = sum(1 for a, b in zip(actor_ids, actor_ids[1:], strict=False) if a != b)
    assert switches > writers - 1, f"only {switches} changes of writer: the writes did not overlap"


def finish(writers: list[subprocess.Popen]) -> None:
    """Wait for every writer (bounded); each must have written all it was asked to."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    failures = []
    for process in writers:
        try:
            out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        if process.returncode != 0 or "wrote" not in out:
            failures.append(f"exit {process.returncode}: {out}\n{err[-2000:]}")
    assert failures == []


def assert_one_chain(rows: list[tuple[int, str, str]]) -> None:
    """(sequence, prev_hash, hash) in sequence order: 1..n, each linked to the one before."""
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    previous = GENESIS
    for sequence, prev_hash, hash_ in rows:
        assert prev_hash == previous, f"event {sequence} does not link to event {sequence - 1}"
        previous = hash_


def sqlite_chain(path: Path) -> list[tuple[int, str, str]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(f"SELECT sequence, prev_hash, hash FROM {AUDIT_TABLE} ORDER BY sequence").fetchall()  # noqa: S608
    finally:
        db.close()


def sqlite_actors(path: Path) -> list[int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in db.execute(f"SELECT actor_id FROM {AUDIT_TABLE} ORDER BY sequence")]  # noqa: S608
    finally:
        db.close()


class SqliteSite:
    """A Haven SQLite database file in its own var directory, used by separate processes."""

    def __init__(self, var: Path, template: Path | None = None) -> None:
        self.var = var
        var.mkdir(parents=True, exist_ok=True)
        self.env = child_env(HAVEN_VAR_DIR=str(var))
        if template is not None:
            shutil.copyfile(template, self.path)

    @property
    def path(self) -> Path:
        return self.var / "haven.sqlite3"


def database_url(name: str | None = None) -> str:
    """The URL of the test database (or another database `name` on the same server)."""
    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
        f"@{db['HOST']}:{db['PORT']}/{name or db['NAME']}"
    )
