"""How the monitoring's cells read on the page and in the report."""

from dataclasses import dataclass

from django import template

from haven.insights.tables import CHANGE, PERCENT, TEXT, Row, Table, format_number

register = template.Library()


@dataclass(frozen=True)
class ShownCell:
    text: str
    hidden: bool
    numeric: bool


def _text(value: object, kind: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int) or kind == TEXT:
        return str(value)
    if kind == CHANGE:
        return f"+{format_number(value)}" if value > 0 else ("0" if value == 0 else f"−{format_number(-value)}")
    if kind == PERCENT:
        sign = "+" if value > 0 else ("−" if value < 0 else "")
        return f"{sign}{format_number(abs(value))}%"
    return format_number(value)


@register.filter
def shown_cells(row: Row, table: Table) -> list[ShownCell]:
    """The row's cells as text, each with its column's way of writing numbers."""
    if row.heading:
        return []
    return [
        ShownCell(
            text=_text(value, column.kind),
            hidden=value == table.hidden_text,
            numeric=isinstance(value, int) or value is None or value == table.hidden_text,
        )
        for value, column in zip(row.cells, table.columns, strict=True)
    ]


@register.filter
def number(value: object) -> str:
    """A count the Dutch way (12.345); "–" when it is not known."""
    return _text(value, "count")
