"""Template tag through which the functional administrator's pupil page shows the pupil's brothers
and sisters (`pupils/_pupil_siblings.html`), through the school-scoped `haven.pupils.queries`."""

from typing import Any

from django import template

from haven.access.policy import has_permission
from haven.pupils import forms, queries

register = template.Library()


def _actor(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "actor", None)


@register.simple_tag(takes_context=True)
def pupil_siblings(context: template.Context, pupil: Any) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or not has_permission(actor, "school.manage"):
        return {"links": [], "form": None}
    return {
        "links": queries.sibling_links(actor, pupil),
        "form": forms.SiblingForm(pupils=queries.sibling_candidates(actor, pupil), auto_id="id_sibling_%s"),
    }
