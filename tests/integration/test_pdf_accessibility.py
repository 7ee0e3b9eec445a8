"""Every PDF Haven makes is a tagged, accessible PDF (PDF/UA-1), read back with pikepdf.

Reads as the specification. Whatever the export (the dossier chronology, the report to Veilig
Thuis, the conversation report, the handover package, the monitoring report), the file says it is
tagged (/MarkInfo /Marked true), claims PDF/UA-1 in its XMP metadata, names its language (/Lang
nl) and its title (in the document information and the XMP metadata, and viewers show that title
instead of the file name: /DisplayDocTitle), and has a structure tree with headings, paragraphs,
lists and tables, in the reading order of the page: the tree's headings are the document's
headings in the same order and at the same levels, and the tree visits the marked content in the
order it was drawn. veraPDF (Java) cannot be installed here, so these are the checks it would
start from, not a full PDF/UA validation.
"""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from haven.documents import pdf as pdf_module
from haven.insights import metrics
from tests.builders import _make_package
from tests.insights_data import LAST_YEAR, calendar, rollup
from tests.pdf_structure import Structure, html_headings


@pytest.fixture
def rendered(monkeypatch):
    """The HTML every PDF was made from, to compare its headings with the PDF's structure tree."""
    pages: list[str] = []
    original = pdf_module.render_to_string

    def keep(*args, **kwargs):
        html = original(*args, **kwargs)
        pages.append(html)
        return html

    monkeypatch.setattr(pdf_module, "render_to_string", keep)
    return pages


def assert_accessible(content: bytes, html: str, title: str) -> Structure:
    structure = Structure.of(content)
    if keep := os.environ.get("HAVEN_KEEP_PDFS"):  # to look at them (see test_documents.py)
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / (re.sub(r"\W+", "-", structure.title.lower()).strip("-") + ".pdf")).write_bytes(content)
    assert structure.marked, "not tagged: /MarkInfo /Marked is not true"
    assert structure.pdfua_part == "1", "no PDF/UA-1 identification in the XMP metadata"
    assert structure.lang == "nl"
    assert structure.title.startswith(title), structure.title
    assert structure.xmp_title == structure.title
    assert structure.display_doc_title
    # A logical structure: a document with one title heading, parts under it, and text in paragraphs.
    assert structure.elements and structure.elements[0].kind == "Document"
    headings = structure.headings()
    assert headings[0] == "H1" and headings.count("H1") == 1, headings
    assert "P" in structure.kinds()
    # The reading order: the tree's headings are the HTML's, in the same order and at the same levels...
    assert headings == html_headings(html)
    # ...and the tree visits the marked content in the order it was drawn, page by page.
    order = structure.content_order()
    assert order and order == sorted(order)
    return structure


def test_the_report_to_veilig_thuis_is_an_accessible_pdf(cast, dossier, rendered):  # noqa: F811
    case, _conversation = dossier
    response = cast.client("af").get(reverse("documents:report", args=[case.pk]))
    assert response.status_code == 200
    structure = assert_accessible(response.content, rendered[-1], "Melden bij Veilig Thuis")
    # The report's parts are its headings: each heading of a part has the items' headings under it.
    headings = structure.headings()
    assert headings.count("H2") == 6 and headings.count("H3") >= 20, headings


def test_the_chronology_is_an_accessible_pdf_with_tables(cast, dossier, rendered):  # noqa: F811
    case, _conversation = dossier
    response = cast.client("af").get(reverse("documents:chronology", args=[case.pk]))
    structure = assert_accessible(response.content, rendered[-1], "Chronologie van het dossier")
    assert {"Table", "TR", "TH", "TD"} <= structure.kinds()
    # Every entry is a heading under "Chronologie", the report inside it one level deeper.
    headings = structure.headings()
    assert headings[:2] == ["H1", "H2"] and headings.count("H3") >= 6 and "H4" in headings, headings


def test_the_conversation_report_is_an_accessible_pdf(cast, dossier, rendered):  # noqa: F811
    _case, conversation = dossier
    response = cast.client("teacher").get(reverse("documents:conversation", args=[conversation.pk]))
    assert_accessible(response.content, rendered[-1], "Verslag van het gesprek")


def test_the_handover_package_is_an_accessible_pdf(cast, full_case, rendered):  # noqa: F811
    package = _make_package(cast, full_case, ["signals", "conversations", "decisions"])
    response = cast.client("af").get(reverse("handover:package_pdf", args=[package.pk]))
    assert response.status_code == 200
    assert_accessible(response.content, rendered[-1], "Overdracht")


def test_the_monitoring_report_is_an_accessible_pdf(cast, school_c, rendered):  # noqa: F811
    for school, signals, reports in ((cast.school_a, 3, 1), (cast.school_b, 11, 6), (school_c, 20, 7)):
        rollup(school, date(LAST_YEAR.year, 3, 1), metrics.SIGNALS, signals)
        rollup(school, date(LAST_YEAR.year, 3, 1), metrics.REPORTS, reports)
    response = cast.client("region").get(reverse("insights:report") + calendar())
    assert response.status_code == 200
    structure = assert_accessible(response.content, rendered[-1], "Monitor van de meldcode")
    assert structure.title  # the monitor's own title and the region's name
    assert "Table" in structure.kinds()
    # The charts are figures with their caption as the alternative text (the table beside each has the figures).
    figures = [element for element in structure.elements if element.kind == "Figure"]
    assert figures and all(figure.alt.strip() for figure in figures)


def test_a_template_without_a_language_or_a_title_is_refused(settings, tmp_path):
    (tmp_path / "bare.html").write_text("<!DOCTYPE html><html><body><h1>Zonder titel</h1></body></html>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with pytest.raises(pdf_module.InaccessibleDocument):
        pdf_module.render_pdf("bare.html", {})
