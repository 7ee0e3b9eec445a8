"""Running Haven for real in tests: `scripts/serve.sh` (gunicorn, production profile) on loopback,
a database of its own on the throw-away PostgreSQL server, and restarting that server.

Everything is bounded in time and cleaned up: gunicorn runs in its own process group, which is
terminated (then killed) however the test ends.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url

from tests.load.driver import Target
from tests.system import PRODUCTION, clean_environment

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "haven.example.org"  # in PRODUCTION's HAVEN_ALLOWED_HOSTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


# The database ----------------------------------------------------------------------------------


def _admin_connection(url: str):
    import psycopg

    parts = dj_database_url.parse(url)
    return psycopg.connect(
        host=parts["HOST"],
        port=parts["PORT"],
        user=parts["USER"],
        password=parts["PASSWORD"],
        dbname=parts["NAME"],
        autocommit=True,
        connect_timeout=10,
    )


@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of `server_url` (the role has CREATEDB); dropped after."""
    name = f"haven_load_{uuid.uuid4().hex[:8]}"
    with _admin_connection(server_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        for _attempt in range(3):
            try:
                with _admin_connection(server_url) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except Exception:  # noqa: BLE001 - the server may be restarting; try again shortly
                time.sleep(2)


def development_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """For set-up commands (seed_demo is development-only); the production encryption and audit keys, so
    the server in the production profile can read what the seeder encrypted and continue its chain."""
    return clean_environment(
        HAVEN_DATABASE_URL=database_url,
        HAVEN_VAR_DIR=str(var_dir),
        HAVEN_ENCRYPTION_KEYS=PRODUCTION["HAVEN_ENCRYPTION_KEYS"],
        HAVEN_AUDIT_KEYS=PRODUCTION["HAVEN_AUDIT_KEYS"],
    )


def seed(database_url: str, var_dir: Path, password: str) -> dict:
    """Migrate, load the demo data, give the demo staff `password`; returns accounts and marks."""
    env = development_env(database_url, var_dir)
    run(sys.executable, "manage.py", "migrate", "--noinput", "-v0", env=env, timeout=600)
    run(sys.executable, "manage.py", "seed_demo", env=env, timeout=600)
    return prepare(database_url, var_dir, password)


def prepare(database_url: str, var_dir: Path, password: str) -> dict:
    env = development_env(database_url, var_dir)
    result = run(sys.executable, "-m", "tests.load.database", "prepare", password, env=env, timeout=300)
    return json.loads(result.stdout.strip().splitlines()[-1])


def marks(database_url: str, var_dir: Path) -> dict:
    """The highest audit sequence and ids now: what a run writes comes after them."""
    env = development_env(database_url, var_dir)
    result = run(sys.executable, "-m", "tests.load.database", "marks", env=env, timeout=120)
    return json.loads(result.stdout.strip().splitlines()[-1])["marks"]


def verify(database_url: str, var_dir: Path, data: dict) -> dict:
    path = var_dir / f"writes-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    env = development_env(database_url, var_dir)
    result = run(sys.executable, "-m", "tests.load.database", "verify", str(path), env=env, timeout=600)
    return json.loads(result.stdout.strip().splitlines()[-1])


def verify_audit(database_url: str, var_dir: Path) -> str:
    env = development_env(database_url, var_dir)
    result = run(sys.executable, "manage.py", "verify_audit", env=env, timeout=600)
    return (result.stdout + result.stderr).strip()


# The server ------------------------------------------------------------------------------------


def production_env(var_dir: Path, port: int, **extra: str) -> dict[str, str]:
    return clean_environment(
        **PRODUCTION, HAVEN_VAR_DIR=str(var_dir), HAVEN_BIND=f"127.0.0.1:{port}", PY=sys.executable, **extra
    )


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def serve(var_dir: Path, env: dict[str, str], port: int, start_timeout: float = 180) -> Iterator[Target]:
    """`scripts/serve.sh` (checks, migrate, collectstatic, gunicorn) until /healthz answers ok."""
    log_path = var_dir / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve.sh exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn not ready in {start_timeout:.0f} s:\n{log_path.read_text()[-4000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get(port, "/healthz", timeout=2)[0] == 200:
                    break
            time.sleep(0.5)
        yield Target("127.0.0.1", port, PUBLIC_HOST)
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def server_log(var_dir: Path, port: int) -> str:
    return (var_dir / f"serve-{port}.log").read_text(errors="replace")


# Restarting PostgreSQL -------------------------------------------------------------------------


def postgres_control() -> tuple[list[str], str, str, str, str]:
    """What scripts/with-postgres.sh exports so a test can stop and start its server."""
    names = ("HAVEN_PG_BINDIR", "HAVEN_PG_DATA", "HAVEN_PG_LOG", "HAVEN_PG_PORT")
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        raise AssertionError(f"run under scripts/with-postgres.sh, which exports {', '.join(missing)}")
    run_as = os.environ.get("HAVEN_PG_RUN_AS", "")
    prefix = ["runuser", "-u", run_as, "--"] if run_as else []
    return prefix, *(os.environ[n] for n in names)  # type: ignore[return-value]


def stop_postgres() -> None:
    prefix, bindir, data, _log, _port = postgres_control()
    subprocess.run(
        [*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "30", "stop"],
        check=True,
        capture_output=True,
        timeout=60,
    )


def start_postgres() -> None:
    prefix, bindir, data, log, port = postgres_control()
    subprocess.run(
        [*prefix, f"{bindir}/pg_ctl", "-D", data, "-l", log, "-o", f"-p {port}", "-w", "-t", "60", "start"],
        check=True,
        capture_output=True,
        timeout=90,
    )
