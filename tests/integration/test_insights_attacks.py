"""Attacks on the monitoring (issue 11) as an outsider would try them.

Each test is one attack: widening one's scope through the query string, bad parameters, hostile
uploads on the public figures page, working out a hidden figure from what the page shows, and the
records without a dossier for another school's pupil. A test that passes is an attack that failed.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.insights import metrics
from haven.insights.models import PublicFigure, RollupCount
from haven.insights.periods import PeriodKind, period_of
from haven.insights.public_figures import HEADER as FIGURES_HEADER
from haven.insights.tables import DURATIONS, TREND
from haven.meldcode.models import AdviceRequest, Signal
from haven.organisations.models import Municipality
from tests.factories import SchoolFactory

# A function, not a constant: a run that passes midnight must not compare yesterday with today.
TODAY = timezone.localdate
LAST_YEAR = period_of(TODAY(), PeriodKind.CALENDAR_YEAR).previous()
CALENDAR = f"?soort=kalenderjaar&jaar={LAST_YEAR.year}"
HEAD = ",".join(FIGURES_HEADER)
OVERVIEW = reverse("insights:overview")
IMPORT = reverse("insights:public_figures")


def rollup(school, month: date, metric: str, count: int, dimension: str = "") -> None:
    RollupCount.objects.create(school=school, month=month, metric=metric, dimension=dimension, count=count)


@pytest.fixture
def school_c(cast):
    return SchoolFactory(
        name="IKC De Esch", brin_code="56EF", board=cast.school_a.board, municipality=cast.school_a.municipality
    )


@pytest.fixture
def counted(cast, school_c):
    month = date(LAST_YEAR.year, 3, 1)
    for school, signals in ((cast.school_a, 3), (cast.school_b, 11), (school_c, 20)):
        rollup(school, month, metrics.SIGNALS, signals)
    return cast


# --- Widening one's scope through the query string -----------------------------------------------


SMUGGLED = "&school={a}&school_id={a}&schools={a}&gemeente={m}&municipality={m}&board={bo}&region={m}&scope=region"


def smuggle(cast) -> str:
    return SMUGGLED.format(a=cast.school_a.pk, m=cast.school_a.municipality_id, bo=cast.school_a.board_id)


def test_another_schools_af_cannot_ask_for_school_a_through_the_query_string(counted):
    client = counted.client("af_b")
    extra = smuggle(counted)
    response = client.get(OVERVIEW + CALENDAR + extra)
    assert response.status_code == 200
    m = response.context["m"]
    assert m.scope.school_ids == (counted.school_b.pk,)
    # School B's own 11 signals, not A's 3 nor the municipality's 34.
    assert m.table(TREND).rows[0].cells[-3] == 11
    csv = client.get(reverse("insights:export", args=[TREND, "csv"]) + CALENDAR + extra)
    assert csv.status_code == 200
    assert "Het Kompas" in csv["Content-Disposition"] or "het-kompas" in csv["Content-Disposition"]
    assert ",11," in csv.content.decode() and ",34," not in csv.content.decode()
    pdf = client.get(reverse("insights:report") + CALENDAR + extra)
    assert pdf.status_code == 200 and "het-kompas" in pdf["Content-Disposition"]


def test_a_municipality_officer_cannot_ask_for_another_municipality(counted):
    other = Municipality.objects.create(name="Beekveld", code="GM0289")
    for k in range(3):
        school = SchoolFactory(name=f"Beekveld {k}", brin_code=f"9{k}BV", municipality=other)
        rollup(school, date(LAST_YEAR.year, 3, 1), metrics.SIGNALS, 50)
    query = CALENDAR + f"&gemeente={other.pk}&municipality={other.pk}&municipality_id={other.pk}"
    m = counted.client("municipality").get(OVERVIEW + query).context["m"]
    assert m.scope.municipality_ids == (counted.school_a.municipality_id,)
    assert m.table(TREND).rows[0].cells[-3] == 34


@pytest.mark.parametrize("name", ["board", "municipality", "region", "teacher", "ib", "admin"])
def test_only_the_af_and_the_leader_may_recount_and_only_their_own_school(counted, name):
    response = counted.client(name).post(reverse("insights:refresh"), {"school": counted.school_b.pk})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="insights.refresh", outcome="allowed").exists()


def test_a_recount_is_a_post_and_touches_the_own_school_only(counted):
    client = counted.client("af")
    assert client.get(reverse("insights:refresh")).status_code == 405
    before = set(RollupCount.objects.filter(school=counted.school_b).values_list("metric", "count"))
    response = client.post(
        reverse("insights:refresh"), {"school": counted.school_b.pk, "soort": "<x>", "jaar": "\x00" * 30}
    )
    assert response.status_code == 302
    assert set(RollupCount.objects.filter(school=counted.school_b).values_list("metric", "count")) == before
    event = AuditEvent.objects.get(action="insights.refresh")
    assert event.actor_id == counted.af.pk


@pytest.mark.parametrize("name", ["board", "af_b", "teacher", "admin", "leader"])
def test_the_import_page_is_only_for_the_municipality_and_the_region(counted, name):
    client = counted.client(name)
    assert client.get(IMPORT).status_code == 403
    data = f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},12000,45,9,31\n".encode()
    response = client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 403
    assert not PublicFigure.objects.exists()


# --- Bad parameters answer a Dutch message or 404, never 500 ---------------------------------------


BAD_QUERIES = [
    "?jaar=0",
    "?jaar=-1",
    "?jaar=00002025",
    "?jaar=2025-2025",
    "?jaar=2025-2024",
    "?jaar=9999-10000",
    "?soort=kalenderjaar&jaar=9999",
    "?soort=kalenderjaar&jaar=10000",
    "?soort=kalenderjaar&jaar=1",
    "?soort=kalenderjaar&jaar=0001",
    "?soort=schooljaar&jaar=0001-0002",
    "?soort=kalenderjaar&jaar=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95",  # full-width digits
    "?soort=kalenderjaar&jaar=%D9%A2%D9%A0%D9%A2%D9%A5",  # Arabic-Indic digits
    "?soort=schooljaar&jaar=2024",
    "?soort=kalenderjaar&jaar=2024-2025",
    "?soort=kalenderjaar&jaar=2024&jaar=2023&soort=schooljaar",
    "?soort=%00&jaar=%00",
    "?soort=kalenderjaar&jaar=1e3",
    "?soort=kalenderjaar&jaar=2%C2%B2",  # superscript two is a digit to str.isdigit
    "?soort=kalenderjaar&jaar=+2024",
    "?soort=" + "x" * 5000,
    "?jaar=%FF%FE",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("name", ["af", "region"])
def test_a_bad_period_never_answers_an_error_page(counted, name, query):
    client = counted.client(name)
    response = client.get(OVERVIEW + query)
    assert response.status_code == 200, response.status_code
    assert response.context["m"].period.start <= TODAY()
    download = client.get(reverse("insights:export", args=[TREND, "csv"]) + query)
    assert download.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/inzicht/export/trend.csv.xlsx",
        "/inzicht/export/trend.pdf",
        "/inzicht/export/../rapport.pdf.csv",
        "/inzicht/export/TREND.csv",
        "/inzicht/export/-.csv",
        "/inzicht/export/" + "a" * 3000 + ".csv",
        "/inzicht/export/per-eenheid.csv",  # the AF's page has no breakdown
        "/inzicht/export/publieke-cijfers.xlsx",  # nor public figures
    ],
)
def test_an_unknown_download_is_not_found(counted, url):
    assert counted.client("af").get(url).status_code == 404


# --- Hostile uploads on the public figures page --------------------------------------------------


def upload(client, data: bytes, name: str = "cijfers.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def coded(cast):
    cast.school_a.municipality.code = "GM0228"
    cast.school_a.municipality.save()
    return cast


ROW = f"GM0228,Zonnedal,{LAST_YEAR.year},12000,45,9,31"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "geen UTF-8"),
        ((HEAD + "\n" + ROW + "\n").encode("utf-16"), "geen UTF-8"),
        ((HEAD + "\nGM0228,Zönnedal,2020,1,,,\n").encode("latin-1"), "geen UTF-8"),
        ((HEAD + "\n" + ROW + "\x00\n").encode(), "geen UTF-8"),
        ((HEAD + "\n" + "\n" * 20_000).encode(), "meer dan 10.000 regels"),
        ((HEAD + "\r" * 20_000).encode(), "meer dan 10.000 regels"),
        (f'{HEAD}\nGM0228,"=HYPERLINK(""http://x"")",{LAST_YEAR.year},1,,,\n'.encode(), "is geen naam"),
        (f"{HEAD}\nGM0228,@SUM(A1),{LAST_YEAR.year},1,,,\n".encode(), "is geen naam"),
        (f"{HEAD}\nGM0228,+31 6,{LAST_YEAR.year},1,,,\n".encode(), "is geen naam"),
        (f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},=1+1,,,\n".encode(), "geen heel getal"),
        (f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},１２,,,\n".encode(), "geen heel getal"),
        (f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},{'9' * 5000},,,\n".encode(), "te groot"),
        (f"{HEAD}\nGM0228,Zonnedal,{LAST_YEAR.year},-{'9' * 5000},,,\n".encode(), "negatief"),
        (f"{HEAD}\nGM0228,Zonnedal,{'2' * 5000},1,,,\n".encode(), "Regel 2, year"),
        (f'{HEAD}\nGM0228,"Zonnedal\n=cmd",{LAST_YEAR.year},1,,,\n'.encode(), "is geen naam"),
        (f'{HEAD}\n"GM0228,Zonnedal,{LAST_YEAR.year},1,,,\n'.encode(), "Regel 2"),
        (b"", "verplicht"),
    ],
)
def test_a_hostile_file_imports_nothing_and_gets_a_dutch_message(coded, data, message):
    response = upload(coded.client("region"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("<main") :][:3000]
    assert not PublicFigure.objects.exists()


def test_a_lying_content_length_is_refused_before_the_upload_is_read(coded):
    client = coded.client("region")
    response = client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", ROW.encode())}, CONTENT_LENGTH="12abc")
    assert response.status_code == 200 and "groter dan 1 MB" in response.content.decode()
    assert not PublicFigure.objects.exists()


def test_a_region_officer_cannot_create_a_municipality_through_the_page(coded):
    before = Municipality.objects.count()
    text = f"{HEAD}\n{ROW}\nGM0999,Nieuwdorp,{LAST_YEAR.year},100,1,1,1\n"
    html = upload(coded.client("region"), text.encode()).content.decode()
    assert "Niets geïmporteerd" in html
    assert Municipality.objects.count() == before and not PublicFigure.objects.exists()


def test_a_region_officer_cannot_import_a_known_municipality_outside_the_region(coded):
    Municipality.objects.create(name="Beekveld", code="GM0289")
    text = f"{HEAD}\n{ROW}\nGM0289,Beekveld,{LAST_YEAR.year},100,1,1,1\n"
    html = upload(coded.client("region"), text.encode()).content.decode()
    assert "hoort niet bij de gemeenten van" in html and not PublicFigure.objects.exists()


def test_a_municipality_officer_cannot_rename_their_municipality_by_case(coded):
    """Names match regardless of case: Haven keeps its own spelling, so an import cannot rename it."""
    upload(coded.client("municipality"), f"{HEAD}\nGM0228,ZONNEDAL,{LAST_YEAR.year},12000,45,9,31\n".encode())
    assert Municipality.objects.get(code="GM0228").name == "Zonnedal"


# --- A hidden figure worked out from the rest of the page ----------------------------------------


def test_a_hidden_category_cannot_be_worked_out_from_the_signals_total(counted, school_c):
    """The kinds of violence are suppressed as if their sum were shown (it is the signals' total when
    every signal has one kind), so a hidden kind always has a second hidden one beside it."""
    month = date(LAST_YEAR.year, 4, 1)
    # 34 signals: 2 of physical violence, the other 32 of neglect, each with one category.
    RollupCount.objects.filter(metric=metrics.SIGNALS).delete()
    rollup(school_c, month, metrics.SIGNALS, 34)
    categories = list(Signal.Category)
    rare, common = categories[0], categories[1]
    rollup(school_c, month, metrics.SIGNALS_BY_CATEGORY, 2, rare.value)
    rollup(school_c, month, metrics.SIGNALS_BY_CATEGORY, 32, common.value)
    rows = {
        row.label: row.cells for row in counted.client("board").get(OVERVIEW + CALENDAR).context["m"].table(TREND).rows
    }
    total = rows[str(metrics.LABELS[metrics.SIGNALS])][-3]
    assert rows[str(rare.label)][-3] == "< 5"
    shown = [rows[str(c.label)][-3] for c in categories if c != rare]
    # The attack: the total is shown and so is every other category.
    assert not (isinstance(total, int) and all(isinstance(v, int) for v in shown) and total - sum(shown) == 2)


# --- The records without a dossier: another school's pupil, a teacher, the FA ---------------------


def test_an_advice_request_cannot_name_another_schools_pupil(cast):
    data = {
        "held_on": TODAY().isoformat(),
        "anonymous": "no",
        "question": "Vraag",
        "advice": "Advies",
        "pupil": cast.pupil_b.pk,
    }
    response = cast.client("af").post(reverse("meldcode:advice_request_create"), data)
    assert response.status_code == 200
    assert "Noah" not in response.content.decode()
    assert not AdviceRequest.objects.exists()


@pytest.mark.parametrize("name", ["teacher", "admin", "board", "region"])
def test_an_advice_request_is_not_for_a_teacher_the_fa_or_an_officer(cast, name):
    client = cast.client(name)
    assert client.get(reverse("meldcode:advice_request_list")).status_code == 403
    assert client.post(reverse("meldcode:advice_request_create"), {"question": "x"}).status_code == 403
    assert not AdviceRequest.objects.exists()


def test_a_verwijsindex_entry_cannot_be_placed_for_another_schools_pupil(cast):
    from haven.external_signals.models import ReferralIndexEntry

    data = {"pupil": cast.pupil_b.pk, "action": "placed", "on": TODAY().isoformat()}
    response = cast.client("af").post(reverse("external_signals:referral_index_create"), data)
    assert response.status_code == 200
    assert not ReferralIndexEntry.objects.exists()
    for name in ("teacher", "admin", "municipality"):
        assert cast.client(name).post(reverse("external_signals:referral_index_create"), data).status_code == 403
    assert not ReferralIndexEntry.objects.exists()


def test_the_90th_percentile_of_a_few_dossiers_is_not_the_longest_dossier_itself(counted, school_c):
    """Seven decisions last year, six after 10 days and one after 200: the 90th percentile of seven is the
    seventh, the one pupil's 200 days. Outside the school it is not shown; the median (of seven) is."""
    month = date(LAST_YEAR.year, 5, 1)
    rollup(school_c, month, metrics.DAYS_TO_DECISION, 6, "10")
    rollup(school_c, month, metrics.DAYS_TO_DECISION, 1, "200")

    def decision_row(name):
        table = counted.client(name).get(OVERVIEW + CALENDAR).context["m"].table(DURATIONS)
        return table.rows[2].cells

    assert decision_row("board") == (7, 10, None)
    # Ten dossiers: the 90th percentile is the ninth, shared with others.
    rollup(school_c, month, metrics.DAYS_TO_DECISION, 3, "12")
    assert decision_row("board") == (10, 10, 12)
    # The school's own page stays exact: its AF may read the dossiers anyway.
    rollup(counted.school_a, month, metrics.DAYS_TO_DECISION, 1, "300")
    assert decision_row("af") == (1, 300, 300)


def test_a_municipality_with_one_school_cannot_be_worked_out_across_the_region_tables(counted, school_c):
    """The region's table per municipality and its public figures' table show the same calendar year's
    Haven counts. Beekveld has one Haven school: its figures are hidden in both, and the figures hidden
    beside them must be the same in both, or total minus the shown rows of both tables gives Beekveld."""
    from haven.insights.models import Region
    from haven.insights.tables import PUBLIC, UNITS

    region = Region.objects.get(name="Regio Zonnedal")
    month = date(LAST_YEAR.year, 3, 1)
    lonely = Municipality.objects.create(name="Beekveld", code="GM0289")
    rollup(SchoolFactory(name="OBS Beekveld", brin_code="88BV", municipality=lonely), month, metrics.SIGNALS, 40)
    big = Municipality.objects.create(name="Aarveen", code="GM0290")
    for k, n in enumerate((30, 25, 12)):
        rollup(SchoolFactory(name=f"Aarveen {k}", brin_code=f"7{k}AV", municipality=big), month, metrics.SIGNALS, n)
    region.municipalities.add(lonely, big)
    m = counted.client("region").get(OVERVIEW + CALENDAR).context["m"]
    known: dict[str, object] = {}
    units = m.table(UNITS)
    for row in units.rows:
        known.setdefault(row.label if not row.total else "total", row.cells[1])
    public = m.table(PUBLIC)
    signals_column = [c.label for c in public.columns].index("Haven: signalen")
    for row in public.rows:
        if str(row.cells[0]) != str(LAST_YEAR.year):
            continue
        name = "total" if row.total else row.label
        value = row.cells[signals_column]
        if isinstance(value, int):
            known[name] = value if not isinstance(known.get(name), int) else known[name]
    names = ["Zonnedal", "Beekveld", "Aarveen"]
    hidden = [name for name in names if not isinstance(known.get(name), int)]
    assert "Beekveld" in hidden
    assert not (isinstance(known["total"], int) and len(hidden) == 1)


def test_the_report_with_a_bad_period_is_still_the_report_of_the_current_period(counted):
    client = counted.client("region")
    for query in ("?soort=%00&jaar=%00", "?soort=kalenderjaar&jaar=" + "9" * 5000, "?jaar=2025-2024"):
        response = client.get(reverse("insights:report") + query)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="insights.report", actor=counted.region).count() == 3
