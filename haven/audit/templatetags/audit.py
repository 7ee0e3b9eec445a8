from typing import TYPE_CHECKING

from django import template

from haven.access.labels import ROLE_LABELS
from haven.access.policy import Actor, can_view_access_log
from haven.audit import actions

if TYPE_CHECKING:
    from haven.meldcode.models import Case

register = template.Library()


@register.filter
def audit_label(action: str) -> str:
    return actions.label(action)


@register.filter
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


@register.filter
def may_view_access_log(actor: Actor | None, case: "Case") -> bool:
    """Whether the dossier page links to its access log (the view decides again)."""
    return actor is not None and can_view_access_log(actor, case.school_id, case.lead_id)
