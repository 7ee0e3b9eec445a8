"""Load and fault: Haven under gunicorn in the production profile, used by simulated staff.

Both run on the PostgreSQL run of `make test` (marked `postgresql`): a database of their own on the
throw-away server (scripts/with-postgres.sh), migrated and loaded with the demo data, and
`scripts/serve.sh` (what `make serve` runs) on a free loopback port.

- Load: 50 simulated staff for 120 s (HAVEN_LOAD_USERS / HAVEN_LOAD_SECONDS shorten it on a
  developer's machine; with CI=true they are ignored): teachers search pupils and log signals,
  the IB/AF/school leaders read the inbox and dossiers and record consultations. Pass: no 5xx
  and nothing else unexpected, every write that answered success is in the database with its
  audit event (and nothing more was written), and `verify_audit` passes.
- Fault: 20 staff for 45 s (HAVEN_FAULT_USERS / HAVEN_FAULT_SECONDS) while PostgreSQL stops
  (fast shutdown), stays down 5 s and starts again. Pass: every answer is either normal or the
  Dutch 503 page, never a 500 or a traceback; a few seconds after the database is back everything
  answers normally again, with the same gunicorn; every write that answered success is there with
  its audit event, nothing is half-done, and `verify_audit` passes.

The simulated staff wait 0.5 to 2 s between pages, far less than people do, so 50 of them load
Haven more than 50 real people would. The load driver, gunicorn and PostgreSQL share this
machine's CPUs: the printed latencies are this machine's, not a capacity figure.

What differs from a real deployment, and why: the demo accounts get a random password (production
refuses the published one), and the requests carry the reverse proxy's `X-Forwarded-Proto: https`
and public host name. Nothing in the production profile is switched off.
"""

import os
import secrets
import threading
import time

import pytest
from django.db import connections

from haven.tools.demo_data import DEMO_TOTP_SECRET
from tests.load import driver, harness

pytestmark = pytest.mark.postgresql

# A few seconds after PostgreSQL is back, everything must answer normally again.
RECOVERY_SECONDS = 10


@pytest.fixture(scope="module")
def load_database(tmp_path_factory):
    """A migrated database with the demo data and a known password for the demo staff."""
    var_dir = tmp_path_factory.mktemp("load")
    password = "load-" + secrets.token_urlsafe(18)
    with harness.scratch_database(os.environ["HAVEN_DATABASE_URL"]) as url:
        info = harness.seed(url, var_dir, password)
        yield url, var_dir, password, info


def _accounts(info) -> list[driver.Account]:
    return [driver.Account(a["username"], a["role"]) for a in info["accounts"]]


def _verify(url, var_dir, marks, recorder) -> dict:
    writes = [w.__dict__ for w in recorder.writes]
    result = harness.verify(url, var_dir, {"marks": marks, "writes": writes})
    assert result["problems"] == [], result["problems"]
    output = harness.verify_audit(url, var_dir)
    print(f"verify_audit: {output.splitlines()[-1] if output else ''}")
    return result


def _int_env(name: str, default: int) -> int:
    """A shorter run on a developer's machine; CI always runs the full one."""
    if os.environ.get("CI") == "true":
        return default
    return int(os.environ.get(name) or default)


def test_fifty_staff_for_two_minutes_without_errors_or_lost_writes(load_database):
    url, var_dir, password, info = load_database
    users, seconds = _int_env("HAVEN_LOAD_USERS", 50), _int_env("HAVEN_LOAD_SECONDS", 120)
    marks = harness.marks(url, var_dir)
    port = harness.free_port()
    with harness.serve(var_dir, harness.production_env(var_dir, port, HAVEN_DATABASE_URL=url), port) as target:
        recorder, _started, elapsed = driver.run(
            target, _accounts(info), password, DEMO_TOTP_SECRET, users=users, seconds=seconds
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload: {users} simulated staff, {seconds} s, gunicorn (default workers) and PostgreSQL on this machine")
    print(f"{os.cpu_count()} CPUs; load average at the end {load} (everything else on the machine counts too)")
    print(recorder.summary(elapsed))

    unexpected = recorder.unexpected()
    assert not unexpected, [(r.kind, r.method, r.status, r.note) for r in unexpected[:20]]
    assert not [r for r in recorder.results if r.status >= 500]
    if seconds >= 60:  # a shortened run on a developer's machine may not get round to every kind
        kinds = {r.kind for r in recorder.results}
        assert {"signal_submit", "consultation_submit", "pupil_search", "inbox", "dossier"} <= kinds
    result = _verify(url, var_dir, marks, recorder)
    # Without faults every write answered, so exactly the answered writes were made.
    assert result["created"] == result["answered_success"], result


def test_a_postgresql_restart_under_load_gives_the_dutch_503_and_recovers(load_database):
    url, var_dir, password, info = load_database
    users, seconds = _int_env("HAVEN_FAULT_USERS", 20), _int_env("HAVEN_FAULT_SECONDS", 45)
    down_after, down_for = seconds * 0.3, 5.0
    marks = harness.marks(url, var_dir)
    port = harness.free_port()
    moments: dict[str, float] = {}
    failures: list[BaseException] = []

    def restart() -> None:
        try:
            time.sleep(down_after)
            moments["down"] = time.monotonic()
            harness.stop_postgres()
            time.sleep(down_for)
            harness.start_postgres()
            moments["up"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)

    try:
        env = harness.production_env(var_dir, port, HAVEN_DATABASE_URL=url)
        with harness.serve(var_dir, env, port) as target:
            booted = len(harness.server_log(var_dir, port))
            restarter = threading.Thread(target=restart, name="restart-postgresql")
            restarter.start()
            recorder, _started, elapsed = driver.run(
                target, _accounts(info), password, DEMO_TOTP_SECRET, users=users, seconds=seconds, outage_allowed=True
            )
            restarter.join(timeout=120)
            # The same gunicorn answers afterwards: it was never restarted.
            assert harness.get(port, "/healthz")[0] == 200
        log = harness.server_log(var_dir, port)
    finally:
        if "down" in moments and "up" not in moments:
            harness.start_postgres()
        # This process's own connection died with the server: the next test must reconnect.
        connections.close_all()
    assert not failures, failures
    print(f"\nfault: {users} simulated staff, {seconds} s; PostgreSQL down for {moments['up'] - moments['down']:.1f} s")
    print(recorder.summary(elapsed))

    unexpected = recorder.unexpected()
    assert not unexpected, [(r.kind, r.method, r.status, r.note) for r in unexpected[:20]]
    outages = [r for r in recorder.results if r.outage]
    assert outages, "no request saw the outage: the restart did not happen during the load"
    last_outage = max(r.at for r in outages) - moments["up"]
    print(f"503 answers: {len(outages)}; the last one {last_outage:+.1f} s after PostgreSQL was back")
    assert all(moments["down"] - 1 <= r.at for r in outages)
    assert last_outage <= RECOVERY_SECONDS
    after = [r for r in recorder.results if r.at > moments["up"] + RECOVERY_SECONDS]
    assert after and all(r.expected and not r.outage for r in after)
    assert "Traceback" not in log and "WORKER TIMEOUT" not in log
    # Not one worker was replaced: the same processes served before, during and after.
    assert "Booting worker" not in log[booted:]
    assert "database unavailable" in log

    result = _verify(url, var_dir, marks, recorder)
    # A write may have committed while its answer was lost to the outage (then it answered 503):
    # it is complete (checked above), just not counted as answered.
    for kind, answered in result["answered_success"].items():
        assert result["created"][kind] >= answered
    print(f"writes: answered {result['answered_success']}, in the database {result['created']}")
    # The page people saw: the Dutch one.
    assert recorder.outage_bodies
    for body in recorder.outage_bodies:
        assert "Haven is tijdelijk niet beschikbaar" in body and "Traceback" not in body
