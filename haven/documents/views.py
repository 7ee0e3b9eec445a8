"""PDF exports of a dossier: the chronology, the report to Veilig Thuis, a conversation report.

Each view scopes the object through the route's queries (outside one's scope: 404, logged),
renders the PDF, writes one read event and answers it as a download that no cache keeps. The
file name carries the dossier's number, never the pupil's name: downloads folders and mail
attachments show file names to anyone looking.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.documents import queries
from haven.documents.audit_actions import DocumentAction
from haven.documents.pdf import render_pdf
from haven.meldcode import queries as route
from haven.meldcode.queries import age


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _context(request: HttpRequest, case: Any, **extra: Any) -> dict[str, Any]:
    return {"case": case, "school": case.school, "today": timezone.localdate(), "made_by": request.user, **extra}


@requires("case.view")
def chronology(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = route.load_dossier(actor, pk, audit=False, timeline=False).prefetched_case()
    context = _context(
        request,
        case,
        entries=queries.chronology(case),
        members=list(case.memberships.all()),
        pupil_age=age(case.pupil),
        title=_("Dossier chronology"),
    )
    pdf = render_pdf("documents/chronology.html", context)
    queries.audit_export(actor, DocumentAction.CHRONOLOGY, case)
    return pdf_response(pdf, f"dossier-{case.pk}-chronologie.pdf")


@requires("case.report")
def report(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = route.get_case(actor, pk, audit=False)
    the_report = queries.report_for_export(case)
    if the_report is None:
        messages.error(request, _("First save the report."))
        return redirect("meldcode:report_edit", pk=pk)
    context = _context(request, case, report=the_report, pupil_age=age(case.pupil), title=_("Report to Veilig Thuis"))
    pdf = render_pdf("documents/report.html", context)
    queries.audit_export(actor, DocumentAction.REPORT, case, the_report)
    return pdf_response(pdf, f"dossier-{case.pk}-melding-veilig-thuis.pdf")


@requires("case.view")
def conversation(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    the_conversation = queries.get_conversation(actor, pk)
    case = the_conversation.case
    context = _context(
        request,
        case,
        conversation=the_conversation,
        title=_("Report of the conversation with the parents"),
        signers=range(2),
    )
    pdf = render_pdf("documents/conversation.html", context)
    queries.audit_export(actor, DocumentAction.CONVERSATION, case, the_conversation)
    return pdf_response(pdf, f"dossier-{case.pk}-gespreksverslag-{the_conversation.pk}.pdf")
