"""Reading the administration's files: EDEXML 2.x and CSV, good and bad (tests/fixtures/pupil_import)."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from haven.pupils.administration import csv_reader, edexml
from haven.pupils.administration.records import MAX_FILE_BYTES, FileRefused, Incoming

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "pupil_import"
TODAY = dt.date(2026, 12, 7)
MAPPING = {
    "key": "Leerlingnummer",
    "first_name": "Roepnaam",
    "prefix": "Tussenvoegsel",
    "last_name": "Achternaam",
    "date_of_birth": "Geboortedatum",
    "group": "Groep",
}


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def test_edexml_school_groups_pupils_and_teachers():
    incoming = edexml.parse_edexml(read("school.xml"), TODAY)
    assert (incoming.school_year, incoming.brin, incoming.rejected) == ("2026-2027", "12AB", [])
    assert [(g.name, g.composite) for g in incoming.groups] == [
        ("Groep 5", False),
        ("Groep 6", False),
        ("Leesclub", True),
    ]
    fenna = incoming.pupils[2]
    assert (fenna.key, fenna.first_name, fenna.last_name, fenna.date_of_birth, fenna.group) == (
        "1003",
        "Fenna",
        "van den Berg",
        dt.date(2018, 5, 2),
        "Groep 5",
    )
    pieter = incoming.teachers[1]
    assert (pieter.last_name, pieter.email, pieter.groups) == (
        "de Wit",
        "p.dewit@regenboog.example",
        ("Groep 6", "Leesclub"),
    )


def test_what_was_read_survives_its_json_form():
    incoming = edexml.parse_edexml(read("school.xml"), TODAY)
    assert Incoming.from_json(incoming.to_json()) == incoming


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("not_xml.xml", "geen geldig XML"),
        ("broken.xml", "geen geldig XML"),
        ("wrong_root.xml", "<leerlinggegevens>"),
        ("bad_encoding.xml", "tekenset"),
        ("doctype.xml", "DOCTYPE"),
        ("version1.xml", "1.0.3"),
    ],
)
def test_edexml_files_that_are_refused_whole_say_why_in_dutch(name, words):
    with pytest.raises(FileRefused) as refused:
        edexml.parse_edexml(read(name), TODAY)
    assert words in refused.value.message


def test_missing_and_duplicate_keys_and_bad_rows_are_rejected_with_their_reason():
    duplicate = edexml.parse_edexml(read("duplicate_keys.xml"), TODAY)
    assert [(r.row, r.key) for r in duplicate.rejected] == [(1, "1001"), (2, "1001")]
    assert "meer dan één leerling" in duplicate.rejected[0].reason
    assert [p.key for p in duplicate.pupils] == ["1003"]
    missing = edexml.parse_edexml(read("missing_key.xml"), TODAY)
    assert [(r.row, r.key) for r in missing.rejected] == [(1, "")]
    assert "sleutel" in missing.rejected[0].reason
    bad = edexml.parse_edexml(read("bad_rows.xml"), TODAY)
    reasons = [r.reason for r in bad.rejected]
    assert len(reasons) == 4 and bad.pupils == []
    assert "toekomst" in reasons[0] and "roepnaam" in reasons[1] and "geen datum" in reasons[2]
    assert "G9" in reasons[3]


def test_a_file_over_the_limit_is_refused_before_parsing():
    huge = b"<EDEX>" + b" " * (50 * 1024 * 1024) + b"</EDEX>"
    for parse in (lambda: edexml.parse_edexml(huge, TODAY), lambda: csv_reader.parse_csv(huge, MAPPING, TODAY)):
        with pytest.raises(FileRefused) as refused:
            parse()
        assert f"{MAX_FILE_BYTES // (1024 * 1024)} MB" in refused.value.message


@pytest.mark.parametrize("name", ["school.csv", "school_no_bom.csv"])
def test_csv_with_and_without_byte_order_mark(name):
    incoming = csv_reader.parse_csv(read(name), MAPPING, TODAY)
    assert incoming.rejected == [] and incoming.school_year == "2026-2027"
    assert [(p.key, p.last_name, p.date_of_birth, p.group) for p in incoming.pupils][:3] == [
        ("1001", "de Vries", dt.date(2017, 3, 14), "Groep 5"),
        ("1002", "de Vries", dt.date(2017, 3, 14), "Groep 6"),
        ("1003", "van den Berg", dt.date(2018, 5, 2), "Groep 5"),
    ]
    assert [g.name for g in incoming.groups] == ["Groep 5", "Groep 6"]


def test_csv_in_windows_1252_with_commas_and_other_column_names():
    data = read("school_cp1252.csv")
    headers = csv_reader.read_headers(data)
    assert headers == ["Nummer", "Voornaam", "Tussenvoegsel", "Achternaam", "Geb. datum", "Klas"]
    mapping = {
        "key": "Nummer",
        "first_name": "Voornaam",
        "prefix": "Tussenvoegsel",
        "last_name": "Achternaam",
        "date_of_birth": "Geb. datum",
        "group": "Klas",
    }
    incoming = csv_reader.parse_csv(data, mapping, TODAY)
    assert [(p.first_name, p.last_name, p.date_of_birth) for p in incoming.pupils] == [
        ("Zoë", "Müller", dt.date(2017, 4, 1)),
        ("Anaïs", "van Dijk", dt.date(2016, 9, 1)),
    ]


def test_the_usual_column_names_are_guessed():
    assert csv_reader.guess_mapping(csv_reader.read_headers(read("school.csv"))) == MAPPING


def test_bad_csv_rows_each_get_their_dutch_reason():
    incoming = csv_reader.parse_csv(read("bad_rows.csv"), MAPPING, TODAY)
    rejected = {r.row: r.reason for r in incoming.rejected}
    assert set(rejected) == {2, 3, 4, 5, 6, 7}
    assert "leeg" in rejected[2]
    assert "31-02-2017" in rejected[3]
    assert "meer dan één leerling" in rejected[4] and "meer dan één leerling" in rejected[5]
    assert "leeg" in rejected[6]
    assert "toekomst" in rejected[7]
    assert incoming.pupils == []


def test_a_csv_without_a_mapped_column_or_in_utf16_is_refused():
    with pytest.raises(FileRefused) as refused:
        csv_reader.parse_csv(read("missing_column.csv"), {**MAPPING, "prefix": ""}, TODAY)
    assert "Geboortedatum" in refused.value.message
    with pytest.raises(FileRefused) as refused:
        csv_reader.parse_csv(read("utf16.csv"), MAPPING, TODAY)
    assert "UTF-16" in refused.value.message
    with pytest.raises(FileRefused):
        csv_reader.parse_csv(read("school.csv"), {"key": "Leerlingnummer"}, TODAY)
