"""Health check, the home page per role, and the production profile's refusals."""

import subprocess
import sys
from unittest import mock

from django.contrib.auth import authenticate
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tests.system import PRODUCTION, clean_environment


def test_healthz_answers_ok_when_the_database_answers(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_503_when_the_database_does_not(db):
    with mock.patch("haven.infrastructure.health.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503


def test_home_shows_the_inbox_summary_to_the_school_wide_roles_only(cast):
    cast.signal("teacher")
    for name in ("ib", "af", "leader"):
        assert "per_step" in cast.client(name).get(reverse("home")).context
    for name in ("teacher", "assistant", "admin"):
        assert "per_step" not in cast.client(name).get(reverse("home")).context


def test_home_shows_a_teacher_her_own_signals_and_dossiers(cast):
    case = cast.case(author="teacher")
    response = cast.client("teacher").get(reverse("home"))
    assert [s.pk for s in response.context["my_signals"]] == [case.signals.get().pk]
    assert [c.pk for c, _route in response.context["my_cases"]] == [case.pk]
    assert response.context["my_cases"][0][1].current_step == 2


def test_the_functional_admin_sees_management_links_and_no_case_content(cast):
    cast.case(author="teacher")
    response = cast.client("admin").get(reverse("home"))
    assert response.context["manages"] is True
    assert "my_cases" not in response.context
    assert b"de Vries" not in response.content


def _settings_import(**env):
    return subprocess.run(
        [sys.executable, "-c", "import haven.settings"],
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_debug_the_development_secret_and_no_hosts():
    assert _settings_import(**PRODUCTION).returncode == 0
    without_secret = {k: v for k, v in PRODUCTION.items() if k != "HAVEN_SECRET_KEY"}
    refused = [{**PRODUCTION, "HAVEN_DEBUG": "true"}, without_secret, {**PRODUCTION, "HAVEN_ALLOWED_HOSTS": ""}]
    for env in refused:
        result = _settings_import(**env)
        assert result.returncode != 0, env
        assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_the_demo_password(cast, settings):
    user = cast.teacher
    user.set_password(settings.HAVEN_DEMO_PASSWORD)
    user.save()
    request = RequestFactory().post("/inloggen/")
    assert authenticate(request, username="teacher", password=settings.HAVEN_DEMO_PASSWORD) == user
    with override_settings(HAVEN_ENV="production"):
        assert authenticate(request, username="teacher", password=settings.HAVEN_DEMO_PASSWORD) is None


def test_names_are_escaped_on_the_pages(cast):
    """Text from people (here a pupil's name) is shown as text, never as markup."""
    cast.pupil.last_name = "van 't Hof <script>alert(1)</script>"
    cast.pupil.save()
    case = cast.case()
    html = cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).content.decode()
    assert "van &#x27;t Hof &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
