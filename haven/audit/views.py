"""The access log of a dossier: who viewed or changed it, when, from where (NEN 7513)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.audit import queries

PAGE_SIZE = 50


@requires("case.view_access_log")
def case_access_log(request: ActorRequest, pk: int) -> HttpResponse:
    case = queries.case_for_access_log(request.actor, pk)
    page = Paginator(queries.case_access_log(case), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/case_access_log.html", {"case": case, "page": page})
