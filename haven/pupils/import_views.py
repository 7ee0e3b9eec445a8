"""The functional administrator's pupil import: upload, the dry run, apply; the CSV column mapping.
Thin: parse input, call one service, render. The rules live in haven/pupils/administration/."""

import smtplib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.infrastructure.forms import apply_errors
from haven.infrastructure.uploads import CappedUploadHandler
from haven.organisations.models import School
from haven.pupils.administration import csv_reader, sync
from haven.pupils.administration.records import MAX_FILE_BYTES, FileRefused, Incoming
from haven.pupils.forms import ColumnMappingForm, ImportApplyForm, ImportUploadForm

MAIL_ERRORS = (smtplib.SMTPException, OSError)
FIELD_LABELS = {
    "key": gettext_lazy("Key in the administration"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Surname"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "group": gettext_lazy("Group"),
    "left_on": gettext_lazy("Back at school (had left on)"),
}
# The dry run lists at most this many rows per part; the counts are complete.
SHOWN = 300


def _school(request: ActorRequest) -> School:
    return get_object_or_404(School, pk=request.actor.member_school_id)


@csrf_exempt  # checked below, once the capped upload handler is in place (Django's documented order)
@requires("school.manage")
def import_upload(request: ActorRequest) -> HttpResponse:
    # Before anything reads the body: the file is kept only up to the size limit, the rest skipped unread.
    handler = CappedUploadHandler(request, field="file", limit=MAX_FILE_BYTES)
    request.upload_handlers = [handler]
    return _import_upload(request, handler)


@csrf_protect
def _import_upload(request: ActorRequest, handler: CappedUploadHandler) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None, too_large=handler.too_large
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = sync.upload(request.actor, _school(request), upload.read(), upload.name or "")
        except FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("pupils:import_dry_run", pk=pending.pk)
    return render(request, "pupils/import_upload.html", {"form": form})


@requires("school.manage")
def import_dry_run(request: ActorRequest, pk: int) -> HttpResponse:
    """What the file would change (GET), and applying it (POST) when nothing changed meanwhile."""
    pending = sync.pending_import(request.actor, pk)
    school = _school(request)
    incoming = Incoming.from_json(pending.content)
    plan = sync.make_plan(school, incoming)
    invitable = [
        (line.teacher.key, f"{line.teacher.first_name} {line.teacher.last_name}")
        for line in plan.teachers
        if line.account_id is None and line.teacher.key
    ]
    posted = request.method == "POST" and pending.applied_at is None
    form = ImportApplyForm(
        request.POST if posted else None, initial={"fingerprint": plan.fingerprint()}, teachers=invitable
    )
    if posted and form.is_valid():
        if form.cleaned_data["fingerprint"] != plan.fingerprint():
            messages.warning(
                request, _("The pupils changed since this page was shown. Check what the import changes now.")
            )
            return redirect("pupils:import_dry_run", pk=pending.pk)
        try:
            applied = sync.apply_plan(
                request.actor,
                school,
                plan,
                invite=form.cleaned_data["invite"],
                source=pending.source,
                pending=pending,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except MAIL_ERRORS:
            form.add_error(None, _("An invitation could not be sent. Nothing was imported; try again later."))
        else:
            if applied.plan.changes_nothing and not applied.invited:
                messages.info(request, _("The import changed nothing: Haven already had everything in the file."))
            else:
                messages.success(
                    request,
                    _(
                        "The import has been applied: %(added)s added, %(changed)s changed, %(left)s marked as "
                        "left, %(invited)s invited."
                    )
                    % applied.counts,
                )
            return redirect("pupils:import_dry_run", pk=pending.pk)
    changes = [
        (change, [(FIELD_LABELS[name], old, new) for name, (old, new) in change.fields.items()])
        for change in plan.changed[:SHOWN]
    ]
    context = {
        "pending": pending,
        "plan": plan,
        "form": form,
        "counts": plan.counts(),
        "changes": changes,
        "shown": f":{SHOWN}",
        "invitable": bool(invitable),
        "applicable": plan.can_apply and (not plan.changes_nothing or bool(invitable)),
    }
    return render(request, "pupils/import_dry_run.html", context)


@requires("school.manage")
def import_mapping(request: ActorRequest) -> HttpResponse:
    school = _school(request)
    saved = sync.column_mapping(school)
    initial = saved or {name: guesses[0].capitalize() for name, _label, _req, guesses in csv_reader.FIELDS}
    form = ColumnMappingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sync.save_column_mapping(request.actor, school, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The column mapping has been saved."))
            return redirect("pupils:import_upload")
    return render(request, "pupils/import_mapping.html", {"form": form, "saved": bool(saved)})
