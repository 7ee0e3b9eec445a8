"""Reading a file of public figures: every bad input gets a Dutch message naming its line and column.

`parse` touches no database; the checks against Haven's municipalities and the writing are in
tests/integration/test_public_figures.py.
"""

import pytest

from haven.insights.public_figures import HEADER, MAX_BYTES, MAX_LINES, parse

HEAD = ",".join(HEADER)
THIS_YEAR = 2025


def file(*rows: str, header: str = HEAD) -> str:
    return "\n".join([header, *rows]) + "\n"


def errors_of(data) -> list[str]:
    _rows, errors, _bad = parse(data, this_year=THIS_YEAR)
    return errors


def test_a_good_file_gives_its_rows_with_empty_cells_as_not_known():
    rows, errors, bad = parse(
        file("GM0228,Ede,2023,12000,45,9,31", "GM0200,Apeldoorn,2023,15500,,7,"), this_year=THIS_YEAR
    )
    assert errors == [] and bad == 0
    assert [(r.line, r.code, r.name, r.year) for r in rows] == [
        (2, "GM0228", "Ede", 2023),
        (3, "GM0200", "Apeldoorn", 2023),
    ]
    assert rows[0].counts == {
        "pupils_primary": 12000,
        "advice_requests_education": 45,
        "reports_education": 9,
        "referral_index_signals_primary": 31,
    }
    assert rows[1].counts["advice_requests_education"] is None
    assert rows[1].counts["referral_index_signals_primary"] is None


def test_a_byte_order_mark_is_allowed():
    rows, errors, _bad = parse(("\ufeff" + file("GM0228,Ede,2023,12000,45,9,31")).encode("utf-8"), this_year=THIS_YEAR)
    assert errors == []
    assert rows[0].code == "GM0228"


def test_semicolons_as_dutch_excel_writes_them():
    text = file("GM0228;Ede;2023;12000;45;9;31", '"GM0200";"Apeldoorn";2023;15500;;7;', header=HEAD.replace(",", ";"))
    rows, errors, _bad = parse(text.replace("\n", "\r\n").encode("utf-8"), this_year=THIS_YEAR)
    assert errors == []
    assert [(r.name, r.counts["reports_education"]) for r in rows] == [("Ede", 9), ("Apeldoorn", 7)]


def test_a_name_with_a_comma_in_quotes_stays_one_field():
    rows, errors, _bad = parse(file('GM0999,"Gemeente, Noord",2023,1,2,3,4'), this_year=THIS_YEAR)
    assert errors == []
    assert rows[0].name == "Gemeente, Noord"


def test_blank_lines_and_the_empty_rows_a_spreadsheet_leaves_are_skipped():
    rows, errors, _bad = parse(file("GM0228,Ede,2023,12000,45,9,31", "", ",,,,,,"), this_year=THIS_YEAR)
    assert errors == []
    assert len(rows) == 1


def test_an_empty_file():
    assert errors_of(b"") == ["Het bestand is leeg."]
    assert errors_of("\ufeff\n\n") == ["Het bestand is leeg."]


def test_a_file_with_only_the_header():
    assert errors_of(file()) == ["Het bestand bevat alleen de kopregel: er zijn geen cijfers om te importeren."]


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read():
    data = (file() + "GM0228,Ede,2023,1,2,3,4\n" * (MAX_BYTES // 20)).encode()
    assert len(data) > MAX_BYTES
    assert errors_of(data) == ["Het bestand is groter dan 1 MB. Splits het, bijvoorbeeld per jaar."]


def test_a_file_with_too_many_lines_is_refused():
    data = file() + "\n" * MAX_LINES
    assert errors_of(data) == ["Het bestand heeft meer dan 10.000 regels. Splits het, bijvoorbeeld per jaar."]


def test_a_file_that_is_not_utf8():
    data = file("GM0228,Súdwest-Fryslân,2023,1,2,3,4").encode("cp1252")
    assert errors_of(data) == [
        'Het bestand is geen UTF-8-tekst. Kies in Excel "Opslaan als" en het type "CSV UTF-8 (door komma\'s '
        'gescheiden)".'
    ]


def test_a_wrong_header_says_what_it_must_be():
    errors = errors_of(file("GM0228,Ede,2023,1,2,3,4", header="code,name,year,a,b,c,d"))
    assert errors[0].startswith("Regel 1: de kolommen municipality_code, municipality, pupils_primary")
    assert errors[1].startswith('Regel 1: onbekende kolommen "code", "name", "a"')
    assert all(error.endswith(f"De eerste regel moet precies zijn: {HEAD}") for error in errors)


def test_a_missing_column():
    header = HEAD.replace(",reports_education", "")
    errors = errors_of(file("GM0228,Ede,2023,1,2,4", header=header))
    assert errors == [f"Regel 1: de kolom reports_education ontbreekt. De eerste regel moet precies zijn: {HEAD}"]


def test_columns_in_another_order():
    header = ",".join([HEADER[1], HEADER[0], *HEADER[2:]])
    errors = errors_of(file("Ede,GM0228,2023,1,2,3,4", header=header))
    assert errors == [
        f"Regel 1: de kolommen staan in een andere volgorde dan verwacht. De eerste regel moet precies zijn: {HEAD}"
    ]


def test_a_row_with_too_few_fields():
    errors = errors_of(file("GM0228,Ede,2023,1,2,3"))
    assert errors == [
        "Regel 2: 6 velden in plaats van 7. Controleer het scheidingsteken (komma of puntkomma) en de aanhalingstekens."
    ]


@pytest.mark.parametrize("code", ["0228", "GM228", "GM02280", "XX0228", "GM02a8", ""])
def test_a_bad_municipality_code(code):
    errors = errors_of(file(f"{code},Ede,2023,1,2,3,4"))
    assert errors == [
        f'Regel 2, municipality_code: "{code}" is geen gemeentecode; een code is GM met vier cijfers, zoals GM0228.'
    ]


def test_a_lower_case_code_is_read_as_the_code():
    rows, errors, _bad = parse(file("gm0228,Ede,2023,1,2,3,4"), this_year=THIS_YEAR)
    assert errors == [] and rows[0].code == "GM0228"


def test_a_missing_name():
    assert errors_of(file("GM0228,,2023,1,2,3,4")) == ["Regel 2, municipality: de naam van de gemeente ontbreekt."]


def test_a_name_that_would_run_as_a_formula_in_a_spreadsheet():
    errors = errors_of(file('GM0228,"=HYPERLINK(""http://x"")",2023,1,2,3,4'))
    assert errors == ['Regel 2, municipality: "=HYPERLINK("http://x")" is geen naam van een gemeente.']


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1989", "Regel 2, year: 1989 ligt niet tussen 1990 en 2025."),
        ("2026", "Regel 2, year: 2026 ligt niet tussen 1990 en 2025."),
        ("twintig", 'Regel 2, year: "twintig" is geen jaartal.'),
        ("2023.0", 'Regel 2, year: "2023.0" is geen jaartal.'),
        ("", 'Regel 2, year: "" is geen jaartal.'),
    ],
)
def test_a_bad_year(year, message):
    assert errors_of(file(f"GM0228,Ede,{year},1,2,3,4")) == [message]


def test_a_negative_count():
    assert errors_of(file("GM0228,Ede,2023,1,-2,3,4")) == [
        "Regel 2, advice_requests_education: -2 is negatief; een aantal is 0 of meer."
    ]


@pytest.mark.parametrize("value", ["veel", "12.5", "1.200", "3,0", "1e3", "½"])
def test_text_in_a_count(value):
    assert errors_of(file(f'GM0228,Ede,2023,"{value}",2,3,4')) == [
        f'Regel 2, pupils_primary: "{value}" is geen heel getal. Laat de cel leeg als het cijfer niet bekend is.'
    ]


def test_a_count_too_large():
    assert errors_of(file("GM0228,Ede,2023,1,2,10000000,4")) == [
        "Regel 2, reports_education: 10000000 is te groot voor dit cijfer (het moet kleiner zijn dan 10 miljoen)."
    ]
    rows, errors, _bad = parse(file("GM0228,Ede,2023,1,2,9999999,0"), this_year=THIS_YEAR)
    assert errors == [] and rows[0].counts["reports_education"] == 9999999


def test_the_same_municipality_and_year_twice():
    errors = errors_of(file("GM0228,Ede,2023,1,2,3,4", "GM0228,Ede,2024,1,2,3,4", "GM0228,Ede,2023,1,2,3,5"))
    assert errors == ["Regel 4: GM0228 Ede, 2023 staat ook op regel 2; geef elke gemeente en elk jaar één keer."]


def test_one_code_with_two_names_and_one_name_with_two_codes():
    errors = errors_of(file("GM0228,Ede,2023,1,2,3,4", "GM0228,Edam,2024,1,2,3,4", "GM0229,Ede,2022,1,2,3,4"))
    assert errors == [
        'Regel 3, municipality: GM0228 heet "Ede" op regel 2.',
        'Regel 4, municipality_code: "Ede" heeft de code GM0228 op regel 2.',
    ]


def test_every_bad_row_is_reported_and_none_is_kept():
    rows, errors, bad = parse(
        file("GM0228,Ede,2023,1,2,3,4", "GM22,Ede,2024,x,2,3,4", "GM0200,Apeldoorn,2031,1,2,3,-1"),
        this_year=THIS_YEAR,
    )
    assert bad == 2
    assert [error.split(":")[0] for error in errors] == [
        "Regel 3, municipality_code",
        "Regel 3, pupils_primary",
        "Regel 4, year",
        "Regel 4, referral_index_signals_primary",
    ]
    assert len(rows) == 1  # the good one; the service writes nothing when there are errors
