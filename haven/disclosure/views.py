"""Parents' right of access (inzage): prepare what is shown, then the readable, printable export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.disclosure import queries, services
from haven.disclosure.audit_actions import DisclosureAction
from haven.disclosure.forms import DisclosureForm
from haven.infrastructure.forms import apply_errors


@requires("pupil.disclose")
def prepare(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    pupil = queries.get_pupil(actor, pk)
    record = queries.build_record(pupil)
    # The template always sends the fingerprint of the record shown now (`record.state`), also
    # when the page comes back with an error because the data changed meanwhile.
    form = DisclosureForm(request.POST or None, item_ids=record.item_ids)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.record_disclosure(
                actor,
                pupil,
                state=form.cleaned_data["state"],
                withheld=form.withheld(),
                reporter_identity_withheld=form.cleaned_data["withhold_reporter"],
                reporter_reason=form.cleaned_data["reporter_reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The access has been recorded. This is what the parents get to see."))
            return redirect("disclosure:export", pk=disclosure.pk)
    for entry in record.entries():
        entry.controls = (form[f"withhold_{entry.item_id}"], form[f"reason_{entry.item_id}"])
    queries.audit_read(actor, DisclosureAction.PREPARE, record)
    context = {"record": record, "form": form, "earlier": queries.disclosures_of(pupil)}
    return render(request, "disclosure/prepare.html", context)


@requires("pupil.disclose")
def export(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    disclosure = queries.get_disclosure(actor, pk)
    record = queries.record_for_disclosure(disclosure)
    queries.audit_read(actor, DisclosureAction.VIEW, record, obj=disclosure)
    return render(request, "disclosure/export.html", {"disclosure": disclosure, "record": record})
