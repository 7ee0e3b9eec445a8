"""`make serve`: the production profile under gunicorn, static files by whitenoise.

scripts/serve.sh (what `make serve` runs) really starts: on a free loopback port, with the
production environment of tests/system.py, against a fresh SQLite database (or, on the PostgreSQL
run, whatever HAVEN_DATABASE_URL is not: clean_environment drops it, so this is the embedded
default). The process group is always terminated at the end.
"""

import re
import subprocess
import sys

import pytest
from django.test import Client

from tests.load import harness
from tests.system import PRODUCTION, clean_environment


def test_serve_refuses_an_incomplete_production_environment_with_a_plain_message(tmp_path):
    without_keys = {k: v for k, v in PRODUCTION.items() if k != "HAVEN_ENCRYPTION_KEYS"}
    for env in ({}, without_keys):
        result = subprocess.run(
            ["bash", "scripts/serve.sh"],
            cwd=harness.ROOT,
            env=clean_environment(**env, HAVEN_VAR_DIR=str(tmp_path), PY=sys.executable),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1
        assert "refuses to start in the production profile" in result.stderr
        assert "Traceback" not in result.stderr
    # The last one names what is missing.
    assert "HAVEN_ENCRYPTION_KEYS" in result.stderr.splitlines()[0]


def test_serve_runs_gunicorn_and_whitenoise_serves_the_static_files(tmp_path):
    port = harness.free_port()
    env = harness.production_env(tmp_path, port, HAVEN_WORKERS="2")
    with harness.serve(tmp_path, env, port):
        status, headers, body = harness.get(port, "/healthz")
        assert (status, body) == (200, b"ok")
        assert headers["Server"].startswith("gunicorn")

        status, headers, body = harness.get(port, "/inloggen/?next=/signalen/nieuw/%3Fq%3DSanne")
        assert status == 200
        html = body.decode()
        assert "Inloggen" in html
        assert "Strict-Transport-Security" in headers
        stylesheet = re.search(r'href="(/static/haven/theme\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, "the page links the hashed stylesheet (the manifest storage)"

        status, headers, body = harness.get(port, stylesheet.group(1), {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers["Content-Encoding"] == "gzip"  # pre-compressed by whitenoise
        assert "immutable" in headers["Cache-Control"]  # hashed name: cached for good

        # Without the proxy's X-Forwarded-Proto the production profile sends people to HTTPS.
        status, headers, _ = harness.get(port, "/inloggen/", {"X-Forwarded-Proto": "http"})
        assert status == 301 and headers["Location"].startswith("https://")
    log = harness.server_log(tmp_path, port)
    assert "Traceback" not in log
    # The access log has no query strings (a pupil search would put a name there).
    assert '"GET /inloggen/" 200' in log
    assert "Sanne" not in log


@pytest.mark.django_db
def test_the_development_server_still_serves_static_files(settings):
    settings.DEBUG = True  # `make demo`: runserver with DEBUG; whitenoise finds the files itself
    response = Client().get("/static/haven/theme.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])


# Behind the reverse proxy: the client's address (haven/infrastructure/proxy.py) -------------------------


def _address_seen(settings, remote: str, forwarded: str | None) -> str:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from haven.infrastructure.proxy import TrustedProxyMiddleware

    settings.HAVEN_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    middleware = TrustedProxyMiddleware(lambda request: HttpResponse(request.META["REMOTE_ADDR"]))
    extra = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return middleware(RequestFactory().get("/", **extra)).content.decode()


def test_the_client_address_is_the_last_one_a_trusted_proxy_added(settings):
    assert _address_seen(settings, "127.0.0.1", "203.0.113.9") == "203.0.113.9"
    # Two proxies of ours; whatever the client claimed further left is ignored.
    assert _address_seen(settings, "127.0.0.1", "198.51.100.1, 203.0.113.9, 10.0.0.5") == "203.0.113.9"
    # Not from a proxy of ours: its header is not believed.
    assert _address_seen(settings, "192.0.2.44", "203.0.113.9") == "192.0.2.44"
    assert _address_seen(settings, "127.0.0.1", "not-an-address") == "127.0.0.1"
    assert _address_seen(settings, "127.0.0.1", None) == "127.0.0.1"


def test_without_trusted_proxies_the_middleware_stays_out_of_the_way(settings):
    from django.core.exceptions import MiddlewareNotUsed

    from haven.infrastructure.proxy import TrustedProxyMiddleware

    settings.HAVEN_TRUSTED_PROXIES = []
    with pytest.raises(MiddlewareNotUsed):
        TrustedProxyMiddleware(lambda request: None)


def test_behind_the_proxy_a_failed_sign_in_counts_against_the_client_not_the_proxy(cast, settings):
    from axes.models import AccessAttempt

    settings.HAVEN_TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    form = {"login_view-current_step": "auth", "auth-username": "teacher", "auth-password": "wrong-password-123"}
    assert client.post("/inloggen/", form).status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
