"""Tables of the monitoring as CSV and XLSX files, safe to open in a spreadsheet.

A cell is a number (written as a number), text, or None (an empty cell: "not known"). Hidden small
cells arrive here as their text ("< 5", "–") and are written as text, never as a number.

Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula
(and tab or CR lead to the same on some imports). Text in these tables can come from outside
(municipality names from an imported file), so such text is neutralised: in CSV with a leading
apostrophe, which spreadsheets read as "this is text"; in XLSX by storing it as a string cell with
Excel's quote prefix, so it is not evaluated, not even after someone edits the cell.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = int | float | str | date | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX sheet title may not hold, and its length limit (Excel's).
_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_TITLE_MAX = 31


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _csv_value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int to Python, never a figure here
        raise TypeError("a table cell cannot be a truth value")
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return "'" + value if is_formula_like(value) else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, bom: bool = False) -> str:
    """The table as CSV text (RFC 4180: comma-separated, lines ending in CRLF).

    `bom=True` starts it with a byte order mark: Excel then reads it as UTF-8 (names like
    Súdwest-Fryslân and the dash of a hidden cell survive); use it for downloads.
    """
    buffer = io.StringIO()
    # With CRLF as the line end the writer also quotes a field holding a lone CR; with "\n" it does not.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_value(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = " ".join(title.translate(_TITLE_FORBIDDEN).split()).strip("'")
    return cleaned[:_TITLE_MAX] or "Tabel"


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The table as an XLSX workbook with one sheet: the header in bold and frozen, numbers as
    numbers, every text as a string cell (never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(title)
    widths: dict[int, int] = {}
    for row_number, row in enumerate([list(header), *rows], start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, bool):
                raise TypeError("a table cell cannot be a truth value")
            cell = sheet.cell(row=row_number, column=column)
            if value is None:
                continue
            cell.value = value
            if isinstance(value, str):
                # openpyxl takes text starting with "=" for a formula; a string cell is never one.
                cell.data_type = "s"
                if is_formula_like(value):
                    cell.quotePrefix = True
            if row_number == 1:
                cell.font = Font(bold=True)
            widths[column] = max(widths.get(column, 0), len(str(value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
