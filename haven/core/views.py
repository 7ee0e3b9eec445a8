from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from haven.access.decorators import PUBLIC, requires
from haven.access.policy import has_permission
from haven.meldcode import queries
from haven.meldcode.workflow import Step, route_state
from haven.tasks.queries import my_tasks


@requires(PUBLIC)
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@requires("dashboard.view")
def home(request: HttpRequest) -> HttpResponse:
    """What needs me now: my signals and dossiers; for the IB/AF/school leader, the school's inbox."""
    actor = request.actor  # type: ignore[attr-defined]
    if has_permission(actor, "insights.view"):
        return redirect("insights:overview")
    context: dict[str, object] = {"is_staff": actor.is_staff, "manages": has_permission(actor, "school.manage")}
    if has_permission(actor, "tasks.view"):
        context["my_tasks"] = my_tasks(actor, timezone.localdate())
    school_wide = has_permission(actor, "inbox.view")
    if actor.is_staff:
        context["my_signals"] = list(queries.own_signals(actor)[:5])
        if not school_wide:
            my_cases = queries.case_list(actor, "open").filter(memberships__user_id=actor.user_id)
            context["my_cases"] = [(c, route_state(queries.facts_for(c))) for c in my_cases[:20]]
    if school_wide:
        context["new_signals"] = queries.inbox_signals(actor).count()
        context["open_requests"] = queries.open_look_along_requests(actor).count()
        per_step = dict.fromkeys(Step, 0)
        my_cases_rows = []
        # One pass over the school's open dossiers gives both the counts per step and "my dossiers".
        for case in queries.open_cases_marking_mine(actor):
            route = route_state(queries.facts_for(case))
            per_step[route.current_step] += 1
            if case.is_mine and len(my_cases_rows) < 20:
                my_cases_rows.append((case, route))
        context["per_step"] = per_step
        if actor.is_staff:
            context["my_cases"] = my_cases_rows
    return render(request, "core/home.html", context)
