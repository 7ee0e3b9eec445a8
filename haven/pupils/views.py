"""Views of the pupil data beyond the administrator's pupil form (haven.organisations.views): parse
input, call one query or service, redirect. No rules here."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.pupils import forms, queries, services


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@require_POST
@requires("school.manage")
def siblings(request: ActorRequest, pk: int) -> HttpResponse:
    """Link a brother or sister (`sibling`), or remove a link (`remove`); back to the pupil page."""
    actor = request.actor
    pupil = get_object_or_404(queries.managed_pupils(actor), pk=pk)
    remove = request.POST.get("remove", "")
    try:
        if remove:
            link = queries.get_sibling_link(actor, pupil, int(remove) if remove.isdigit() else 0)
            services.unlink_siblings(actor, link, pupil)
            messages.success(request, _("The link has been removed."))
        else:
            form = forms.SiblingForm(request.POST, pupils=queries.sibling_candidates(actor, pupil))
            if not form.is_valid():
                _form_errors(request, form)
            else:
                sibling = form.cleaned_data["sibling"]
                services.link_siblings(actor, pupil, sibling)
                messages.success(
                    request, _("%(name)s has been linked as brother or sister.") % {"name": sibling.full_name}
                )
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(reverse("organisations:pupil_edit", args=[pupil.pk]) + "#siblings")
