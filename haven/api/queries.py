"""Reads of API keys, scoped to the administrator's own organisation."""

from django.db.models import QuerySet

from haven.access.lookup import scoped_get
from haven.access.policy import Actor, has_permission
from haven.api.audit_actions import ApiAction
from haven.api.models import ApiKey
from haven.api.organisations import organisation_of


def organisation_keys(actor: Actor) -> QuerySet[ApiKey]:
    organisation = organisation_of(actor) if has_permission(actor, "api.manage_keys") else None
    if organisation is None:
        return ApiKey.objects.none()
    kind, org_id = organisation
    return ApiKey.objects.filter(kind=kind, **{f"{kind}_id": org_id}).select_related("created_by", "revoked_by")


def get_key(actor: Actor, pk: int) -> ApiKey:
    """One of the organisation's keys; another organisation's is a 404 (and a denied event)."""
    return scoped_get(actor, organisation_keys(actor), pk, action=ApiAction.KEY_LIST)
