"""The administration page of the organisation's API keys: list, make (the key shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.api import queries, services
from haven.api.forms import SCOPE_LABELS, ApiKeyForm
from haven.api.organisations import organisation_name, organisation_of
from haven.api.scopes import Scope
from haven.infrastructure.forms import apply_errors


@requires("api.manage_keys")
def key_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    organisation = organisation_of(actor)
    assert organisation is not None  # the permission is only for those who have one
    kind, org_id = organisation
    form = ApiKeyForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_key(actor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Shown on this answer only (never cached: every page is no-store), never stored, never again.
            return render(request, "api/key_created.html", {"key": new.key, "text": new.text})
    keys = list(queries.organisation_keys(actor))
    labels = {str(scope): SCOPE_LABELS[scope] for scope in Scope}
    context = {
        "form": form,
        "keys": [(key, [labels[s] for s in key.scopes if s in labels]) for key in keys],
        "organisation": organisation_name(kind, org_id),
    }
    return render(request, "api/key_list.html", context)


@require_POST
@requires("api.manage_keys")
def key_revoke(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    key = queries.get_key(actor, pk)
    try:
        services.revoke_key(actor, key)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The key has been revoked: calls with it are refused from now on."))
    return redirect("api_keys:list")
