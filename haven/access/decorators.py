"""`@requires(permission)`: every view declares what it needs; the authorization test reads it.

A signed-in person who lacks the permission gets 403, and the attempt is written to the audit log
(a denied read, the permission as the action, the path as detail).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from haven.access.http import HavenRequest
from haven.access.policy import PERMISSIONS, Actor, has_permission
from haven.audit.models import AuditEvent
from haven.audit.services import record_event

PUBLIC = "public"


class PermissionedView(Protocol):
    """A view wrapped by `@requires`: it names the permission it needs."""

    required_permission: str

    def __call__(self, request: HavenRequest, *args: Any, **kwargs: Any) -> HttpResponse: ...


def _record_denied(actor: Actor | None, permission: str, request: HttpRequest) -> None:
    record_event(
        actor,
        permission,
        kind=AuditEvent.Kind.READ,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"path": request.path},
    )


def requires(permission: str) -> Callable[[Callable[..., HttpResponse]], PermissionedView]:
    if permission != PUBLIC and permission not in PERMISSIONS:
        raise ValueError(f"Unknown permission {permission!r}")

    def decorator(view: Callable[..., HttpResponse]) -> PermissionedView:
        @wraps(view)
        def wrapped(request: HavenRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if permission != PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                actor = request.actor
                if not has_permission(actor, permission):
                    _record_denied(actor, permission, request)
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        # A function's attributes have no static type: the cast says what `wrapped` now is.
        permissioned = cast(PermissionedView, wrapped)
        permissioned.required_permission = permission
        return permissioned

    return decorator
