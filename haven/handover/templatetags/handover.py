from typing import Any

from django import template

from haven.handover import queries

register = template.Library()


@register.inclusion_tag("handover/_case_section.html", takes_context=True)
def handover_section(context: Any, case: Any) -> dict[str, Any]:
    """The dossier page's handover section: where it came from, notices to new teachers, packages
    (`d` is the dossier `load_dossier` read, access checked)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    return {"case": case, "h": queries.for_case(actor, context["d"]) if actor else None}
