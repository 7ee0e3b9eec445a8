"""A database outage answers the Dutch "temporarily unavailable" page (503), never a 500 or a trace.

The real thing: Haven in a subprocess whose HAVEN_DATABASE_URL points at a closed loopback port,
so every database access fails the way it does when PostgreSQL is down. The failure then happens
where it happens in life: in the session and authentication middleware for a signed-in person,
in the sign-in view for someone signing in. (The PostgreSQL restart under load is in test_load.py.)
"""

import json
import logging
import socket
import subprocess
import sys
from unittest import mock

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from haven.infrastructure import errors
from tests.system import clean_environment

DUTCH_HEADING = "Haven is tijdelijk niet beschikbaar"

# Runs in the subprocess: a few requests, their answers as JSON on the last line of stdout.
CLIENT = """
import json
import django
django.setup()
from django.test import Client

answers = {}
anonymous = Client(raise_request_exception=False)
answers["login_page"] = anonymous.get("/inloggen/?next=/inbox/")
answers["login_post"] = anonymous.post(
    "/inloggen/", {"login_view-current_step": "auth", "auth-username": "af", "auth-password": "x" * 16}
)
signed_in = Client(raise_request_exception=False)
signed_in.cookies["sessionid"] = "a" * 32
answers["dossier"] = signed_in.get("/dossiers/1/")
answers["search"] = signed_in.get("/signalen/nieuw/?q=Sanne", headers={"HX-Request": "true"})
answers["healthz"] = anonymous.get("/healthz")
print(json.dumps({
    name: {
        "status": r.status_code,
        "retry_after": r.get("Retry-After"),
        "cache_control": r.get("Cache-Control", ""),
        "body": r.content.decode(),
    }
    for name, r in answers.items()
}))
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is: nothing listens there


def _run_without_database(tmp_path) -> tuple[dict, str]:
    url = f"postgres://haven:secret@127.0.0.1:{_closed_port()}/haven"
    result = subprocess.run(
        [sys.executable, "-c", CLIENT],
        env=clean_environment(
            DJANGO_SETTINGS_MODULE="haven.settings",
            HAVEN_DEBUG="false",
            HAVEN_ALLOWED_HOSTS="testserver",
            HAVEN_DATABASE_URL=url,
            HAVEN_VAR_DIR=str(tmp_path),
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_without_a_database_every_page_answers_the_dutch_503(tmp_path):
    answers, log = _run_without_database(tmp_path)
    for name in ("login_page", "login_post", "dossier", "search"):
        answer = answers[name]
        assert answer["status"] == 503, (name, answer["status"], answer["body"][:300])
        assert answer["retry_after"] == str(errors.RETRY_AFTER_SECONDS)
        assert "no-store" in answer["cache_control"]
        assert DUTCH_HEADING in answer["body"], name
        assert "Traceback" not in answer["body"] and "OperationalError" not in answer["body"]
        assert "127.0.0.1" not in answer["body"]  # nothing about the server either
    # The health check says it in its own words, for the load balancer.
    assert answers["healthz"]["status"] == 503
    # One line per failed request for the operator: no traceback, no search terms.
    assert log.count("database unavailable: ") == 4, log
    assert "Traceback" not in log
    assert "Sanne" not in log and "q=" not in log


def test_the_outage_page_needs_no_database():
    # No `db` fixture: pytest-django refuses any database access here, so rendering must not need one.
    request = RequestFactory().get("/dossiers/1/")
    response = errors.unavailable(request, OperationalError("connection refused"))
    assert response.status_code == 503
    html = response.content.decode()
    assert DUTCH_HEADING in html
    # The site's own look: its stylesheet, its header, the hide-screen control.
    assert "haven/theme" in html and "haven-header" in html and "data-haven-hide" in html


def test_a_session_lost_to_the_outage_is_an_outage_not_a_bad_request(caplog):
    """The session middleware turns a failed save into SessionInterrupted (400): its cause counts."""
    request = RequestFactory().post("/signalen/nieuw/?leerling=3")
    try:
        try:
            try:
                raise OperationalError("server closed the connection unexpectedly")
            except OperationalError as exc:
                raise UpdateError from exc
        except UpdateError:
            raise SessionInterrupted("The request's session was deleted before the request completed.")  # noqa: B904
    except SessionInterrupted as interrupted:
        with caplog.at_level(logging.ERROR, logger="haven.errors"):
            response = errors.bad_request(request, interrupted)
    assert response.status_code == 503
    assert [r.getMessage() for r in caplog.records] == [
        "database unavailable: POST /signalen/nieuw/: OperationalError: server closed the connection unexpectedly"
    ]
    # Any other bad request stays a bad request.
    assert errors.bad_request(request, SessionInterrupted("gone")).status_code == 400


def test_other_server_errors_keep_the_plain_500_page():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


def test_a_database_error_in_a_view_answers_503_to_a_signed_in_person(cast, settings):
    settings.DEBUG = False
    case = cast.case()
    client = cast.client("af")
    client.raise_request_exception = False
    with mock.patch(
        "haven.meldcode.views.queries.load_dossier", side_effect=OperationalError("terminating connection")
    ):
        response = client.get(reverse("meldcode:case_detail", args=[case.pk]))
    assert response.status_code == 503
    assert DUTCH_HEADING in response.content.decode()
