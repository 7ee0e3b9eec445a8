"""How a call proves who sends it: `Authorization: Bearer <key>`, a key of `haven.api.models.ApiKey`
that is not revoked. Django REST framework's authentication, permission and throttle classes."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from haven.api import limits
from haven.api.models import ApiKey
from haven.api.scopes import key_hash, looks_like_key

WRONG_KEY = _("This API key is not valid, or it has been revoked.")
NO_KEY = _("Send a valid API key: Authorization: Bearer <key>.")


class ApiKeyAuthentication(BaseAuthentication):
    """The key's hash looked up; the key itself is never stored or logged. The request's user stays
    anonymous (a key is no person); `request.auth` is the key."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _space, text = header.partition(" ")
        text = text.strip()
        if scheme.lower() != "bearer" or not looks_like_key(text):
            raise AuthenticationFailed(WRONG_KEY)
        key = ApiKey.objects.filter(key_hash=key_hash(text), revoked_at__isnull=True).first()
        if key is None:
            raise AuthenticationFailed(WRONG_KEY)
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="haven"'


class HasScope(BasePermission):
    """A valid key (else 401) that carries the view's `required_scope` (else 403)."""

    message = _("This API key does not have the scope this endpoint needs.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, ApiKey):
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated(NO_KEY)
        return request.auth.has_scope(view.required_scope)


class KeyRateThrottle(BaseThrottle):
    """`haven.api.limits`: per key, counted in the database."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True  # answered 401 by HasScope
        self.retry_after = limits.take(request.auth, timezone.now())
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after
