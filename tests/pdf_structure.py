"""Reading a PDF's accessibility back with pikepdf: what a screen reader and veraPDF's PDF/UA checks
start from (veraPDF itself is Java and cannot be installed here).

`Structure.of(pdf_bytes)` gives the catalogue's marks (/MarkInfo, /Lang, /ViewerPreferences), the
title in the document information and in the XMP metadata, and the structure tree in reading
order: every structure element with its type and the marked content it owns, as (page, MCID).
"""

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf

HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")


@dataclass
class Element:
    kind: str  # the structure type without the slash: "H1", "P", "Table", ...
    depth: int
    content: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID) it owns directly
    in_label: bool = False  # inside a list item's label (Lbl): the bullet, which WeasyPrint draws last
    alt: str = ""  # the alternative text (/Alt) of a Figure


@dataclass
class Structure:
    marked: bool
    lang: str
    display_doc_title: bool
    title: str
    xmp_title: str
    pdfua_part: str
    elements: list[Element]

    @classmethod
    def of(cls, content: bytes) -> "Structure":
        pdf = pikepdf.open(io.BytesIO(content))
        root = pdf.Root
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        mark_info = root.get("/MarkInfo", {})
        preferences = root.get("/ViewerPreferences", {})
        with pdf.open_metadata() as meta:
            xmp_title = str(meta.get("dc:title", ""))
            pdfua_part = str(meta.get("pdfuaid:part", ""))
        elements: list[Element] = []
        tree = root.get("/StructTreeRoot")
        if tree is not None:
            _walk(tree.get("/K"), None, 0, pages, elements)
        return cls(
            marked=bool(mark_info.get("/Marked", False)),
            lang=str(root.get("/Lang", "")),
            display_doc_title=bool(preferences.get("/DisplayDocTitle", False)),
            title=str(pdf.docinfo.get("/Title", "")),
            xmp_title=xmp_title,
            pdfua_part=pdfua_part,
            elements=elements,
        )

    def kinds(self) -> set[str]:
        return {element.kind for element in self.elements}

    def headings(self) -> list[str]:
        return [element.kind for element in self.elements if element.kind in HEADINGS]

    def content_order(self) -> list[tuple[int, int]]:
        """The text's marked content in the order of the structure tree, the reading order: without
        the list bullets and the figures (charts), which WeasyPrint draws after the text around them."""
        return [
            item
            for element in self.elements
            if not element.in_label and element.kind != "Figure"
            for item in element.content
        ]


def _walk(
    kids: Any, page: int | None, depth: int, pages: dict[Any, int], out: list[Element], in_label: bool = False
) -> None:
    if kids is None:
        return
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            _walk(kid, page, depth, pages, out, in_label)
        return
    if isinstance(kids, int):  # an MCID on the parent's page
        if out and page is not None:
            out[-1].content.append((page, int(kids)))
        return
    if not isinstance(kids, pikepdf.Dictionary):
        return
    kid_page = pages.get(kids["/Pg"].objgen, page) if "/Pg" in kids else page
    if kids.get("/Type") == "/MCR":
        if out and kid_page is not None:
            out[-1].content.append((kid_page, int(kids["/MCID"])))
        return
    if "/S" not in kids:  # an object reference (a link annotation)
        return
    kind = str(kids["/S"]).lstrip("/")
    in_label = in_label or kind == "Lbl"
    out.append(Element(kind=kind, depth=depth, in_label=in_label, alt=str(kids.get("/Alt", ""))))
    _walk(kids.get("/K"), kid_page, depth + 1, pages, out, in_label)


def html_headings(html: str) -> list[str]:
    """The heading levels of an HTML document, in document order ("H1", "H2", ...)."""
    return [f"H{level}" for level in re.findall(r"<h([1-6])[\s>]", html)]
