"""PDF exports rendered from HTML templates with WeasyPrint (as Dutch government Django projects do)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The PDF of a template. Static files (the print stylesheet) are read from disk, never fetched."""
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is made

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "haven" / "static")).write_pdf()
