from collections.abc import Mapping
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext

from haven.audit import actions
from haven.meldcode import labels
from haven.meldcode.sections import LoadedSection
from haven.meldcode.workflow import NextAction

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_section(context: template.Context, section: LoadedSection) -> SafeString:
    """Render a dossier section (haven/meldcode/sections.py) with what its loader read, like
    `{% include %}` with the section's context added; it reads nothing itself."""
    assert context.template is not None
    with context.push(**section.context):
        rendered: SafeString = context.template.engine.get_template(section.template).render(context)
        return rendered


@register.filter
def event_label(action: str) -> str:
    return actions.label(action)


@register.filter
def yes_no(value: bool | None) -> str:
    if value is None:
        return gettext("Not answered")
    return gettext("Yes") if value else gettext("No")


@register.filter
def get_field(form: forms.BaseForm, name: str) -> forms.BoundField:
    return form[name]


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def verbose(instance: Any, field_name: str) -> str:
    return capfirst(instance._meta.get_field(field_name).verbose_name)


@register.filter
def next_action_label(action: NextAction) -> str:
    return str(labels.NEXT_ACTION_LABELS[action])
