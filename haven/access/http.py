"""Typed requests: what Haven's middleware adds to Django's `HttpRequest`.

`ActorMiddleware` sets `request.actor` and `request.membership` on every request. Django's type
of `HttpRequest` does not know them, so views annotate their request with one of these classes
(the attributes exist at runtime on the `WSGIRequest` Django passes in; nothing is subclassed there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from haven.access.policy import Actor
    from haven.accounts.models import Membership, User


class HavenRequest(HttpRequest):
    """Any request after `ActorMiddleware`: anonymous visitors have no actor."""

    actor: Actor | None
    membership: Membership | None


class ActorRequest(HavenRequest):
    """A request to a view behind `@requires(permission)` (not PUBLIC): someone is signed in.

    The decorator sends anonymous visitors to the sign-in page before the view runs, and the
    middleware gives every signed-in user an actor, so here both are never missing.
    """

    user: User
    actor: Actor
