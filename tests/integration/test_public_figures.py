"""Importing public figures: the command, the service's scope rules, idempotence, and all-or-nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from haven.access.middleware import actor_for
from haven.accounts.models import AnalystMembership
from haven.audit.models import AuditEvent
from haven.insights.models import PublicFigure, Region
from haven.insights.public_figures import HEADER, import_public_figures
from haven.organisations.models import Municipality
from tests.factories import MunicipalityFactory, UserFactory

HEAD = ",".join(HEADER)
REGION_FILE = "\n".join(
    [
        HEAD,
        "GM0228,Ede,2023,12000,45,9,31",
        "GM0228,Ede,2024,12100,40,7,",
        "GM0289,Wageningen,2023,3900,12,3,8",
        "GM0289,Wageningen,2024,3950,,2,9",
    ]
)


def run_import(tmp_path, text: str, *args: str) -> tuple[str, str]:
    path = tmp_path / "cijfers.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_public_figures", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def imports():
    return list(AuditEvent.objects.filter(action="insights.import_public_figures").order_by("pk"))


def figures() -> dict[tuple[str, int], tuple]:
    return {
        (f.municipality.code, f.year): (
            f.pupils_primary,
            f.advice_requests_education,
            f.reports_education,
            f.referral_index_signals_primary,
        )
        for f in PublicFigure.objects.select_related("municipality")
    }


@pytest.mark.django_db
def test_the_command_creates_the_municipalities_and_the_region_and_says_so(tmp_path):
    out, err = run_import(tmp_path, REGION_FILE, "--region", "Regio Vallei")

    assert err == ""
    assert out.splitlines() == [
        "Regio aangemaakt: Regio Vallei.",
        "Gemeente toegevoegd: Ede (GM0228).",
        "Gemeente toegevoegd: Wageningen (GM0289).",
        "Ede toegevoegd aan de regio Regio Vallei.",
        "Wageningen toegevoegd aan de regio Regio Vallei.",
        "GM0228 Ede 2023: toegevoegd.",
        "GM0228 Ede 2024: toegevoegd.",
        "GM0289 Wageningen 2023: toegevoegd.",
        "GM0289 Wageningen 2024: toegevoegd.",
        "Toegevoegd: 4, bijgewerkt: 0, ongewijzigd: 0.",
    ]
    region = Region.objects.get(name="Regio Vallei")
    assert sorted(region.municipalities.values_list("code", flat=True)) == ["GM0228", "GM0289"]
    assert figures() == {
        ("GM0228", 2023): (12000, 45, 9, 31),
        ("GM0228", 2024): (12100, 40, 7, None),
        ("GM0289", 2023): (3900, 12, 3, 8),
        ("GM0289", 2024): (3950, None, 2, 9),
    }
    [event] = imports()
    assert event.actor_id is None
    assert event.detail["created"] == 4 and event.detail["updated"] == 0 and event.detail["unchanged"] == 0
    assert event.detail["municipalities_created"] == ["Ede (GM0228)", "Wageningen (GM0289)"]
    assert event.detail["region_created"] is True


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing_and_says_so(tmp_path):
    run_import(tmp_path, REGION_FILE, "--region", "Regio Vallei")
    stamps = dict(PublicFigure.objects.values_list("pk", "updated_at"))

    out, _err = run_import(tmp_path, REGION_FILE, "--region", "Regio Vallei")

    assert out.splitlines() == [
        "Niets veranderd: alle cijfers in het bestand stonden al in Haven.",
        "Toegevoegd: 0, bijgewerkt: 0, ongewijzigd: 4.",
    ]
    assert dict(PublicFigure.objects.values_list("pk", "updated_at")) == stamps
    assert Municipality.objects.count() == 2 and Region.objects.count() == 1
    second = imports()[-1]
    assert (second.detail["created"], second.detail["updated"], second.detail["unchanged"]) == (0, 0, 4)


@pytest.mark.django_db
def test_a_new_file_updates_what_changed_and_an_empty_cell_keeps_what_haven_had(tmp_path):
    run_import(tmp_path, REGION_FILE)
    corrected = "\n".join([HEAD, "GM0228,Ede,2023,12000,46,,31", "GM0289,Wageningen,2024,3950,11,2,9"])

    out, _err = run_import(tmp_path, corrected)

    assert out.splitlines() == [
        "GM0228 Ede 2023: bijgewerkt (advice_requests_education 45 → 46).",
        "GM0289 Wageningen 2024: bijgewerkt (advice_requests_education – → 11).",
        "Eén lege cel liet het cijfer staan dat Haven al had.",
        "Toegevoegd: 0, bijgewerkt: 2, ongewijzigd: 0.",
    ]
    assert figures()[("GM0228", 2023)] == (12000, 46, 9, 31)
    assert figures()[("GM0289", 2024)] == (3950, 11, 2, 9)


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_and_the_command_fails_with_every_message(tmp_path):
    bad = REGION_FILE + "\nGM0289,Wageningen,2024,3950,veel,2,9\nGM12,Renkum,2023,1,1,1,1\n"

    with pytest.raises(CommandError) as failure:
        run_import(tmp_path, bad, "--region", "Regio Vallei")

    assert str(failure.value) == "Niets geïmporteerd: 2 regels bevatten fouten."
    assert not PublicFigure.objects.exists()
    assert not Municipality.objects.exists()
    assert not Region.objects.exists()
    assert imports() == []


@pytest.mark.django_db
def test_the_command_prints_the_dutch_messages_on_stderr(tmp_path):
    path = tmp_path / "cijfers.csv"
    path.write_text(HEAD + "\nGM0228,Ede,2023,1,-1,1,1\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_public_figures", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "Regel 2, advice_requests_education: -1 is negatief; een aantal is 0 of meer.\n"


@pytest.mark.django_db
def test_the_command_refuses_a_file_too_large_without_reading_it_whole(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_text(HEAD + "\n" + "GM0228,Ede,2023,1,1,1,1\n" * 60_000, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_public_figures", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert err.getvalue() == "Het bestand is groter dan 1 MB. Splits het, bijvoorbeeld per jaar.\n"


@pytest.mark.django_db
def test_a_code_or_a_name_that_haven_knows_otherwise_is_refused():
    MunicipalityFactory(name="Ede", code="GM0228")
    MunicipalityFactory(name="Renkum", code="GM0274")
    text = "\n".join([HEAD, "GM0228,Edam,2023,1,1,1,1", "GM0275,Renkum,2023,1,1,1,1"])

    result = import_public_figures(None, text, create_missing=True)

    assert result.errors == [
        'Regel 2, municipality: de code GM0228 hoort in Haven bij "Ede", niet bij "Edam".',
        'Regel 3, municipality_code: "Renkum" heeft in Haven de code GM0274, niet GM0275.',
    ]
    assert result.summary() == ["Niets geïmporteerd: 2 regels bevatten fouten."]
    assert not PublicFigure.objects.exists()
    assert Municipality.objects.count() == 2


@pytest.mark.django_db
def test_without_create_missing_an_unknown_municipality_is_an_error():
    result = import_public_figures(None, HEAD + "\nGM0228,Ede,2023,1,1,1,1\n")
    assert result.errors == [
        "Regel 2: de gemeente GM0228 Ede is niet bekend in Haven. Vraag de beheerder van Haven om haar toe te voegen."
    ]
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_a_municipality_officer_imports_rows_of_their_own_municipality_only(cast):
    own = cast.school_a.municipality  # Zonnedal, known to Haven without a code yet
    MunicipalityFactory(name="Ede", code="GM0228")
    actor = cast.actor("municipality")
    mixed = "\n".join([HEAD, "GM0999,Zonnedal,2023,800,5,1,2", "GM0228,Ede,2023,12000,45,9,31"])

    result = import_public_figures(actor, mixed)

    assert result.errors == [
        "Regel 3: GM0228 Ede is niet jouw gemeente; je kunt alleen cijfers van Zonnedal importeren."
    ]
    assert not PublicFigure.objects.exists()
    own.refresh_from_db()
    assert own.code is None

    result = import_public_figures(actor, "\n".join([HEAD, "GM0999,Zonnedal,2023,800,5,1,2"]))

    assert result.ok
    assert result.summary()[0] == "Code GM0999 vastgelegd bij Zonnedal."
    own.refresh_from_db()
    assert own.code == "GM0999"
    assert figures() == {("GM0999", 2023): (800, 5, 1, 2)}
    [event] = imports()
    assert event.actor_id == cast.municipality.pk and event.detail["created"] == 1


@pytest.mark.django_db
def test_a_municipality_officer_cannot_add_a_municipality_they_do_not_have(cast):
    result = import_public_figures(cast.actor("municipality"), HEAD + "\nGM0228,Ede,2023,1,1,1,1\n")
    assert result.errors == [
        "Regel 2: GM0228 Ede is niet jouw gemeente; je kunt alleen cijfers van Zonnedal importeren."
    ]
    assert not Municipality.objects.filter(name="Ede").exists()
    with pytest.raises(PermissionDenied):
        import_public_figures(cast.actor("municipality"), REGION_FILE, create_missing=True)
    with pytest.raises(PermissionDenied):
        import_public_figures(cast.actor("municipality"), REGION_FILE, region="Mijn regio")


@pytest.mark.django_db
def test_a_region_officer_imports_rows_of_the_regions_municipalities(db):
    ede = MunicipalityFactory(name="Ede", code="GM0228")
    MunicipalityFactory(name="Renkum", code="GM0274")
    region = Region.objects.create(name="Regio Vallei")
    region.municipalities.add(ede)
    user = UserFactory(username="regio")
    AnalystMembership.objects.create(user=user, region=region)
    actor, _membership = actor_for(user)

    result = import_public_figures(actor, "\n".join([HEAD, "GM0228,Ede,2023,1,1,1,1", "GM0274,Renkum,2023,1,1,1,1"]))
    assert result.errors == ["Regel 3: GM0274 Renkum hoort niet bij de gemeenten van Regio Vallei."]
    assert not PublicFigure.objects.exists()

    result = import_public_figures(actor, "\n".join([HEAD, "GM0228,ede,2023,1,1,1,1"]), region=region)
    assert result.ok
    # Haven keeps its own spelling of the name.
    assert [change.municipality for change in result.rows] == ["Ede"]
    assert figures() == {("GM0228", 2023): (1, 1, 1, 1)}


@pytest.mark.django_db
def test_only_the_municipality_and_region_officers_may_import(cast):
    for name in ("teacher", "af", "leader", "admin", "board"):
        with pytest.raises(PermissionDenied):
            import_public_figures(cast.actor(name), REGION_FILE)
    assert not PublicFigure.objects.exists()
