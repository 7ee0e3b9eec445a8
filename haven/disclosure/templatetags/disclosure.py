from typing import Any

from django import template

from haven.access.policy import has_permission

register = template.Library()


@register.inclusion_tag("disclosure/_link.html", takes_context=True)
def disclosure_link(context: Any, pupil: Any) -> dict[str, Any]:
    """The link to prepare parents' access, for those who may (the dossier page shows it)."""
    actor = getattr(context.get("request"), "actor", None)
    return {"pupil": pupil, "allowed": has_permission(actor, "pupil.disclose")}
