"""Reads of the audit log, scoped by the access policy and themselves audited."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from haven.access.lookup import scoped_get
from haven.access.policy import Actor, can_view_access_log
from haven.audit.audit_actions import AuditLogAction
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.meldcode.models import Case
from haven.meldcode.queries import visible_cases

ACTION = AuditLogAction.VIEW_ACCESS_LOG
# What the page shows of an event (not the chain fields, the detail or the session).
SHOWN = ("sequence", "at", "actor", "role", "case", "action", "outcome", "source_address")


def _deny(actor: Actor, case: Case) -> None:
    record_event(actor, ACTION, kind=AuditEvent.Kind.READ, obj=case, case=case, outcome=AuditEvent.Outcome.DENIED)


def case_for_access_log(actor: Actor, pk: int) -> Case:
    """The dossier whose access log the actor asks for; the asking is audited, allowed or not.

    Another school's dossier (or one that does not exist) is 404, as everywhere; a dossier the actor
    sees but whose log they may not (an IB who is not its case lead) is 403.
    """
    case = scoped_get(actor, visible_cases(actor), pk, action=ACTION, about=lambda c: {"obj": c, "case": c})
    if not can_view_access_log(actor, case.school_id, case.lead_id):
        _deny(actor, case)
        raise PermissionDenied
    record_event(actor, ACTION, kind=AuditEvent.Kind.READ, obj=case, case=case)
    return case


def case_access_log(case: Case) -> QuerySet[AuditEvent]:
    """Every audit event of the dossier, newest first (index audit_event_case_seq_idx)."""
    return (
        AuditEvent.objects.filter(case=case)
        .select_related("actor")
        .only(*SHOWN, "actor__first_name", "actor__last_name", "actor__username")
        .order_by("-sequence")
    )
