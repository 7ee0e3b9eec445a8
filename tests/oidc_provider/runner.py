"""Start and stop the test provider for a test module (not a test module itself).

`running_provider(...)` starts tests/oidc_provider/serve.py in a subprocess on a free loopback port
with its own database in `directory`, yields its base URL, and ends it afterwards.
"""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "haven-test"
CLIENT_SECRET = "test-client-secret-for-loopback"
PASSWORD = "provider-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_provider(
    directory: Path, *, redirect_uri: str, post_logout_uri: str, people: dict[str, str]
) -> Iterator[str]:
    """`people`: username -> first name (the first name steers the ID token: tests/oidc_provider/hooks.py)."""
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_DB": str(directory / "provider.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    lines = "".join(
        json.dumps({"username": u, "password": PASSWORD, "first_name": f}) + "\n" for u, f in people.items()
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", CLIENT_ID, CLIENT_SECRET, redirect_uri, post_logout_uri],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(lines)
        process.stdin.close()
        line = process.stdout.readline()
        assert line.strip() == "ready", f"the test provider did not start: {line!r}"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
