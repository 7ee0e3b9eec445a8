"""Reading DUO's files of schools and boards, without a database: names, codes, encodings."""

import pytest

from haven.organisations.duo import decode, parse_file, place_name


@pytest.mark.parametrize(
    ("duo", "haven"),
    [
        ("EDE", "Ede"),
        ("'S-HERTOGENBOSCH", "'s-Hertogenbosch"),
        ("'S-GRAVENHAGE", "'s-Gravenhage"),
        ("ALPHEN AAN DEN RIJN", "Alphen aan den Rijn"),
        ("BERGEN OP ZOOM", "Bergen op Zoom"),
        ("BERGEN (NH)", "Bergen (NH)"),
        ("CAPELLE AAN DEN IJSSEL", "Capelle aan den IJssel"),
        ("IJSSELSTEIN", "IJsselstein"),
        ("SÚDWEST-FRYSLÂN", "Súdwest-Fryslân"),
        ("NOORD-BEVELAND", "Noord-Beveland"),
        ("DE BILT", "De Bilt"),
        ("Ede", "Ede"),  # not in capitals: kept as written
        ("Alphen aan den Rijn", "Alphen aan den Rijn"),
        ("", ""),
    ],
)
def test_place_names_in_capitals_get_their_ordinary_spelling(duo, haven):
    assert place_name(duo) == haven


HEADER = "BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;POSTCODE;GEMEENTENUMMER;GEMEENTENAAM"


def test_windows_1252_and_utf8_read_the_same():
    text = HEADER + "\n90001;99XA;99XA00;CBS De Ûle;8701EF;1900;SÚDWEST-FRYSLÂN\n"
    assert decode(text.encode("cp1252")) == decode(text.encode("utf-8")) == decode(text.encode("utf-8-sig"))
    [row] = parse_file("x.csv", text.encode("cp1252")).schools
    assert (row.name, row.postal_code, row.municipality_code, row.municipality) == (
        "CBS De Ûle",
        "8701 EF",
        "GM1900",
        "Súdwest-Fryslân",
    )


def test_a_location_is_given_as_two_digits_or_as_the_full_code_and_board_numbers_lose_leading_zeros():
    text = HEADER + "\n090001;99xa;03;School;;228;EDE\n90001;99XA;99XA04;School 4;;0228;EDE\n"
    rows = parse_file("x.csv", text.encode()).schools
    assert [(r.code, r.board, r.municipality_code) for r in rows] == [
        ("99XA03", "90001", "GM0228"),
        ("99XA04", "90001", "GM0228"),
    ]


def test_the_main_locations_file_without_a_location_column_is_location_00():
    text = "BEVOEGD GEZAG NUMMER;BRIN NUMMER;INSTELLINGSNAAM;GEMEENTENUMMER;GEMEENTENAAM\n90001;99XA;School;0228;EDE\n"
    [row] = parse_file("hoofd.csv", text.encode()).schools
    assert row.code == "99XA00"


def test_bad_cells_are_each_reported_and_give_no_row():
    text = HEADER + "\nx;99XA;99XA00;@cmd;12;02288;\n"
    parsed = parse_file("x.csv", text.encode())
    assert parsed.schools == []
    assert len(parsed.errors) == 5  # board number, name, postcode, municipality number, municipality name
    assert all(error.startswith("x.csv") and " 2" in error for error in parsed.errors)


def test_a_row_with_too_few_fields_and_broken_quotes_are_reported():
    text = HEADER + '\n90001;99XA\n90001;99XA;99XA00;"School;;0228;EDE\n'
    parsed = parse_file("x.csv", text.encode())
    assert parsed.schools == [] and len(parsed.errors) == 2


def test_nul_bytes_and_oversized_files_are_refused_before_parsing():
    assert decode("a;b".encode("utf-16"))[0] is None
    assert decode(b"x" * (20 * 1024 * 1024 + 1))[0] is None
    assert decode(b"  \n")[0] is None
