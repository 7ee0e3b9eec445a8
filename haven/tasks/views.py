from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.tasks.queries import my_tasks


@requires("tasks.view")
def mine(request: ActorRequest) -> HttpResponse:
    """The "My tasks" page: what the registry's providers say needs this person now, overdue first."""
    tasks = my_tasks(request.actor, timezone.localdate())
    return render(request, "tasks/mine.html", {"tasks": tasks})
