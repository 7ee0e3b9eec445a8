"""Template tags through which other apps' pages show this app's parts: the inbox's link to
Handle with Care."""

from typing import Any

from django import template

from haven.access.policy import has_permission
from haven.external_signals import queries

register = template.Library()


def _actor(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "actor", None)


@register.inclusion_tag("external_signals/_handle_with_care_link.html", takes_context=True)
def handle_with_care_link(context: template.Context) -> dict[str, Any]:
    actor = _actor(context)
    show = has_permission(actor, "police_notice.record")
    return {"show": show, "waiting": queries.waiting_intakes(actor).count() if show else 0}
