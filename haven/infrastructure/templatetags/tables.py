"""`{% stacked_table %}`: a data table that shows as stacked cards on a phone, with its headers kept.

    {% load tables %}
    {% stacked_table %}<table class="utrecht-table ...">...</table>{% endstacked_table %}

The tag renders the table as the template wrote it and adds, without touching anything else:
- `data-haven-stack` on the <table>, which theme.css lays out as one card per row below 40rem;
- on every body cell, `data-label` with the visible text of its column's header (colspans counted),
  which theme.css shows beside the value (`::before`, `content: attr(data-label) / ""`: hidden from
  screen readers, which have the real header);
- the table roles (table, rowgroup, row, columnheader, rowheader, cell), because a table laid out
  with `display: block` loses its semantics in some browsers; the roles keep it a table for them;
- a <div class="haven-stack__value"> around each body cell's content, so that label and value
  make two columns whatever the cell holds.
A column whose header is only for screen readers (`haven-sr-only`, like "Actions") gets no label.
"""

from html.parser import HTMLParser

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SECTIONS = ("thead", "tbody", "tfoot")
CELLS = ("td", "th")
VOID = ("area", "br", "col", "hr", "img", "input", "wbr")
VALUE_OPEN = '<div class="haven-stack__value">'
VALUE_CLOSE = "</div>"


class _Stacker(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0]
        for index, char in enumerate(html):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.inserts: list[tuple[int, str]] = []
        self.depth = 0  # table nesting: only the outermost table is changed
        self.section = ""
        self.headers: list[str] = []  # the visible header text of each column
        self.head_row: list[str] | None = None
        self.header_text: list[str] | None = None
        self.hidden_depth = 0  # inside a haven-sr-only element of a header cell
        self.header_span = 1
        self.column = 0
        self.open_cell = False

    # Positions in the original text -----------------------------------------------------------

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _add_to_start_tag(self, text: str) -> int:
        """Inserts attributes before the '>' of the start tag just read; returns the offset after it."""
        start = self._offset()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        closing = end - 2 if raw.endswith("/>") else end - 1
        self.inserts.append((closing, text))
        return end

    def _close_cell(self) -> None:
        if self.open_cell:
            self.inserts.append((self._offset(), VALUE_CLOSE))
            self.open_cell = False

    # The parser's callbacks ----------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._add_to_start_tag(' data-haven-stack role="table"')
            return
        if self.depth != 1:
            return
        hiding = self.hidden_depth or "haven-sr-only" in (attributes.get("class") or "").split()
        if self.header_text is not None and tag not in VOID and hiding:
            self.hidden_depth += 1
        if tag in SECTIONS:
            self._close_cell()
            self.section = tag
            self._add_to_start_tag(' role="rowgroup"')
        elif tag == "tr":
            self._close_cell()
            self.column = 0
            if self.section == "thead":
                self.head_row = []
            self._add_to_start_tag(' role="row"')
        elif tag in CELLS:
            self._close_cell()
            span = int(attributes.get("colspan") or 1)
            if self.section == "thead":
                self._add_to_start_tag(' role="columnheader"')
                self.header_text = []
                self.hidden_depth = 0
                self.header_span = span
                return
            role = "cell" if tag == "td" else "rowheader"
            label = self.headers[self.column] if self.column < len(self.headers) else ""
            extra = f' role="{role}"'
            if label and "data-label" not in attributes and span == 1:
                extra += f' data-label="{escape(label)}"'
            end = self._add_to_start_tag(extra)
            self.inserts.append((end, VALUE_OPEN))
            self.open_cell = True
            self.column += span

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self.depth == 1:
                self._close_cell()
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if self.header_text is not None and self.hidden_depth:
            self.hidden_depth -= 1
            return
        if tag in CELLS and self.section == "thead" and self.header_text is not None:
            text = " ".join("".join(self.header_text).split())
            assert self.head_row is not None
            self.head_row.extend([text] * self.header_span)
            self.header_text = None
        elif tag in CELLS:
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
            if self.section == "thead" and self.head_row is not None:
                self.headers = self.head_row  # the last header row names the columns
        elif tag in SECTIONS:
            self._close_cell()
            self.section = ""

    def handle_data(self, data: str) -> None:
        if self.depth == 1 and self.header_text is not None and not self.hidden_depth:
            self.header_text.append(data)

    def result(self) -> str:
        self.feed(self.html)
        self.close()
        out, last = [], 0
        for offset, text in sorted(self.inserts, key=lambda insert: insert[0]):
            out.append(self.html[last:offset])
            out.append(text)
            last = offset
        out.append(self.html[last:])
        return "".join(out)


def stack(html: str) -> SafeString:
    """The table in `html` (rendered, trusted template output) made ready to stack: see the module."""
    return mark_safe(_Stacker(html).result())  # noqa: S308 - only escaped attributes are added


class StackedTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return stack(self.nodelist.render(context))


@register.tag("stacked_table")
def stacked_table(parser: template.base.Parser, token: template.base.Token) -> StackedTableNode:
    nodelist = parser.parse(("endstacked_table",))
    parser.delete_first_token()
    return StackedTableNode(nodelist)
