"""Phones (issue 12 §6): data tables stack as cards with their headers kept, and no mouse-only hints.

The browser side (cards at 390 px, the folded menu) is in tests/browser/test_phone.py; here the
mechanism itself: `{% stacked_table %}` gives every body cell its column's header, keeps the table
roles, and every data table on a screen goes through it.
"""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from haven.infrastructure.templatetags.tables import stack

TEMPLATES = Path(settings.BASE_DIR) / "haven" / "templates"

# Tables that do not stack, with the reason. Every other template with a <table> must use the tag.
NOT_STACKED = {
    "insights/_table.html": "the monitoring's cross tables are read across their columns (years, schools): "
    "they scroll sideways with the row labels held in place",
    "insights/report.html": "the monitoring report, a PDF",
    "handover/package_pdf.html": "a PDF",
    "documents/_pupil.html": "a PDF",
    "documents/chronology.html": "a PDF",
    "documents/conversation.html": "a PDF",
}

TABLE = """<table class="t">
<caption>Signalen</caption>
<thead><tr><th scope="col">Leerling &amp; groep</th><th scope="col">Stap</th><th colspan="2">Twee</th>
<th scope="col"><span class="haven-sr-only">Acties</span></th></tr></thead>
<tbody>
<tr><th scope="row">Sanne</th><td>2. Consultatie</td><td>a<br>b</td><td data-label="eigen">c</td>
<td><form method="post"><button>Oppakken</button></form></td></tr>
</tbody></table>"""


def test_each_body_cell_gets_its_columns_header_and_the_table_keeps_its_roles():
    html = stack(TABLE)
    assert '<table class="t" data-haven-stack role="table">' in html
    assert html.count('role="rowgroup"') == 2 and html.count('role="row"') == 2
    assert html.count('role="columnheader"') == 4
    assert '<th scope="row" role="rowheader" data-label="Leerling &amp; groep">' in html
    assert '<td role="cell" data-label="Stap"><div class="haven-stack__value">2. Consultatie</div></td>' in html
    # A colspan counts for two columns; a label the template set itself is kept.
    assert '<td role="cell" data-label="Twee"><div class="haven-stack__value">a<br>b</div></td>' in html
    assert '<td data-label="eigen" role="cell">' in html
    # A header only for screen readers ("Acties") shows no label on the card.
    assert '<td role="cell"><div class="haven-stack__value"><form method="post">' in html
    # Nothing else changes.
    assert re.sub(
        r' (data-haven-stack|role="[a-z]+"|data-label="[^"]*")|<div class="haven-stack__value">|</div>', "", html
    ) == (TABLE.replace(' data-label="eigen"', ""))


def test_every_data_table_on_a_screen_stacks_on_a_phone():
    unstacked = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        text = path.read_text()
        if "<table" in text and name not in NOT_STACKED and text.count("{% stacked_table %}") != text.count("<table"):
            unstacked.append(name)
    assert unstacked == [], f"wrap these tables in {{% stacked_table %}} or list them in NOT_STACKED: {unstacked}"


def test_the_inbox_and_the_dossier_list_label_every_cell(cast):
    cast.signal("teacher")
    cast.case(author="teacher")
    for url in (reverse("meldcode:inbox"), reverse("meldcode:case_list")):
        html = cast.client("af").get(url).content.decode()
        headers = re.findall(
            r'<th class="utrecht-table__header-cell" scope="col" role="columnheader">([^<]+)</th>', html
        )
        assert len(headers) >= 4, (url, headers)
        cells = re.findall(r'<td class="utrecht-table__cell" role="cell" data-label="([^"]+)">', html)
        assert cells and set(cells) == set(headers), (url, headers, cells)


MOUSE_ONLY = re.compile(r"\b(Ctrl|Cmd|click|hover|mouse|klik|muis)\b", re.I)


def test_no_screen_asks_for_a_mouse_or_a_keyboard_shortcut():
    found = []
    for path in sorted([*TEMPLATES.rglob("*.html"), *(Path(settings.BASE_DIR) / "haven" / "guidance").rglob("*.md")]):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # Markup and CSS classes may say "click" (htmx's hx-trigger); the words people read may not.
            text = re.sub(r"<[^>]*>|\{%.*?%\}", "", line) if path.suffix == ".html" else line
            translated = re.findall(r'\{% (?:translate|blocktranslate)[^%]*?"([^"]*)"', line)
            for words in [text, *translated]:
                if MOUSE_ONLY.search(words):
                    found.append(f"{path.name}:{number}: {words.strip()}")
    assert found == []
