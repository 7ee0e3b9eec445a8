"""Template tags through which other apps' pages show this app's parts: the inbox's link to
Handle with Care."""

from typing import Any

from django import template

from haven.access.policy import has_permission

register = template.Library()


def _actor(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "actor", None)


@register.inclusion_tag("external_signals/_handle_with_care_link.html", takes_context=True)
def handle_with_care_link(context: template.Context) -> dict[str, Any]:
    return {"show": has_permission(_actor(context), "police_notice.record")}
