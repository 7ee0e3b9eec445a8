"""`manage.py import_duo`: DUO's files of school locations and boards create and update Haven's organisations."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from haven.audit.models import AuditEvent
from haven.organisations.models import Board, Municipality, School
from tests.factories import BoardFactory, MunicipalityFactory, SchoolFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "duo"
SCHOOLS = FIXTURES / "alle-vestigingen-bo.csv"
BOARDS = FIXTURES / "bevoegde-gezagen-bo.csv"


def run(*paths: Path) -> str:
    out = io.StringIO()
    call_command("import_duo", *map(str, paths), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(*paths: Path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_duo", *map(str, paths), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def imports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="organisations.import_duo").order_by("pk"))


def organisations() -> dict[str, tuple]:
    return {
        school.brin_code: (
            school.name,
            school.street_address,
            school.postal_code,
            school.city,
            school.municipality.code,
            school.municipality.name,
            school.board.duo_number,
            school.board.name,
        )
        for school in School.objects.select_related("board", "municipality")
    }


def write_cp1252(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return path


HEADER = SCHOOLS.read_bytes().decode("cp1252").splitlines()[0]


@pytest.mark.django_db
def test_the_fixture_creates_boards_municipalities_and_schools_with_one_audit_event():
    run(SCHOOLS, BOARDS)

    assert organisations() == {
        "99XA00": (
            "Basisschool De Regenboog",
            "Schoolstraat 12",
            "6711 AB",
            "Ede",
            "GM0228",
            "Ede",
            "90001",
            "Stichting Openbaar Onderwijs Veluwe",
        ),
        "99XA01": (
            "Basisschool De Regenboog, locatie Bennekom",
            "Kerkweg 3a",
            "6721 CD",
            "Bennekom",
            "GM0228",
            "Ede",
            "90001",
            "Stichting Openbaar Onderwijs Veluwe",
        ),
        # Read as Windows-1252, as DUO writes it; the capitals of DUO's place names become ordinary spelling.
        "99XB00": (
            "CBS De Ûle",
            "Tsjerkepaad 7",
            "8701 EF",
            "Bolsward",
            "GM1900",
            "Súdwest-Fryslân",
            "90002",
            "Stichting Katholiek en Christelijk Onderwijs Noord-Zuid",
        ),
        "99XC00": (
            "Kindcentrum 't Kasteel",
            "Burgemeester van Rooijlaan 101",
            "5211 GH",
            "'s-Hertogenbosch",
            "GM0796",
            "'s-Hertogenbosch",
            "90002",
            "Stichting Katholiek en Christelijk Onderwijs Noord-Zuid",
        ),
    }
    [event] = imports()
    assert event.actor_id is None
    assert event.detail["counts"] == {
        "boards": {"created": 2, "updated": 0, "unchanged": 0},
        "municipalities": {"created": 3, "updated": 0, "unchanged": 0},
        "schools": {"created": 4, "updated": 0, "unchanged": 0},
    }


@pytest.mark.django_db
def test_importing_the_same_files_again_changes_nothing():
    run(SCHOOLS, BOARDS)
    before = organisations()

    run(BOARDS, SCHOOLS)  # in any order

    assert organisations() == before
    assert Board.objects.count() == 2 and Municipality.objects.count() == 3
    assert imports()[-1].detail["counts"]["schools"] == {"created": 0, "updated": 0, "unchanged": 4}


@pytest.mark.django_db
def test_what_haven_already_has_is_matched_and_updated_never_duplicated_or_deleted():
    # Typed in by hand before: a board without its DUO number, a municipality without its code,
    # the school under its four-character BRIN, and a school DUO does not list.
    board = BoardFactory(name="Stichting Openbaar Onderwijs Veluwe")
    ede = MunicipalityFactory(name="Ede", code=None)
    school = SchoolFactory(name="De Regenboog", brin_code="99XA", board=board, municipality=ede)
    other = SchoolFactory(name="Andere school", brin_code="98ZZ", board=board, municipality=ede)

    run(SCHOOLS, BOARDS)

    board.refresh_from_db()
    ede.refresh_from_db()
    school.refresh_from_db()
    assert board.duo_number == "90001" and ede.code == "GM0228"
    assert (school.brin_code, school.name, school.street_address) == (
        "99XA",
        "Basisschool De Regenboog",
        "Schoolstraat 12",
    )
    assert School.objects.filter(pk=other.pk).exists()
    assert School.objects.count() == 5
    assert imports()[-1].detail["counts"] == {
        "boards": {"created": 1, "updated": 1, "unchanged": 0},
        "municipalities": {"created": 2, "updated": 1, "unchanged": 0},
        "schools": {"created": 3, "updated": 1, "unchanged": 0},
    }


@pytest.mark.django_db
def test_a_later_file_updates_name_address_and_board(tmp_path):
    run(SCHOOLS, BOARDS)
    moved = write_cp1252(
        tmp_path,
        "nieuw.csv",
        HEADER + "\nGelderland;90002;99XA;99XA00;IKC De Regenboog;Nieuwe Weg;1;6712 XY;EDE;0228;EDE;Openbaar;;\n",
    )

    out = run(moved)

    school = School.objects.select_related("board").get(brin_code="99XA00")
    assert (school.name, school.street_address, school.postal_code, school.board.duo_number) == (
        "IKC De Regenboog",
        "Nieuwe Weg 1",
        "6712 XY",
        "90002",
    )
    assert imports()[-1].detail["counts"]["schools"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert "1" in out


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    bad = write_cp1252(
        tmp_path,
        "fout.csv",
        "\n".join(
            [
                HEADER,
                "Gelderland;90001;99XA;99XA00;Basisschool De Regenboog;Schoolstraat;12;6711AB;EDE;0228;EDE;;;",
                "Gelderland;90001;9XA;99XA01;School zonder BRIN;Kerkweg;3;6721 CD;EDE;0228;EDE;;;",
                "Gelderland;90001;99XA;99XB01;Verkeerde vestiging;Kerkweg;3;6721 CD;EDE;0228;EDE;;;",
                "Gelderland;90001;99XA;99XA02;=HYPERLINK(1);Kerkweg;3;1234;EDE;02X8;EDE;;;",
                "Gelderland;abc;99XA;99XA03;Geen bestuur;Kerkweg;3;6721 CD;EDE;0228;;;;",
                "Gelderland;90001;99XA;99XA00;Dubbel;Kerkweg;3;6721 CD;EDE;0228;EDE;;;",
            ]
        ),
    )

    err = run_failing(bad, BOARDS)

    lines = err.splitlines()
    assert any("fout.csv" in line and " 3" in line and "9XA" in line for line in lines)
    assert any(" 4" in line and "99XB01" in line for line in lines)
    assert any(" 5" in line and "HYPERLINK" in line for line in lines)
    assert any(" 5" in line and "1234" in line for line in lines)
    assert any(" 5" in line and "02X8" in line for line in lines)
    assert any(" 6" in line and "abc" in line for line in lines)
    assert any(" 6" in line and "GEMEENTENAAM" in line for line in lines)
    assert School.objects.count() == 0 and Board.objects.count() == 0 and Municipality.objects.count() == 0
    assert imports() == []


@pytest.mark.django_db
def test_a_duplicate_school_and_an_unknown_board_import_nothing(tmp_path):
    bad = write_cp1252(
        tmp_path,
        "dubbel.csv",
        "\n".join(
            [
                HEADER,
                "Gelderland;90001;99XA;99XA00;Een;Schoolstraat;12;6711AB;EDE;0228;EDE;;;",
                "Gelderland;90001;99XA;99XA00;Twee;Schoolstraat;12;6711AB;EDE;0228;EDE;;;",
            ]
        ),
    )
    err = run_failing(bad, BOARDS)
    assert "99XA00" in err and " 2" in err
    assert School.objects.count() == 0

    # Without DUO's file of boards, a board Haven does not know has no name: refused, nothing written.
    err = run_failing(SCHOOLS)
    assert "90001" in err and "90002" in err
    assert School.objects.count() == 0 and Board.objects.count() == 0 and Municipality.objects.count() == 0
    assert imports() == []


@pytest.mark.django_db
def test_files_that_are_not_duo_files_are_refused(tmp_path):
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(SCHOOLS.read_bytes().decode("cp1252").encode("utf-16"))
    other = tmp_path / "anders.csv"
    other.write_text("naam;adres\nDe Linde;Schoolstraat 1\n", encoding="utf-8")
    missing = tmp_path / "kolommen.csv"
    missing.write_text("INSTELLINGSCODE;VESTIGINGSNAAM\n99XA;De Linde\n", encoding="utf-8")
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")

    for path, word in ((utf16, "utf16.csv"), (other, "INSTELLINGSCODE"), (missing, "GEMEENTENUMMER"), (empty, "leeg")):
        assert word in run_failing(path, BOARDS)
    assert School.objects.count() == 0 and imports() == []


@pytest.mark.django_db
def test_a_utf8_file_with_commas_and_the_older_column_names_reads_too(tmp_path):
    older = tmp_path / "oud.csv"
    older.write_text(
        "\ufeffBEVOEGD GEZAG NUMMER,BRIN NUMMER,VESTIGINGSNUMMER,VESTIGINGSNAAM,STRAATNAAM,HUISNUMMER-TOEVOEGING,"
        "POSTCODE,PLAATSNAAM,GEMEENTENUMMER,GEMEENTENAAM\n"
        '90001,99XA,01,"De Regenboog, Bennekom",Kerkweg,3,6721CD,BENNEKOM,228,EDE\n',
        encoding="utf-8",
    )

    run(older, BOARDS)

    school = School.objects.select_related("municipality").get()
    assert (school.brin_code, school.name, school.municipality.code) == ("99XA01", "De Regenboog, Bennekom", "GM0228")
