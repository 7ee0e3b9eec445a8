"""Signing in through the real two-step sign-in form, for the integration tests."""

from typing import TYPE_CHECKING

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

DEMO_SECRET = "JBSWY3DPEHPK3PXP"


def totp(device: TOTPDevice) -> str:
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> "Response":
    return client.post(
        reverse("login"),
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
    )


def enter_code(client: Client, code: str) -> "Response":
    return client.post(reverse("login"), {"login_view-current_step": "token", "token-otp_token": code})


def database_text() -> str:
    """Every value of every table, and the decoded content of every session, as one text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                parts.extend(str(bytes(value) if isinstance(value, memoryview) else value) for value in row)
            if table == "django_session":
                cursor.execute("SELECT session_data FROM django_session")
                parts.extend(str(SessionStore().decode(data)) for (data,) in cursor.fetchall())
    return "\n".join(parts)
