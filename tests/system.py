"""System components some tests need (Chromium, gettext): in CI a missing one fails the run."""

import base64
import os
import shutil

import pytest


def require_system_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed; scripts/ensure-test-system.sh installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


# A production environment that passes every refusal: the tests vary one value at a time.
PRODUCTION = {
    "HAVEN_ENV": "production",
    "HAVEN_SECRET_KEY": "".join(chr(48 + (i * 7) % 75) for i in range(64)),
    "HAVEN_ALLOWED_HOSTS": "haven.example.org",
    "HAVEN_ENCRYPTION_KEYS": "k2026:" + base64.urlsafe_b64encode(b"\x01" * 32).decode(),
    "HAVEN_SIGNING_KEY": base64.urlsafe_b64encode(b"\x02" * 32).decode().rstrip("="),
    "HAVEN_AUDIT_KEYS": "a2026:" + base64.urlsafe_b64encode(b"\x02" * 32).decode(),
}


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without Haven's settings and test-only switches, plus `env`."""
    skip = ("HAVEN_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    return {k: v for k, v in os.environ.items() if not k.startswith(skip)} | env
