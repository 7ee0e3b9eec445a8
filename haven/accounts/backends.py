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
