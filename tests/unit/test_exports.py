"""Exports of the monitoring's tables: CSV and XLSX that a spreadsheet opens without running anything."""

import csv
import io

import openpyxl
import pytest

from haven.insights.exports import to_csv, to_xlsx

HEADER = ["municipality", "year", "reports", "note"]
DANGEROUS = ['=HYPERLINK("http://evil","klik")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def test_csv_writes_numbers_empty_cells_and_hidden_cells():
    text = to_csv(HEADER, [["Ede", 2024, 12, None], ["Wageningen", 2024, "< 5", "–"]])
    assert text == "municipality,year,reports,note\r\nEde,2024,12,\r\nWageningen,2024,< 5,–\r\n"


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_neutralises_text_that_a_spreadsheet_would_run_as_a_formula(value):
    text = to_csv(HEADER, [[value, 2024, -3, "gewoon"]])
    row = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert row[0] == "'" + value
    # A negative number is a number, not text: it keeps its minus sign and no apostrophe.
    assert row[2] == "-3"
    assert row[3] == "gewoon"


def test_csv_with_a_byte_order_mark_for_excel():
    assert to_csv(["a"], [["Súdwest-Fryslân"]], bom=True) == "\ufeffa\r\nSúdwest-Fryslân\r\n"


def test_a_truth_value_is_no_figure():
    with pytest.raises(TypeError):
        to_csv(["a"], [[True]])
    with pytest.raises(TypeError):
        to_xlsx("t", ["a"], [[False]])


def open_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_keeps_numbers_as_numbers_and_hidden_cells_as_text():
    sheet = open_xlsx(to_xlsx("Regio Vallei", HEADER, [["Ede", 2024, 12, None], ["Wageningen", 2024, "< 5", "–"]]))
    assert sheet.title == "Regio Vallei"
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert (sheet["B2"].value, sheet["B2"].data_type) == (2024, "n")
    assert (sheet["C2"].value, sheet["C2"].data_type) == (12, "n")
    assert sheet["D2"].value is None
    assert (sheet["C3"].value, sheet["C3"].data_type) == ("< 5", "s")
    assert (sheet["D3"].value, sheet["D3"].data_type) == ("–", "s")


@pytest.mark.parametrize("value", DANGEROUS)
def test_xlsx_stores_formula_like_text_as_a_string_never_a_formula(value):
    sheet = open_xlsx(to_xlsx("t", HEADER, [[value, 2024, -3, None]]))
    cell = sheet["A2"]
    assert cell.data_type == "s"
    # XML reads a carriage return back as a line feed (openpyxl's own reader; with lxml it stays).
    assert cell.value.replace("\r", "\n") == value.replace("\r", "\n")
    # Excel's quote prefix: the cell stays text even after someone edits it.
    assert cell.quotePrefix
    assert (sheet["C2"].value, sheet["C2"].data_type) == (-3, "n")


def test_xlsx_sheet_title_within_excels_rules():
    sheet = open_xlsx(to_xlsx("Regio [Noord]/Zuid: een heel lange naam van een regio", ["a"], []))
    assert sheet.title == "Regio Noord Zuid een heel lange"
    assert len(sheet.title) <= 31
