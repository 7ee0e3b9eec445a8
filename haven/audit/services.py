"""The one way to write an audit event. Call it inside the transaction of the change it records."""

from typing import Any

from django.db import models

from haven.access.policy import Actor
from haven.audit.context import RequestOrigin, current_origin
from haven.audit.models import AuditEvent


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
    origin = current_origin.get() or RequestOrigin()
    if pupil is None and case is not None:
        pupil = case.pupil_id
    if school_id is None:
        school_id = actor.school_id if actor else None
    return AuditEvent.objects.create(
        actor_id=actor.user_id if actor else None,
        role=str(actor.role or "") if actor else "",
        school_id=school_id,
        pupil_id=pupil.pk if isinstance(pupil, models.Model) else pupil,
        case_id=case.pk if case is not None else None,
        kind=kind,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        outcome=outcome,
        detail=detail or {},
        source_address=origin.address,
        session_key=origin.session_key,
    )
