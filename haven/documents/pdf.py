"""PDF exports rendered from HTML templates with WeasyPrint (as Dutch government Django projects do).

Every PDF Haven makes goes through `render_pdf`, so every one is a tagged, accessible PDF (PDF/UA-1):
a structure tree built from the template's HTML (headings, paragraphs, lists, tables) in the order
of the document, the language of the `<html lang>` as the document's language, and the `<title>`
as the title in the document information and the XMP metadata, shown by viewers instead of the
file name. A template without a language or a title is refused, so no export can lose them.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

# WeasyPrint's variant: PDF 1.7 with tags, the PDF/UA identification in the XMP metadata, and the
# catalogue's /MarkInfo, /Lang and /ViewerPreferences /DisplayDocTitle (docs/architecture.md).
PDF_VARIANT = "pdf/ua-1"


class InaccessibleDocument(ValueError):
    """The template gave no language or no title: the PDF would not be accessible."""


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The PDF of a template. Static files (the print stylesheet) are read from disk, never fetched."""
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is made

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "haven" / "static")).render(pdf_variant=PDF_VARIANT)
    metadata = document.metadata
    if not (metadata.lang or "").strip() or not (metadata.title or "").strip():
        raise InaccessibleDocument(f"{template_name} needs <html lang> and a <title> for an accessible PDF.")
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
