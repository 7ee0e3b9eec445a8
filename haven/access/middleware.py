from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse

from haven.access.http import HavenRequest
from haven.access.policy import Actor
from haven.access.roles import Role
from haven.accounts.models import Membership, User
from haven.audit.context import RequestOrigin, current_origin


def actor_for(
    user: AbstractBaseUser | AnonymousUser, school_id: int | None = None
) -> tuple[Actor | None, Membership | None]:
    """The user's acting identity: their membership in the chosen (or first) school."""
    if not user.is_authenticated:
        return None, None
    assert isinstance(user, User)  # the signed-in user is always AUTH_USER_MODEL; Django types it as its base class
    memberships = list(user.memberships.select_related("school", "school__board"))
    if not memberships:
        analyst = user.analyst_memberships.first()
        if analyst is None:
            return Actor(user_id=user.pk), None
        actor = Actor(
            user_id=user.pk,
            role=analyst.role,
            board_id=analyst.board_id,
            municipality_id=analyst.municipality_id,
            region_id=analyst.region_id,
        )
        return actor, None
    membership = next((m for m in memberships if m.school_id == school_id), memberships[0])
    school = membership.school
    actor = Actor(
        user_id=user.pk,
        school_id=school.pk,
        role=Role(membership.role),
        decision_roles=school.decision_role_set,
        report_roles=school.report_role_set,
    )
    return actor, membership


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HavenRequest) -> HttpResponse:
        actor, membership = actor_for(request.user, request.session.get("school_id"))
        request.actor = actor
        request.membership = membership
        token = current_origin.set(
            RequestOrigin(address=request.META.get("REMOTE_ADDR"), session_key=request.session.session_key or "")
        )
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
