"""This app's task provider: roles that read case content, waiting for the approval of an AF or school leader."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission
from haven.accounts import role_requests
from haven.tasks.registry import Task

ROLE_REQUEST = "role_request"


def role_requests_to_decide(actor: Actor, today: date) -> list[Task]:
    """One task per request the actor may decide; due the day it was asked. No query for other roles."""
    if not has_permission(actor, "staff.approve_role"):
        return []
    tasks = []
    for request in (
        role_requests.requests_to_decide(actor)
        .select_related(None)
        .select_related("user")
        .only("requested_at", "role", "user__first_name", "user__last_name", "user__username")
    ):
        asked_on = timezone.localdate(request.requested_at)
        tasks.append(
            Task(
                key=f"role_request:{request.pk}",
                kind=ROLE_REQUEST,
                title=_("Approve or refuse the role %(role)s for %(name)s")
                % {"role": request.get_role_display(), "name": request.user},
                url=reverse("accounts:role_requests"),
                due=asked_on,
                overdue=asked_on < today,
            )
        )
    return tasks
