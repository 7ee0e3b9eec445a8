from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.access.policy import has_permission
from haven.access.roles import ANALYST_ROLES
from haven.home import queries as home_queries
from haven.meldcode import queries
from haven.meldcode.models import Case
from haven.meldcode.providers import LOOK_ALONG_REQUESTED
from haven.meldcode.workflow import RouteState, Step
from haven.tasks.queries import my_tasks


@requires("dashboard.view")
def home(request: ActorRequest) -> HttpResponse:
    """What needs me now: my signals and dossiers; for the IB/AF/school leader, the school's inbox."""
    actor = request.actor
    # Policy officers have no work in a school: their home is the monitoring.
    if actor.role in ANALYST_ROLES:
        return redirect("insights:overview")
    context: dict[str, object] = {"is_staff": actor.is_staff, "manages": has_permission(actor, "school.manage")}
    tasks = None
    if has_permission(actor, "tasks.view"):
        context["my_tasks"] = tasks = my_tasks(actor, timezone.localdate())
    school_wide = has_permission(actor, "inbox.view")
    if actor.is_staff:
        context["my_signals"] = home_queries.latest_own_signals(actor)
        if not school_wide:
            # Everything such a person sees of the open dossiers is theirs (a member).
            context["my_cases"] = [(c, home_queries.route_of(c)) for c in home_queries.open_cases(actor)[:20]]
    if school_wide:
        context["new_signals"] = queries.inbox_signals(actor).count()
        # The look-along provider made one task per open request: they need not be counted again.
        context["open_requests"] = (
            tasks.count_of(LOOK_ALONG_REQUESTED)
            if tasks is not None
            else queries.open_look_along_requests(actor).count()
        )
        per_step = dict.fromkeys(Step, 0)
        my_cases_rows: list[tuple[Case, RouteState]] = []
        # One pass over the school's open dossiers gives both the counts per step and "my dossiers".
        for case in home_queries.open_cases(actor, mark_mine=True):
            route = home_queries.route_of(case)
            per_step[route.current_step] += 1
            # `is_mine` is annotated by open_cases(mark_mine=True): a conditional annotation mypy cannot see.
            if case.is_mine and len(my_cases_rows) < 20:  # type: ignore[attr-defined]
                my_cases_rows.append((case, route))
        context["per_step"] = per_step
        if actor.is_staff:
            context["my_cases"] = my_cases_rows
    return render(request, "home/home.html", context)
