from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class HavenBackend(ModelBackend):
    """Django's backend, except that production never accepts the published demo password."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if settings.HAVEN_ENV == "production" and password == settings.HAVEN_DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username django-axes counts failures for: from the credentials, or the sign-in form's field."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    return request.POST.get("auth-username") if request is not None else None
