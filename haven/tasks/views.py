from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from haven.access.decorators import requires
from haven.tasks.queries import my_tasks


@requires("tasks.view")
def mine(request: HttpRequest) -> HttpResponse:
    """The "My tasks" page: what the registry's providers say needs this person now, overdue first."""
    tasks = my_tasks(request.actor, timezone.localdate())  # type: ignore[attr-defined]
    return render(request, "tasks/mine.html", {"tasks": tasks})
