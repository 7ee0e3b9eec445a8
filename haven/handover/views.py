"""Handover pages: the new teacher's notice, the AF's decision, the package, and the import."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.documents.pdf import render_pdf
from haven.documents.views import pdf_response
from haven.handover import queries, schema, school_days, services, signing
from haven.handover.audit_actions import HandoverAction
from haven.handover.forms import (
    ConfirmImportForm,
    ImportForm,
    NoticeDecisionForm,
    PackageForm,
    TransferDecisionForm,
    TransferForm,
)
from haven.handover.models import HandoverPackage, PendingImport, Transfer
from haven.infrastructure.forms import apply_errors
from haven.infrastructure.uploads import CappedUploadHandler
from haven.meldcode import queries as route


@requires("handover.view_notice")
def notice(request: ActorRequest, pk: int) -> HttpResponse:
    """What the new teacher sees: that there is a dossier and whom to ask, never what it holds."""
    actor = request.actor
    the_notice = queries.notice_for_teacher(actor, pk)
    return render(request, "handover/notice.html", {"notice": the_notice})


@require_POST
@requires("handover.view_notice")
def notice_read(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    services.mark_notice_read(actor, queries.notice_for_teacher(actor, pk))
    messages.success(request, _("Thank you. The notice is marked as read."))
    return redirect("handover:notice", pk=pk)


@requires("handover.decide")
def notice_decide(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    the_notice = queries.notice_for_decision(actor, pk)
    form = NoticeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not the_notice.decision:
        try:
            services.decide_notice(actor, the_notice, add=form.cleaned_data["decision"] == "added")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your decision has been recorded."))
            return redirect("meldcode:case_detail", pk=the_notice.case_id)
    return render(request, "handover/notice_decide.html", {"notice": the_notice, "form": form})


@requires("handover.export")
def package_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = route.get_case(actor, pk)
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            package = services.make_package(actor, case, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The handover package is ready. Download both files."))
            return redirect("handover:package_detail", pk=package.pk)
    return render(request, "handover/package_form.html", {"form": form, "case": case})


@requires("handover.export")
def package_detail(request: ActorRequest, pk: int) -> HttpResponse:
    package = queries.package(request.actor, pk)
    return render(request, "handover/package_detail.html", {"package": package, "case": package.case})


def _download(request: ActorRequest, pk: int, kind: str) -> tuple[HandoverPackage, dict[str, Any]] | HttpResponse:
    actor = request.actor
    package = queries.package(actor, pk)
    if not package.receiving_school_brin:
        # Recorded before packages named the receiving school's BRIN code: no school would import it.
        messages.error(
            request,
            _("This package was made before Haven recorded the BRIN code of the receiving school. Make a new package."),
        )
        return redirect("handover:package_detail", pk=pk)
    data = services.package_data(package)
    record_event(
        actor,
        HandoverAction.DOWNLOAD,
        kind=AuditEvent.Kind.READ,
        obj=package,
        case=package.case,
        detail={"format": kind},
    )
    return package, data


@requires("handover.export")
def package_pdf(request: ActorRequest, pk: int) -> HttpResponse:
    downloaded = _download(request, pk, "pdf")
    if isinstance(downloaded, HttpResponse):
        return downloaded
    package, data = downloaded
    # The PDF shows what the JSON holds, read back as the receiving school will read it.
    parsed = schema.parse(json.loads(json.dumps(data)))
    context = {
        "package": package,
        "p": schema.for_display(parsed),
        "case": package.case,
        "school": package.case.school,
        "today": timezone.localdate(),
        "title": _("Handover package"),
    }
    pdf = render_pdf("handover/package_pdf.html", context)
    return pdf_response(pdf, f"dossier-{package.case_id}-overdracht.pdf")


@requires("handover.export")
def package_json(request: ActorRequest, pk: int) -> HttpResponse:
    downloaded = _download(request, pk, "json")
    if isinstance(downloaded, HttpResponse):
        return downloaded
    package, data = downloaded
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="dossier-{package.case_id}-overdracht.json"'
    response["Cache-Control"] = "no-store, private"
    return response


@csrf_exempt  # checked below, once the capped upload handler is in place (Django's documented order)
@requires("handover.import")
def package_import(request: ActorRequest) -> HttpResponse:
    # Before anything reads the body: the file is read only up to the package's size limit.
    handler = CappedUploadHandler(request, field="package", limit=schema.MAX_PACKAGE_BYTES)
    request.upload_handlers = [handler]
    return _package_import(request, handler)


@csrf_protect
def _package_import(request: ActorRequest, handler: CappedUploadHandler) -> HttpResponse:
    actor = request.actor
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, too_large=handler.too_large)
    if posted and form.is_valid():
        try:
            result = services.receive_package(actor, form.cleaned_data["package"].read())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if isinstance(result, PendingImport):
                return redirect("handover:import_confirm", pk=result.pk)
            messages.success(request, _imported_message(result))
            return redirect("meldcode:case_detail", pk=result.case.pk)
    context = {"form": form, "public_key": signing.public_key()}
    return render(request, "handover/import_form.html", context)


def _imported_message(imported: services.Imported) -> str:
    return _("The dossier has been handed over to your school. Authenticity checked: signed by %(installation)s.") % {
        "installation": imported.signed_by
    }


@requires("handover.import")
def import_confirm(request: ActorRequest, pk: int) -> HttpResponse:
    """Whether the package's pupil is the pupil of the same name and date of birth at this school."""
    actor = request.actor
    pending = queries.pending_import(actor, pk)
    form = ConfirmImportForm(request.POST or None)
    received, problems = None, []
    try:
        received = services.read_package(pending.content.encode("utf-8"))
    except ValidationError as error:
        # Read again, so a key no longer trusted since the upload shows here, before any choice.
        problems = error.messages
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        try:
            if choice == ConfirmImportForm.CANCEL:
                services.cancel_import(actor, pending)
            else:
                imported = services.confirm_import(actor, pending, same_pupil=choice == ConfirmImportForm.SAME)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if choice == ConfirmImportForm.CANCEL:
                messages.success(request, _("The package has not been imported."))
                return redirect("handover:package_import")
            messages.success(request, _imported_message(imported))
            return redirect("meldcode:case_detail", pk=imported.case.pk)
    context = {
        "pending": pending,
        "received": received,
        "problems": problems,
        "candidate": pending.candidate,
        "form": form,
    }
    return render(request, "handover/import_confirm.html", context)


# Between two Haven schools: the tracked transfer ------------------------------------------------


def _pick_up(transfer: Transfer) -> dict[str, Any]:
    sent_on = timezone.localdate(transfer.sent_at)
    waiting = transfer.status == Transfer.Status.SENT
    return {
        "pick_up_by": school_days.pick_up_by(sent_on),
        "overdue": waiting and school_days.is_overdue(sent_on, timezone.localdate()),
        "waiting": waiting,
    }


@requires("handover.export")
def transfer_create(request: ActorRequest, pk: int) -> HttpResponse:
    """Send the dossier's handover package in Haven, to a school that uses Haven."""
    actor = request.actor
    case = route.get_case(actor, pk)
    form = TransferForm(request.POST or None, schools=queries.transfer_schools(actor))
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.send_transfer(actor, case, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Sent to %(school)s. Their AF gets a task to accept it.") % {"school": transfer.receiving_school},
            )
            return redirect("handover:transfer_sent", pk=transfer.pk)
    return render(request, "handover/transfer_form.html", {"form": form, "case": case})


@requires("handover.export")
def transfer_sent(request: ActorRequest, pk: int) -> HttpResponse:
    """The sending school's receipt: waiting (overdue after five school days), accepted, or refused and why."""
    transfer = queries.sent_transfer(request.actor, pk)
    context = {"transfer": transfer, "case": transfer.package.case, **_pick_up(transfer)}
    return render(request, "handover/transfer_sent.html", context)


@requires("handover.import")
def transfer_receive(request: ActorRequest, pk: int) -> HttpResponse:
    """The receiving AF accepts the dossier (imported as a package file would be) or refuses it with a reason."""
    actor = request.actor
    transfer = queries.received_transfer(actor, pk)
    form = TransferDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and transfer.status == Transfer.Status.SENT:
        try:
            if form.cleaned_data["decision"] == TransferDecisionForm.REFUSE:
                services.refuse_transfer(actor, transfer, reason=form.cleaned_data["reason"])
                result = None
            else:
                result = services.accept_transfer(actor, transfer)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if result is None:
                messages.success(request, _("Refused. The sending school sees your reason."))
                return redirect("handover:transfer_receive", pk=pk)
            if isinstance(result, PendingImport):
                return redirect("handover:import_confirm", pk=result.pk)
            messages.success(request, _imported_message(result))
            return redirect("meldcode:case_detail", pk=result.case.pk)
    context = {"transfer": transfer, "package": transfer.package, "form": form, **_pick_up(transfer)}
    return render(request, "handover/transfer_receive.html", context)
