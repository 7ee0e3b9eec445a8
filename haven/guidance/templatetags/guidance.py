from django import template
from django.utils.safestring import SafeString

from haven.guidance.content import render

register = template.Library()


@register.simple_tag
def guidance(topic: str) -> SafeString:
    return render(topic)
