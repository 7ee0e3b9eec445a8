from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.access.decorators import requires
from haven.audit.services import record_event
from haven.insights import queries
from haven.meldcode.models import Closure
from haven.meldcode.views import STEP_LABELS


@requires("insights.view")
def overview(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    data = queries.overview(actor)
    record_event(actor, "insights.view", kind="read", detail={"organisation": data.organisation})
    steps = [(step, STEP_LABELS[step], count) for step, count in data.open_per_step.items()]
    reasons = dict(Closure.Reason.choices)
    closed = [(reasons.get(reason, reason), count) for reason, count in sorted(data.closed_per_reason.items())]
    return render(request, "insights/overview.html", {"o": data, "steps": steps, "closed": closed})
