"""The only code that writes API keys: make one (its text returned once, never stored) and revoke
one. Each checks the permission, writes in one transaction and records its audit event."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.accounts.models import User
from haven.api import scopes as key_rules
from haven.api.audit_actions import ApiAction
from haven.api.models import ApiKey
from haven.api.organisations import organisation_of
from haven.audit.services import record_event


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    # The key's text: shown once, on the page that follows, and stored nowhere.
    text: str


@transaction.atomic
def create_key(actor: Actor, *, name: str, scopes: list[str]) -> NewKey:
    require_permission(actor, "api.manage_keys")
    organisation = organisation_of(actor)
    if organisation is None:
        raise PermissionDenied(_("Your role does not allow this."))
    kind, org_id = organisation
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name: who will use it.")})
    if not key_rules.scopes_allowed(kind, frozenset(scopes)):
        raise ValidationError({"scopes": _("Choose at least one of the scopes your organisation may give.")})
    text, prefix = key_rules.new_key()
    key = ApiKey.objects.create(
        name=name,
        kind=kind,
        **{f"{kind}_id": org_id},
        scopes=sorted(set(scopes)),
        prefix=prefix,
        key_hash=key_rules.key_hash(text),
        created_by_id=actor.user_id,
    )
    # The key's own account: what it sends is signed with it. It can never sign in and has no school.
    account = User(username=f"api-{prefix}-{key.pk}", first_name=_("API key"), last_name=name[:150], is_active=False)
    account.set_unusable_password()
    account.save()
    key.account = account
    key.save(update_fields=["account"])
    record_event(
        actor,
        ApiAction.KEY_CREATE,
        obj=key,
        school_id=key.school_id,
        detail={"api_key": key.pk, "prefix": prefix, "scopes": key.scopes, "organisation": key.sender},
    )
    return NewKey(key, text)


@transaction.atomic
def revoke_key(actor: Actor, key: ApiKey) -> ApiKey:
    require_permission(actor, "api.manage_keys")
    if organisation_of(actor) != (key.kind, key.organisation_id):
        raise PermissionDenied(_("This key is not one of your organisation's."))
    if not key.is_active:
        raise ValidationError(_("This key has already been revoked."))
    key.revoked_at = timezone.now()
    key.revoked_by_id = actor.user_id
    key.save(update_fields=["revoked_at", "revoked_by"])
    record_event(actor, ApiAction.KEY_REVOKE, obj=key, school_id=key.school_id, detail={"api_key": key.pk})
    return key
