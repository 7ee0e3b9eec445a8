from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

UNKNOWN_PREFIX = "unknown:"


class HavenBackend(ModelBackend):
    """Django's backend, except that production never accepts the published demo password."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if settings.HAVEN_ENV == "production" and password == settings.HAVEN_DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def stored_username(typed: str | None) -> str | None:
    """The username as Haven stores or logs it for a sign-in: an existing account's username as it is;
    anything else (a typo, or a password typed into the username field) only as a keyed hash,
    "unknown:<16 hex>" (HMAC with SECRET_KEY), so the typed text is never kept. The same text gives
    the same hash, so failures for one unknown username still count together."""
    if not typed:
        return typed
    from haven.accounts.models import User

    if User.objects.filter(username=typed).exists():
        return typed
    return UNKNOWN_PREFIX + salted_hmac("haven.accounts.unknown_username", typed).hexdigest()[:16]


def is_unknown(username: str | None) -> bool:
    """Whether a stored username (`stored_username`) stands for no existing account."""
    return not username or username.startswith(UNKNOWN_PREFIX)


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username django-axes counts, stores and logs failures for: from the credentials, or the
    sign-in form's field, through `stored_username` (no typed text of an unknown account is kept)."""
    if credentials and credentials.get("username"):
        return stored_username(str(credentials["username"]))
    return stored_username(request.POST.get("auth-username")) if request is not None else None
