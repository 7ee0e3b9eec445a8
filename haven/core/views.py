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
    if actor.is_staff:
        context["my_signals"] = list(queries.own_signals(actor)[:5])
        my_cases = queries.case_list(actor, "open").filter(memberships__user_id=actor.user_id)
        context["my_cases"] = [(c, route_state(queries.facts_for(c))) for c in my_cases[:20]]
    if has_permission(actor, "inbox.view"):
        context["new_signals"] = queries.inbox_signals(actor).count()
        context["open_requests"] = queries.open_look_along_requests(actor).count()
        per_step = dict.fromkeys(Step, 0)
        for case in queries.case_list(actor, "open"):
            per_step[route_state(queries.facts_for(case)).current_step] += 1
        context["per_step"] = per_step
    return render(request, "core/home.html", context)
