"""Sign-in that holds: Argon2, password policy, two-factor sign-in, lock-out, sessions, headers."""

import base64
import re
import subprocess
import sys
import time

import pytest
from django.contrib.auth.hashers import get_hasher
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from haven.accounts import invitations
from haven.accounts import services as account_services
from haven.accounts.middleware import LAST_SEEN, STARTED
from haven.accounts.totp import plain_key
from haven.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.signing_in import DEMO_SECRET, enter_code, sign_in, totp
from tests.system import PRODUCTION, clean_environment


def test_passwords_are_hashed_with_argon2(cast, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    cast.teacher.set_password("een-lang-genoeg-wachtwoord")
    assert cast.teacher.password.startswith("argon2$")
    assert get_hasher("default").algorithm == "argon2"


@pytest.mark.parametrize(
    ("password", "dutch"),
    [("kort", "te kort"), ("123456789012345", "alleen cijfers"), ("password12345", "te algemeen")],
)
def test_the_password_policy_speaks_dutch(cast, password, dutch):
    cast.teacher.email = "teacher@example.org"
    token = invitations.issue_link(cast.teacher, "reset")
    with pytest.raises(ValidationError) as error:
        invitations.set_password_with_link(token, password)
    with translation.override("nl"):
        messages = [str(message) for message in error.value.messages]
    assert any(dutch in message for message in messages), messages


@pytest.mark.parametrize("name", ["ib", "af", "leader", "admin"])
def test_roles_with_school_wide_access_must_use_two_factor_sign_in(cast, name):
    client = cast.client(name, verified=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")
    assert client.get(reverse("meldcode:inbox" if name != "admin" else "organisations:pupil_list")).status_code == 302


@pytest.mark.parametrize("name", ["teacher", "assistant"])
def test_two_factor_sign_in_is_optional_for_teachers(cast, name):
    assert cast.client(name, verified=False).get(reverse("home")).status_code == 200


def test_sign_in_with_the_demo_secret_asks_for_and_accepts_the_code(cast):
    device = account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    assert plain_key(device) == base64.b32decode(DEMO_SECRET).hex()
    client = Client()
    response = sign_in(client, "af")
    assert response.status_code == 200
    assert "token-otp_token" in response.content.decode()
    assert enter_code(client, "000000" if totp(device) != "000000" else "111111").status_code == 200
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()
    response = enter_code(client, totp(device))
    assert response.status_code == 302
    assert client.get(reverse("meldcode:inbox")).status_code == 200


def test_the_session_id_is_renewed_at_sign_in(cast):
    client = Client()
    client.get(reverse("login"))
    before = client.session.session_key
    sign_in(client, "teacher")
    assert client.session.get("_auth_user_id") == str(cast.teacher.pk)
    assert client.session.session_key != before


def test_repeated_failures_lock_the_account_with_a_clear_message_and_an_audit_event(cast, settings):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "teacher", "fout-wachtwoord")
    with translation.override("nl"):
        response = sign_in(client, "teacher", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    locked_out = AuditEvent.objects.filter(action="account.locked_out")
    assert "teacher" in [
        event.detail["username"] for event in locked_out
    ]  # the detail is encrypted: read, not filtered
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() >= settings.AXES_FAILURE_LIMIT


def test_an_idle_session_is_signed_out(cast, settings):
    client = cast.client("teacher")
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - settings.HAVEN_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_session_ends_after_its_absolute_lifetime_however_active(cast, settings):
    client = cast.client("teacher")
    client.get(reverse("home"))
    session = client.session
    session[STARTED] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_the_default_idle_timeout_is_thirty_minutes(settings):
    assert settings.HAVEN_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_sign_out_everywhere_ends_every_session_of_that_person(cast):
    phone, laptop = cast.client("teacher"), cast.client("teacher")
    assert laptop.get(reverse("home")).status_code == 200
    phone.post(reverse("sign_out_everywhere"))
    assert laptop.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="account.sign_out_everywhere").exists()


def test_pages_carry_a_strict_content_security_policy_and_are_never_cached(cast):
    case = cast.case()
    response = cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert " style=" not in html


def _manage(*args: str, env: dict[str, str], var_dir) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean_environment(**env, HAVEN_VAR_DIR=str(var_dir)),
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_production_profile_passes_the_deployment_checks(tmp_path):
    assert _manage("migrate", "-v0", env=PRODUCTION, var_dir=tmp_path).returncode == 0
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, var_dir=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_production_profile_refuses_demo_accounts(tmp_path):
    assert _manage("migrate", "-v0", env={}, var_dir=tmp_path).returncode == 0
    assert _manage("seed_demo", env={}, var_dir=tmp_path).returncode == 0
    result = _manage("check", "--deploy", env=PRODUCTION, var_dir=tmp_path)
    assert result.returncode != 0
    assert "haven.E001" in result.stderr + result.stdout
