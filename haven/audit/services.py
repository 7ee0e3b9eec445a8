"""The one way to write an audit event. Call it inside the transaction of the change it records."""

import ipaddress
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from haven.access.policy import Actor
from haven.audit import actions, chain, sealing
from haven.audit.context import RequestOrigin, current_origin
from haven.audit.keys import current_keys
from haven.audit.models import AuditChainHead, AuditEvent


class AuditChainBroken(RuntimeError):
    """The chain head is gone while events exist: refuse to write rather than start a second chain."""


def _address(value: str | None) -> str | None:
    """The source address as the database gives it back (canonical form), or None if it is not one."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the caller's transaction ends (PostgreSQL: a row lock; SQLite's
    IMMEDIATE transactions already serialise writers)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The log's first writer creates the head. A writer that found none while another one was
        # creating it waits on that row and then takes it (created is False): only a head created
        # here while events exist means that the head was removed.
        head, created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        if created and AuditEvent.objects.exists():
            raise AuditChainBroken("The audit chain head is missing; run `manage.py verify_audit`.")
    return head


def record_event(
    actor: Actor | None,
    action: str,
    *,
    kind: str = AuditEvent.Kind.CHANGE,
    obj: models.Model | None = None,
    case: Any = None,
    pupil: Any = None,
    school_id: int | None = None,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    actions.check(action)
    origin = current_origin.get() or RequestOrigin()
    if pupil is None and case is not None:
        pupil = case.pupil_id
    if school_id is None:
        school_id = actor.school_id if actor else None
    values: dict[str, Any] = {
        "actor_id": actor.user_id if actor else None,
        "role": str(actor.role or "") if actor else "",
        "school_id": school_id,
        "pupil_id": pupil.pk if isinstance(pupil, models.Model) else pupil,
        "case_id": case.pk if case is not None else None,
        "kind": str(kind),
        "action": str(action),
        "object_type": obj._meta.model_name if obj is not None else "",
        "object_id": obj.pk if obj is not None else None,
        "outcome": str(outcome),
        "source_address": _address(origin.address),
        "session_key": origin.session_key or "",
    }
    # As it will be read back: JSON types only.
    plain_detail = json.loads(json.dumps(detail or {}))
    keys = current_keys()
    # Inside the caller's transaction when there is one; its own otherwise (a read outside one).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        values["sequence"] = head.last_sequence + 1
        values["prev_hash"] = head.last_hash
        values["at"] = timezone.now()
        # Sealed to its sequence, and hashed as stored.
        values["detail"] = sealing.seal(plain_detail, values["sequence"])
        values["key_id"] = keys.active_id
        values["hash"] = chain.event_hash(values, keys.active)
        event = AuditEvent.objects.create(**values)
        AuditChainHead.objects.filter(pk=1).update(last_sequence=values["sequence"], last_hash=values["hash"])
    event.detail = plain_detail
    return event
