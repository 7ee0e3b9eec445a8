# ruff: noqa: E501 (long Dutch sentences read better unbroken)
"""Five school years of history for the demo's monitoring (`seed_demo`), generated from a fixed seed.

The monitoring counts by the date of the event, so a demo whose dossiers all happened in the last
weeks shows one bar. This module writes the region's history instead: ten schools of three
municipalities (the demo's own three schools in Zonnedal included), their pupils per school year,
and what happened to signals and dossiers in five school years up to today: signals (some only a
gut feeling, some police notices), requests to look along, dossiers that stop at different steps
for different reasons (most at step 2, as the region's evaluation found), advice from Veilig Thuis,
conversations, weighings, decisions mostly following the framework's advice, reports and their
feedback, help plans and their evaluations. Later years see more signals and more advice and
reports, as a region would hope once its schools work with the route.

Everything here is invented and pure (no Django): `plan(...)` returns the schools' pupils and a
list of `Action`s, each at its own moment; `seed_demo` plays them in that order through the
ordinary services as the people named, under the seeding clock (`haven.infrastructure.clock`). The same
seed and the same "now" give the same history.
"""

import datetime as dt
import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from haven.tools import demo_data as demo
from haven.tools.demo_data import Person

TZ = ZoneInfo("Europe/Amsterdam")
HISTORY_SEED = 2022
YEARS = 5  # school years, the current one included
GRADES = range(1, 9)  # groep 1 to 8
# The demo schools' own history ends a while before today, so their recent weeks are the demo's
# own dossiers, and the history leaves them no open dossier, inbox entry or task.
DEMO_SCHOOL_QUIET_DAYS = 21
# The school year of the demo's own groups (groep 3, 5 and 7 with their teachers and children).
DEMO_YEAR = int(demo.SCHOOL_YEAR[:4])


# The region ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityData:
    name: str
    # CBS-like codes that cannot clash with a real municipality (real codes run GM0003-GM1980).
    code: str


ZONNEDAL = MunicipalityData(demo.MUNICIPALITY, "GM9900")
BEEKVELD = MunicipalityData("Beekveld", "GM9901")
HEIDELOO = MunicipalityData("Heideloo", "GM9902")
MUNICIPALITIES = (ZONNEDAL, BEEKVELD, HEIDELOO)
REGION = "Regio Zonnedal e.o."
REGION_ANALYST = Person("regio", "Hanneke", "Wolters", "region_analyst")

SPOZ = demo.BOARD  # four schools: the demo's three and one in Beekveld
LINDE = "Stichting Openbaar Onderwijs De Linde"  # three schools in two municipalities
VCPO = "Vereniging Christelijk Primair Onderwijs Heideloo"  # two schools: shown merged with others
MONTESSORI = "Stichting Montessorionderwijs Beekveld"  # one school: shown merged with others


@dataclass(frozen=True)
class SchoolPlan:
    """A school in the history: who acts in it, how big it is, how much it signals."""

    brin: str
    name: str
    board: str
    municipality: MunicipalityData
    admin: str  # username of the functional administrator (who places the pupils)
    af: str
    ib: str  # the IB, or the AF where the school has none in Haven
    teachers: tuple[str, ...]  # who log most signals; the IB or AF where there are none
    decider: str  # who decides and reports under the protocol (AF or school leader)
    cohort: int  # pupils per year group, about
    activity: float  # signals per pupil relative to the average school
    demo: bool = False  # one of the demo's own schools (their staff and groups come from demo_data)


@dataclass(frozen=True)
class HistoryStaff:
    """The staff of a history school: an account per role the services need, no published login."""

    brin: str
    name: str
    board: str
    municipality: MunicipalityData
    admin: Person
    af: Person
    ib: Person
    teacher: Person
    cohort: int
    activity: float

    @property
    def people(self) -> tuple[Person, ...]:
        return (self.af, self.ib, self.teacher)


def _staff(brin: str, tag: str, names: tuple[tuple[str, str], ...]) -> dict[str, Person]:
    (fa, fa_last), (af, af_last), (ib, ib_last), (lk, lk_last) = names
    return {
        "admin": Person(f"beheer.{tag}", fa, fa_last, "functional_admin"),
        "af": Person(f"af.{tag}", af, af_last, "safeguarding_lead"),
        "ib": Person(f"ib.{tag}", ib, ib_last, "care_coordinator"),
        "teacher": Person(f"leerkracht.{tag}", lk, lk_last, "teacher"),
    }


HISTORY_SCHOOLS = (
    HistoryStaff(
        "99SM",
        "KBS Sint Martinus",
        SPOZ,
        BEEKVELD,
        cohort=30,
        activity=1.1,
        **_staff(
            "99SM",
            "martinus",
            (("Koen", "Huisman"), ("Marloes", "Verhoeven"), ("Ilse", "Scholten"), ("Bart", "Hoogland")),
        ),
    ),
    HistoryStaff(
        "99BL",
        "OBS De Beekloop",
        LINDE,
        BEEKVELD,
        cohort=34,
        activity=0.9,
        **_staff(
            "99BL", "beekloop", (("Sander", "van Rijn"), ("Yvonne", "Bouma"), ("Nadia", "Kaya"), ("Tim", "Driessen"))
        ),
    ),
    HistoryStaff(
        "99WH",
        "OBS De Wilgenhoek",
        LINDE,
        BEEKVELD,
        cohort=22,
        activity=1.25,
        **_staff(
            "99WH",
            "wilgenhoek",
            (("Gerda", "Lambrechts"), ("Ruben", "van Vliet"), ("Sabine", "Ramdin"), ("Eline", "Akkerman")),
        ),
    ),
    HistoryStaff(
        "99MB",
        "Montessorischool Beekveld",
        MONTESSORI,
        BEEKVELD,
        cohort=21,
        activity=0.8,
        **_staff(
            "99MB", "montessori", (("Frank", "Brink"), ("Annemiek", "de Haan"), ("Jolanda", "Pool"), ("Mark", "Renes"))
        ),
    ),
    HistoryStaff(
        "99HB",
        "OBS De Heidebloem",
        LINDE,
        HEIDELOO,
        cohort=27,
        activity=1.0,
        **_staff(
            "99HB", "heidebloem", (("Petra", "Tuinstra"), ("Hans", "Wouters"), ("Carla", "Bosch"), ("Anton", "Dijkman"))
        ),
    ),
    HistoryStaff(
        "99ZA",
        "CBS De Zaaier",
        VCPO,
        HEIDELOO,
        cohort=32,
        activity=0.85,
        **_staff(
            "99ZA",
            "zaaier",
            (("Jan", "Kamphuis"), ("Wilma", "Westerveld"), ("Rianne", "Oudshoorn"), ("Erwin", "Veldkamp")),
        ),
    ),
    HistoryStaff(
        "99MZ",
        "CBS Het Mosterdzaadje",
        VCPO,
        HEIDELOO,
        cohort=20,
        activity=1.15,
        **_staff(
            "99MZ",
            "mosterdzaadje",
            (("Ton", "Hazelaar"), ("Greetje", "Boomsma"), ("Margreet", "Luiten"), ("Dennis", "Spaan")),
        ),
    ),
)


def school_plans() -> tuple[SchoolPlan, ...]:
    """Every school of the history: the demo's three first, then the others."""
    rb, ww, vl = demo.REGENBOOG, demo.WEGWIJZER, demo.VLINDER
    plans = [
        SchoolPlan(
            rb.brin,
            rb.name,
            SPOZ,
            ZONNEDAL,
            rb.admin.username,
            "af",
            "ib",
            ("leerkracht", "leerkracht2", "onderwijsassistent"),
            "af",
            25,
            1.0,
            True,
        ),
        SchoolPlan(
            ww.brin, ww.name, SPOZ, ZONNEDAL, ww.admin.username, "af2", "af2", ("leerkracht3",), "af2", 25, 0.9, True
        ),
        SchoolPlan(vl.brin, vl.name, SPOZ, ZONNEDAL, vl.admin.username, "af3", "af3", ("af3",), "af3", 25, 0.8, True),
    ]
    for s in HISTORY_SCHOOLS:
        plans.append(
            SchoolPlan(
                s.brin,
                s.name,
                s.board,
                s.municipality,
                s.admin.username,
                s.af.username,
                s.ib.username,
                (s.teacher.username,),
                s.af.username,
                s.cohort,
                s.activity,
            )
        )
    return tuple(plans)


# Published figures per municipality and calendar year (CBS StatLine 84849NED "Onderwijs: totaal",
# the verwijsindex's reports, DUO's pupil count): fictional, in the proportions of the region in
# seed 004 (about 27,000 pupils: 147 and 95 advice requests, 26 and 17 reports a year).
PUBLIC_PUPILS = {ZONNEDAL.code: 4150, BEEKVELD.code: 6820, HEIDELOO.code: 2540}


@dataclass(frozen=True)
class PublicFigureRow:
    municipality: MunicipalityData
    year: int
    pupils_primary: int | None
    advice_requests_education: int | None
    reports_education: int | None
    referral_index_signals_primary: int | None


def public_figures(today: dt.date, rng: random.Random) -> list[PublicFigureRow]:
    """The last five complete calendar years; this year only the pupil count (1 October) is out."""
    rows = []
    for municipality in MUNICIPALITIES:
        base = PUBLIC_PUPILS[municipality.code]
        for year in range(today.year - 5, today.year + 1):
            pupils = round(base * (1 + 0.006 * (year - today.year)) * rng.uniform(0.985, 1.015))
            if year == today.year:
                rows.append(PublicFigureRow(municipality, year, pupils, None, None, None))
                continue
            per_thousand = pupils / 1000
            rows.append(
                PublicFigureRow(
                    municipality,
                    year,
                    pupils,
                    round(per_thousand * rng.uniform(3.4, 5.6)),
                    round(per_thousand * rng.uniform(0.6, 1.0)),
                    round(per_thousand * rng.uniform(3.0, 6.0)),
                )
            )
    return rows


# The school calendar --------------------------------------------------------------------------------


def school_year_of(day: dt.date) -> int:
    """A school year is named by the year it starts in: 2025 is 1 August 2025 - 31 July 2026."""
    return day.year if day.month >= 8 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}-{year + 1}"


@functools.cache
def first_school_day(year: int) -> dt.date:
    day = dt.date(year, 8, 29)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return day


@functools.cache
def last_school_day(year: int) -> dt.date:
    day = dt.date(year + 1, 7, 10)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@functools.cache
def is_school_day(day: dt.date) -> bool:
    if day.weekday() >= 5:
        return False
    year = school_year_of(day)
    if not first_school_day(year) <= day <= last_school_day(year):
        return False
    # Autumn (week 43), Christmas, spring (week 9) and May (around King's Day) holidays.
    week = day.isocalendar().week
    if week in (43, 9):
        return False
    if (day.month, day.day) >= (12, 22) or (day.month, day.day) <= (1, 4):
        return False
    return not dt.date(day.year, 4, 27) <= day <= dt.date(day.year, 5, 5)


def next_school_day(day: dt.date) -> dt.date:
    while not is_school_day(day):
        day += dt.timedelta(days=1)
    return day


def school_days_later(day: dt.date, count: int) -> dt.date:
    day = next_school_day(day)
    for _ in range(count):
        day = next_school_day(day + dt.timedelta(days=1))
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# Pupils -------------------------------------------------------------------------------------------

MORE_FIRST_NAMES = (
    "Aya",
    "Bram",
    "Cas",
    "Demi",
    "Emre",
    "Fay",
    "Guus",
    "Hiba",
    "Ivo",
    "Jade",
    "Kai",
    "Lena",
    "Mees",
    "Nora",
) + ("Otis", "Puck", "Rayan", "Sem", "Tijn", "Ula", "Vik", "Wes", "Xander", "Yara", "Zeyneb", "Lotje", "Boaz")
MORE_LAST_NAMES = (
    ("Bulut", "van Dam", "Ekelmans", "Fransen", "Groen", "Hendrix", "Jonker", "Lute", "Mertens", "Nieuwenhuis")
    + ("Ouwehand", "Peeters", "Rutten", "Sahin", "ten Have", "Verbruggen", "Wijnands", "Yilmaz", "Zijlstra")
    + ("Bosma", "Cornelissen", "Dogan", "van Es", "Faber", "Geerts", "Kuijpers", "Mahabier", "Nguyen", "Ozturk")
)


@dataclass(frozen=True)
class RosterPupil:
    """A generated pupil: enrolled from `entry_year` (in `entry_grade`) up to and including `last_year`."""

    key: str
    school: str
    first_name: str
    last_name: str
    born: dt.date
    entry_year: int
    entry_grade: int
    last_year: int

    def grade_in(self, year: int) -> int:
        return self.entry_grade + year - self.entry_year

    def enrolled(self, year: int) -> bool:
        return self.entry_year <= year <= self.last_year


def birth_date(rng: random.Random, grade: int, year: int) -> dt.date:
    """Of an age that fits the group on 1 October (groep 3: 6 years, as in demo_data.BIRTH_RANGES)."""
    first = dt.date(year - grade - 4, 10, 1)
    last = dt.date(year - grade - 3, 9, 30)
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class Roster:
    """The pupils of one school over the history's years: year groups move up every August, groep 8
    leaves, a new groep 1 comes in, and a few pupils move away or join during the years."""

    def __init__(self, school: SchoolPlan, years: list[int], rng: random.Random) -> None:
        self.school = school
        self.pupils: list[RosterPupil] = []
        self._by_year: dict[int, list[RosterPupil]] = {}
        self._rng = rng
        self._names: set[tuple[str, str]] = set()
        # Those who will sit in the demo's own groups this year: the history gives them no dossier,
        # so the demo's teachers get no handover notice about a dossier of the history.
        self.demo_classmates: set[str] = set()
        self._taken_last_names = {c.last_name for c in demo.CHILDREN}
        current = DEMO_YEAR
        # The demo's groups of this year (groep 3, 5, 7) hold its own children: their year groups
        # are as big as the rest of each group, so the demo's groups keep their size.
        fixed: dict[int, int] = {}
        if school.demo:
            for name in demo.REGENBOOG.groups:
                grade = int(name.split()[-1])
                children = sum(1 for c in demo.CHILDREN if c.school == school.brin and c.group == name)
                fixed[current - grade] = demo.PUPILS_PER_GROUP - children
        first = years[0]
        for grade in GRADES:
            self._cohort(first, grade, fixed)
        for year in years[1:]:
            self._cohort(year, 1, fixed)
        if school.demo:
            self.demo_classmates = {p.key for p in self.pupils if (p.entry_year - p.entry_grade) in fixed}
        else:
            # Churn: some leave after a year (a move), some join in a later group.
            for year in years[:-1]:
                enrolled = [p for p in self.pupils if p.enrolled(year) and p.grade_in(year) < 8 and p.last_year > year]
                for pupil in rng.sample(enrolled, k=round(len(enrolled) * 0.025)):
                    self.pupils[self.pupils.index(pupil)] = _replace(pupil, last_year=year)
                for _ in range(round(len(enrolled) * 0.02)):
                    grade = rng.randint(2, 8)
                    self._add(year + 1, grade, last_year=year + 1 + 8 - grade)

    def _cohort(self, year: int, grade: int, fixed: dict[int, int]) -> None:
        entry_cohort = year - grade  # the school year in which this year group was in "groep 0"
        size = fixed.get(entry_cohort) or max(12, self.school.cohort + self._rng.randint(-4, 4))
        for _ in range(size):
            self._add(year, grade, last_year=year + 8 - grade)

    def _add(self, year: int, grade: int, *, last_year: int) -> None:
        first_names = demo.FIRST_NAMES + MORE_FIRST_NAMES
        last_names = demo.LAST_NAMES + MORE_LAST_NAMES
        while True:
            name = (self._rng.choice(first_names), self._rng.choice(last_names))
            if name[1] not in self._taken_last_names and name not in self._names:
                self._names.add(name)
                break
        key = f"{self.school.brin}-{len(self.pupils) + 1:04d}"
        self.pupils.append(
            RosterPupil(key, self.school.brin, *name, birth_date(self._rng, grade, year), year, grade, last_year)
        )

    def in_year(self, year: int) -> list[RosterPupil]:
        if year not in self._by_year:
            self._by_year[year] = [p for p in self.pupils if p.enrolled(year)]
        return self._by_year[year]

    def groups(self, year: int) -> dict[str, list[RosterPupil]]:
        groups: dict[str, list[RosterPupil]] = {}
        for pupil in self.in_year(year):
            groups.setdefault(f"Groep {pupil.grade_in(year)}", []).append(pupil)
        return dict(sorted(groups.items(), key=lambda item: int(item[0].split()[-1])))


def _replace(pupil: RosterPupil, **changes: Any) -> RosterPupil:
    values = {name: getattr(pupil, name) for name in RosterPupil.__dataclass_fields__}
    return RosterPupil(**{**values, **changes})


# Actions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One thing a person did, at its moment. `thread` ties the actions about one signal or dossier
    together (the player keeps the records they made); `data` holds what the service is given."""

    at: dt.datetime
    school: str
    verb: str
    by: str
    thread: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    order: int = 0


# Texts ---------------------------------------------------------------------------------------------
# Per kind of concern: the signal (facts, the child's words, interpretation, contradicting
# information), in the meldcode's way: facts apart from interpretation, no judgement of the family.

OWN, TOLD, PARENT, OTHER_PUPIL, COLLEAGUE, EXTERNAL, OTHER = (
    "own_observation",
    "child_told",
    "parent",
    "other_pupil",
    "colleague",
    "external_professional",
    "other",
)

CONCERNS: dict[str, dict[str, Any]] = {
    "gut": {
        "categories": ("gut_feeling",),
        "sources": (OWN, OWN, COLLEAGUE),
        "facts": (
            "{name} is de laatste weken stiller dan anders. In de pauze staat {name} vaak alleen bij het hek en bij het ophalen wordt er weinig gezegd.",
            "{name} komt sinds een paar weken moe op school en valt twee keer in de week in slaap tijdens het lezen.",
            "{name} schrikt de laatste tijd bij harde geluiden en wil na schooltijd niet naar huis; {name} blijft treuzelen bij de kapstok.",
            "{name} is vaker afwezig op maandag. Twee keer werd er afgemeld met hoofdpijn, één keer niet.",
        ),
        "child_words": ("", "", "Ik wil liever hier blijven.", "Thuis is het gewoon saai."),
        "interpretation": (
            "Niet-pluisgevoel: ik kan niet zeggen wat er is, maar het klopt niet met hoe {name} eerder was.",
            "Ik weet niet of er iets thuis speelt. Ik wil het graag met de IB bespreken.",
        ),
        "contradicting": (
            "Het werk is op niveau en {name} heeft een goede vriendin in de klas.",
            "",
            "Bij gym doet {name} enthousiast mee.",
        ),
    },
    "neglect": {
        "categories": ("physical_neglect",),
        "sources": (OWN, OWN, COLLEAGUE, OTHER),
        "facts": (
            "{name} had deze week drie dagen geen eten of drinken bij zich en vroeg klasgenoten om een boterham.",
            "{name} draagt al ruim een week dezelfde kleding, die vies is en ruikt. Bij de gymles had {name} geen gymschoenen en te kleine schoenen aan.",
            "{name} komt bij koud weer zonder jas naar school en heeft een ontstoken wond aan de hand waar geen pleister op zit.",
            "{name} wordt de laatste weken vaak pas na half vier opgehaald; twee keer heeft niemand {name} opgehaald en bracht de leerkracht {name} naar huis.",
        ),
        "child_words": ("", "Mama slaapt nog als ik wegga.", "Er was geen brood meer.", ""),
        "interpretation": (
            "Ik maak me zorgen of er thuis genoeg zorg is voor de basisbehoeften.",
            "Mogelijk speelt er iets bij de ouders waardoor de zorg nu tekortschiet.",
        ),
        "contradicting": (
            "Vader kwam vorige week wel naar de ouderavond en was betrokken.",
            "",
            "{name} vertelt enthousiast over een weekend bij oma.",
        ),
    },
    "emotional": {
        "categories": ("emotional_neglect",),
        "sources": (OWN, TOLD, COLLEAGUE),
        "facts": (
            "{name} zegt bij elke fout 'ik ben dom' en scheurde vandaag een tekening kapot na een kleine vergissing.",
            "{name} zoekt de laatste tijd steeds de nabijheid van volwassenen op en wil niet meer met andere kinderen spelen.",
            "Bij het kringgesprek over het weekend zei {name} niets en ging daarna huilen in de gang.",
        ),
        "child_words": ("Niemand thuis heeft tijd voor mij.", "", "Mama zegt dat ik lastig ben."),
        "interpretation": (
            "Ik vraag me af of {name} thuis genoeg aandacht en steun krijgt.",
            "Het zelfbeeld van {name} lijkt snel achteruit te gaan.",
        ),
        "contradicting": ("", "De ouders reageren snel op berichten van school."),
    },
    "physical": {
        "categories": ("physical_abuse",),
        "sources": (OWN, TOLD, OTHER_PUPIL, OWN),
        "facts": (
            "{name} had vanochtend een blauwe plek van ongeveer vijf centimeter op de bovenarm. Gevraagd wat er gebeurd was, keek {name} weg en zei niets.",
            "Bij het omkleden voor gym zag de leerkracht rode striemen op de rug van {name}.",
            "{name} had een blauw oog. {name} zei eerst dat het van voetballen kwam en later dat {name} tegen een deur was gelopen.",
        ),
        "child_words": ("Papa was boos omdat ik niet luisterde.", "Ik mag het niet zeggen.", "Ik ben gevallen."),
        "interpretation": (
            "De verklaringen wisselen; ik kan niet beoordelen hoe de plek is ontstaan.",
            "Ik ben ongerust omdat het niet de eerste keer is dat ik een plek zie.",
        ),
        "contradicting": ("{name} is een drukke speler op het plein en valt vaker.", ""),
    },
    "witnessing": {
        "categories": ("witnessing_violence", "psychological_abuse"),
        "sources": (TOLD, PARENT, EXTERNAL),
        "facts": (
            "{name} vertelde in de kring dat de ouders gisteravond heel hard ruzie maakten en dat er iets kapot ging.",
            "Moeder vertelde bij het brengen dat het thuis 'erg onrustig' is en dat de kinderen veel meekrijgen van de ruzies.",
            "De jeugdverpleegkundige van het consultatiebureau belde: zij heeft zorgen over spanningen tussen de ouders van {name}.",
        ),
        "child_words": ("Ik heb me verstopt onder de dekens.", "", ""),
        "interpretation": ("Mogelijk is {name} getuige van huiselijk geweld. Dat weet ik niet zeker.",),
        "contradicting": ("", "Volgens moeder gaat het nu weer beter."),
    },
    "psychological": {
        "categories": ("psychological_abuse",),
        "sources": (OWN, TOLD, PARENT),
        "facts": (
            "Bij het ophalen schreeuwde een ouder tegen {name} dat {name} 'nergens goed voor' is, waar andere ouders bij stonden.",
            "{name} is erg bang om een slecht cijfer mee naar huis te nemen en vroeg of de leerkracht het rapport kon veranderen.",
        ),
        "child_words": ("Dan krijg ik straf, een hele week.", ""),
        "interpretation": ("Ik maak me zorgen over hoe er thuis tegen {name} wordt gesproken.",),
        "contradicting": ("", "De ouder bood de volgende dag excuses aan bij de leerkracht."),
    },
    "sexual": {
        "categories": ("sexual_abuse",),
        "sources": (TOLD, OWN),
        "facts": (
            "{name} liet bij het spelen seksueel getint gedrag zien dat niet past bij de leeftijd, en deed dat bij een jonger kind.",
            "{name} vertelde de leerkracht na schooltijd dat een volwassene thuis 'geheimpjes' heeft en dat {name} het niet leuk vindt.",
        ),
        "child_words": ("Het is een geheimpje, dat mag ik niet vertellen.", ""),
        "interpretation": (
            "Ik heb niet doorgevraagd om het verhaal niet te beïnvloeden; de woorden staan hierboven letterlijk.",
        ),
        "contradicting": ("",),
    },
    "honour": {
        "categories": ("honour_related",),
        "sources": (TOLD, OTHER_PUPIL),
        "facts": (
            "{name} vertelde dat de familie boos is omdat {name} met een klasgenoot buiten school omgaat en dat {name} 'weg moet naar familie' als het niet stopt.",
        ),
        "child_words": ("Ze zeggen dat ik de familie te schande maak.",),
        "interpretation": ("Mogelijk speelt eergerelateerd geweld: hiervoor is specifieke deskundigheid nodig.",),
        "contradicting": ("",),
    },
}
# How often each concern starts a thread (gut feeling and neglect most, as in schools).
CONCERN_WEIGHTS = {
    "gut": 30,
    "neglect": 20,
    "emotional": 14,
    "physical": 12,
    "witnessing": 12,
    "psychological": 8,
    "sexual": 2,
    "honour": 1,
}

LOOSE_ADVICE = (
    (
        "Anoniem: een leerling vertelt dat hij 's avonds vaak alleen thuis is. Moeten we iets doen?",
        "Eerst met de ouders in gesprek over wat de leerling vertelt; leg de signalen vast en start de meldcode als de zorg blijft.",
    ),
    (
        "Een vader komt zijn kinderen soms ophalen terwijl hij naar drank ruikt. Wat kan de school doen?",
        "Het kind niet meegeven als het niet veilig is, een andere ouder of contactpersoon bellen, en de volgende dag het gesprek aangaan.",
    ),
    (
        "Een moeder vertelt de IB over ruzies thuis en vraagt om geheimhouding. Hoe gaan we daarmee om?",
        "Geen geheimhouding beloven die je niet kunt waarmaken; leg uit wat de school moet doen en bied hulp aan via het wijkteam.",
    ),
    (
        "Een leerling heeft vaker blauwe plekken, maar er is nog geen dossier. Wanneer starten we de meldcode?",
        "Nu: leg de signalen feitelijk vast, bespreek ze met de AF en ga in gesprek met de ouders. Bel terug na het gesprek.",
    ),
    (
        "Ouders in een vechtscheiding willen allebei dat school partij kiest. Wat is wijsheid?",
        "Geen partij kiezen, beide ouders gelijk informeren, en letten op wat het kind laat zien; bij zorgen de meldcode volgen.",
    ),
)

NOTED_REASONS = (
    "Besproken met de leerkracht: op dit moment geen aanleiding voor een dossier. De leerkracht blijft observeren en noteert nieuwe signalen.",
    "Verklaring van ouders is aannemelijk (ziekte in het gezin). Blijven volgen; bij een nieuw signaal bespreken we het opnieuw.",
    "Eenmalig voorval, op het plein opgelost. Geen zorgen over de thuissituatie.",
    "Bekend bij de IB: er loopt al hulp via het wijkteam. Geen dossier nodig, wel blijven signaleren.",
)

CONSULTS = {
    "care_coordinator": (
        (
            "Hoe kijk jij naar de signalen over {name}? Moeten we dit verder oppakken?",
            "Eerst meer feiten verzamelen: de leerkracht houdt twee weken het logboek bij. Daarna opnieuw bespreken.",
        ),
        (
            "Is dit genoeg om met de ouders in gesprek te gaan?",
            "Ja: deel wat we zien, vraag hoe ouders het zien. Bereid het gesprek samen voor.",
        ),
    ),
    "safeguarding_lead": (
        (
            "Vallen deze signalen onder de meldcode, en wat is de volgende stap?",
            "Ja, het zijn signalen in de zin van de meldcode. Eerst een gesprek met ouders, daarna samen wegen.",
        ),
        (
            "Hoe zwaar wegen de wisselende verklaringen?",
            "Blijf feitelijk vastleggen. Vraag advies aan Veilig Thuis als er nieuwe plekken zijn.",
        ),
    ),
    "school_doctor": (
        (
            "Past wat we zien bij een medische oorzaak?",
            "De jeugdarts nodigt het kind uit voor een extra onderzoek en spreekt de ouders.",
        ),
    ),
    "colleague": (
        (
            "Zie jij hetzelfde bij {name} als ik?",
            "De vorige leerkracht herkent de stille periodes, vooral na vakanties.",
        ),
    ),
    "other_organisation": (
        (
            "Is het gezin bekend bij het wijkteam?",
            "Het wijkteam kan zonder toestemming niets zeggen; wel kunnen ouders zelf contact opnemen.",
        ),
    ),
    "veilig_thuis": (
        (
            "Leerling uit de bovenbouw met wisselende verklaringen voor blauwe plekken. Wat is wijsheid?",
            "Bespreek de zorgen open met de ouders en vraag naar de plekken. Kom terug bij Veilig Thuis als het gesprek de zorg niet wegneemt.",
        ),
        (
            "Kind dat vertelt over ruzies thuis waarbij iets kapot gaat. Moeten we melden?",
            "Nog niet melden. Ga in gesprek met moeder, bied hulp via het wijkteam aan en bel terug na het gesprek.",
        ),
        (
            "Zorgen over verwaarlozing: geen eten, vieze kleding, vaak niet opgehaald. Wat nu?",
            "Zorgen delen met ouders en hulp aanbieden. Als ouders hulp niet accepteren: melden.",
        ),
        (
            "Leerling vertelt over 'geheimpjes' met een volwassene. Hoe gaan we verder?",
            "Niet zelf doorvragen en ouders nog niet informeren. Maak direct een melding; Veilig Thuis neemt contact op.",
        ),
    ),
}

TALKS = (
    (
        "We hebben verteld wat we op school zien: {facts_short} En dat we ons zorgen maken en willen weten hoe de ouders het zien.",
        "Moeder schrok en zei: 'Het is thuis nu even heel zwaar, dat klopt.' Zij wil graag hulp.",
        "Moeder neemt contact op met het wijkteam. Over drie weken een vervolggesprek.",
        "agreed",
    ),
    (
        "We hebben de signalen feitelijk gedeeld en gevraagd hoe het thuis gaat.",
        "Vader was boos: 'Dit gaat de school niets aan.' Later in het gesprek vertelde hij dat hij werk is kwijtgeraakt.",
        "Vader denkt na over hulp. De school houdt de leerling extra in de gaten.",
        "seen",
    ),
    (
        "We hebben verteld wat de leerkracht zag en hoe de leerling reageerde.",
        "De ouders herkennen het niet en vinden dat de school overdrijft.",
        "Geen afspraken; de ouders willen geen vervolggesprek.",
        "refused",
    ),
    (
        "Gesprek met moeder en de leerling samen: wat we zien, en dat we willen helpen.",
        "Moeder gaf een verklaring die de zorg grotendeels wegneemt: opa is ernstig ziek en het gezin is veel in het ziekenhuis.",
        "Moeder laat het weten als het weer zwaarder wordt. De leerkracht geeft extra aandacht.",
        "agreed",
    ),
)

WEIGH_SUSPICION = (
    "Ja: de signalen houden aan en het gesprek met de ouders nam de zorg niet weg.",
    "Ja: er zijn meerdere signalen over een langere periode en de leerling vertelt er zelf over.",
)
WEIGH_NO_SUSPICION = (
    "Nee: de verklaring van de ouders is aannemelijk en sluit aan bij wat we zien.",
    "Nee: na het gesprek en de observaties is er geen vermoeden meer.",
)
WEIGH_UNSAFE = (
    "Ja: het gaat om herhaald geweld en de leerling is bang om naar huis te gaan.",
    "Ja: structurele onveiligheid, al maanden dezelfde zorgen ondanks afspraken.",
)
WEIGH_SAFE = (
    "Nee: er is geen acute of structurele onveiligheid; de ouders zijn bereid hulp te aanvaarden.",
    "Nee: de zorgen zijn er, maar de situatie is niet onveilig; er is een netwerk om het gezin heen.",
)
RISKS = (
    "Spanningen tussen de ouders, financiële zorgen.",
    "Een ouder met psychische klachten, weinig netwerk.",
    "Eerder contact met het wijkteam.",
)
PROTECTIONS = (
    "Betrokken grootouders, leerling heeft vriendjes in de klas.",
    "Ouders zoeken zelf hulp en komen afspraken na.",
    "Sportclub en een vaste oppas.",
)

RATIONALES = {
    "close": ("Er is geen vermoeden meer: de zorg is weggenomen door het gesprek en de observaties.",),
    "help": (
        "Er is een vermoeden, maar geen onveiligheid; school kan met het wijkteam hulp organiseren en de ouders aanvaarden die.",
    ),
    "report": (
        "Er is een vermoeden van structurele onveiligheid: melden bij Veilig Thuis.",
        "De ouders aanvaarden de hulp niet: melden bij Veilig Thuis.",
    ),
    "report_and_help": ("Melden bij Veilig Thuis en de leerling op school blijven steunen (én-én).",),
}
DEVIATIONS = (
    "Het wijkteam is al intensief betrokken en de ouders werken mee; we organiseren hulp en wegen over zes weken opnieuw of we alsnog melden.",
    "De ouders hebben zelf hulp gezocht bij de huisarts; we sluiten af en blijven signaleren.",
)

REPORT_TEXTS = {
    "relation_to_family": (
        "Leerkracht en IB van de school; wij kennen het gezin sinds de leerling in groep 1 kwam.",
        "AF van de school van de leerling.",
    ),
    "direct_cause": (
        "Nieuwe plekken en de uitspraak van de leerling, na eerdere signalen en een gesprek met de ouders.",
        "De ouders aanvaarden de aangeboden hulp niet, de zorgen nemen toe.",
    ),
    "facts": ("Zie het logboek: de signalen met datum en de woorden van de leerling letterlijk.",),
    "household": (
        "Moeder, vader en twee kinderen (de leerling en een jonger broertje op het kinderdagverblijf).",
        "Moeder en de leerling; vader woont elders en heeft omgang in de weekenden.",
    ),
    "expectations": (
        "Dat Veilig Thuis de veiligheid onderzoekt en de school laat weten wat de school kan doen.",
        "Dat Veilig Thuis contact opneemt met het gezin en de school terugkoppelt.",
    ),
}

HELP = (
    (
        "Gesprekken met het wijkteam voor de ouders; op school een vast aanspreekpunt voor de leerling.",
        "Wijkteam en de IB",
    ),
    (
        "Opvoedondersteuning thuis; op school extra begeleiding en een dagelijks kort gesprekje bij binnenkomst.",
        "Wijkteam (opvoedondersteuner) en de leerkracht",
    ),
    (
        "Schoolmaatschappelijk werk begeleidt de ouders; de leerling gaat naar een weerbaarheidstraining.",
        "Schoolmaatschappelijk werk",
    ),
)
EVALUATIONS_OK = (
    "De ouders komen de afspraken na en de leerling is rustiger.",
    "Het gaat beter: geen nieuwe signalen, de leerling komt weer graag op school.",
)
EVALUATIONS_BAD = ("Ondanks de hulp zijn er nieuwe signalen; de ouders zeggen afspraken af.",)

CLOSE_TEXTS = {
    "explained": (
        "De zorg is weggenomen: de verklaring van de ouders klopt met wat we daarna zagen.",
        "Na observatie en gesprek geen vermoeden meer.",
    ),
    "too_vague": (
        "Te weinig om op verder te gaan: geen nieuwe signalen in de afgelopen weken.",
        "De signalen waren te vaag; de leerkracht blijft opletten.",
    ),
    "help_involved": (
        "Er is al hulp bij het gezin: de jeugdarts en het wijkteam zijn betrokken.",
        "Het gezin heeft al begeleiding via de huisarts.",
    ),
    "referred": ("Doorverwezen naar schoolmaatschappelijk werk.", "De ouders zijn doorverwezen naar het wijkteam."),
    "unclear_next": (
        "Het dossier bleef liggen; het was niet duidelijk wat de volgende stap moest zijn.",
        "Geen vervolg afgesproken na het overleg; afgesloten bij het opruimen van de dossiers.",
    ),
    "fear_relation": (
        "We zijn bang de relatie met de ouders kwijt te raken; we blijven in gesprek zonder dossier.",
        "De ouders dreigden de leerling van school te halen; geen vervolg in de route.",
    ),
    "no_cooperation": (
        "De ouders willen niet meewerken en niet in gesprek.",
        "De ouders weigeren een vervolggesprek en hulp.",
    ),
    "help_working": ("De hulp werkt: bij de evaluaties gaat het goed. Afgesloten met afspraken over blijven volgen.",),
    "taken_over": (
        "Gemeld bij Veilig Thuis, dat het onderzoek heeft overgenomen. De school blijft de leerling steunen.",
    ),
    "pupil_left": (
        "De leerling is naar het voortgezet onderwijs; warme overdracht gedaan met toestemming van de ouders.",
        "Het gezin is verhuisd; de nieuwe school is op de hoogte gebracht.",
    ),
    "other": ("Afgesloten na overleg met de directie.",),
}


# The planner ----------------------------------------------------------------------------------------

# Each thread follows one path; its weight per year (year index 0-4: later years see fewer signals
# left at "noted", more advice requests and reports).
PATHS = {
    "noted": (30, 26),
    "stop_consultation": (28, 24),  # closed in step 2, before anyone was consulted: most stops are here
    "stop_conversation": (10, 9),  # closed in step 3, after the consultation
    "stop_weighing": (4, 4),  # closed in step 4, after the conversation
    "decided_close": (5, 6),
    "help": (7, 10),
    "report": (3, 6),
    "acute": (0.7, 1.2),
    "pupil_left": (4, 4),
    "stalled": (5, 4),
}
TREND = (0.7, 0.85, 1.0, 1.15, 1.3)  # signals per pupil, relative, by year index
ADVICE_PER_PUPIL = 0.005  # advice requests without a dossier, a year per pupil
REFERRALS_PER_PUPIL = 0.003  # verwijsindex signals placed without a dossier, a year per pupil
# How a dossier ends: closed by a person (with a reason), or by Haven itself (nobody recorded why).
CLOSING = ("close", "close_unrecorded")
SIGNALS_PER_PUPIL = 0.048  # threads a year per pupil for a school of average activity


class Planner:
    """Generates the history's actions, school by school and year by year."""

    def __init__(self, now: dt.datetime, rng: random.Random) -> None:
        self.rng = rng
        self.now = now
        today = now.astimezone(TZ).date()
        self.current_year = school_year_of(today)
        self.years = list(range(self.current_year - YEARS + 1, self.current_year + 1))
        # History ends before the real "now": the last history action is yesterday at the latest.
        self.end = at(today - dt.timedelta(days=1), 17, 0)
        self.schools = school_plans()
        self.rosters = {s.brin: Roster(s, self.years, rng) for s in self.schools}
        self.actions: list[Action] = []
        self._busy: dict[str, dt.date] = {}  # pupil key -> first day the pupil is free again
        self.referral_placed: dict[str, bool] = {}  # pupil key -> a verwijsindex signal is placed now
        self._order = 0
        self._threads = 0

    @property
    def start(self) -> dt.datetime:
        """When the schools start with Haven: in the summer before the first school year."""
        return at(dt.date(self.years[0], 8, 15), 9, 0)

    def plan(self) -> list[Action]:
        for year in self.years:
            for school in self.schools:
                self.year_groups(school, year)
            for school in self.schools:
                self.school_year(school, year)
        return sorted(self.actions, key=lambda a: (a.at, a.order))

    # Pupils ----------------------------------------------------------------------------------------

    def year_groups(self, school: SchoolPlan, year: int) -> None:
        """The administrator puts the new school year's groups in Haven in the last week of the summer."""
        roster = self.rosters[school.brin]
        groups = roster.groups(year)
        if school.demo and year == DEMO_YEAR:
            # The demo's own groups of this year are made by seed_demo with their teachers and children.
            groups = {name: pupils for name, pupils in groups.items() if name not in demo.REGENBOOG.groups}
        new = [p.key for p in roster.pupils if p.entry_year == year]
        # Early in August when Haven is seeded before the school year starts.
        moment = min(at(first_school_day(year) - dt.timedelta(days=4), 10, 0), self.end)
        self.add(
            moment,
            school,
            "year_groups",
            school.admin,
            data={"year": year_label(year), "groups": {n: [p.key for p in ps] for n, ps in groups.items()}, "new": new},
        )

    # Threads -------------------------------------------------------------------------------------------

    def school_year(self, school: SchoolPlan, year: int) -> None:
        index = self.years.index(year)
        first, last = first_school_day(year), last_school_day(year)
        end = self.end.date()
        if school.demo:
            end -= dt.timedelta(days=DEMO_SCHOOL_QUIET_DAYS)
        window = [d for d in _days(first, min(last, end)) if is_school_day(d)]
        if not window:
            return
        pupils = self.rosters[school.brin].in_year(year)
        share = len(window) / len([d for d in _days(first, last) if is_school_day(d)])
        count = round(
            len(pupils) * SIGNALS_PER_PUPIL * TREND[index] * school.activity * share * self.rng.uniform(0.85, 1.15)
        )
        t = index / (len(self.years) - 1)
        paths = list(PATHS)
        weights = [early + (late - early) * t for early, late in PATHS.values()]
        for day in sorted(self.rng.choice(window) for _ in range(count)):
            path = self.rng.choices(paths, weights)[0]
            thread = Thread(self, school, year, day, path, t)
            actions = thread.build()
            if actions is None:
                continue
            # A demo school's history ends in peace; elsewhere what lies after today simply has
            # not happened yet (so recent dossiers stay open at the step they reached).
            if school.demo and (
                any(a.at > at(end, 17) for a in actions) or not any(a.verb in (*CLOSING, "note") for a in actions)
            ):
                continue
            kept = [a for a in actions if a.at <= self.end]
            if not kept:
                continue
            thread.claim(kept)
            for action in kept:
                self.actions.append(_with_order(action, self._next_order()))
        self.without_dossier(school, year, window, pupils, index)

    def without_dossier(
        self, school: SchoolPlan, year: int, window: list[dt.date], pupils: list[RosterPupil], index: int
    ) -> None:
        """Advice asked of Veilig Thuis before any dossier, and verwijsindex signals placed without one."""
        share = len(window) / len([d for d in _days(first_school_day(year), last_school_day(year)) if is_school_day(d)])
        scale = len(pupils) * TREND[index] * school.activity * share
        classmates = self.rosters[school.brin].demo_classmates
        for day in sorted(
            self.rng.choice(window) for _ in range(round(scale * ADVICE_PER_PUPIL * self.rng.uniform(0.7, 1.3)))
        ):
            anonymous = self.rng.random() < 0.75
            question, advice = self.rng.choice(LOOSE_ADVICE)
            named = None if anonymous else self.rng.choice([p for p in pupils if p.key not in classmates])
            moment = at(day, self.rng.randint(9, 15), self.rng.choice((0, 15, 30, 45)))
            self.add(
                moment,
                school,
                "advice_request",
                self.rng.choice((school.af, school.af, school.ib)),
                data={
                    "held_on": day,
                    "anonymous": anonymous,
                    "question": question,
                    "advice": advice,
                    "pupil": named.key if named else None,
                },
            )
        for day in sorted(
            self.rng.choice(window) for _ in range(round(scale * REFERRALS_PER_PUPIL * self.rng.uniform(0.5, 1.5)))
        ):
            free = [
                p
                for p in pupils
                if self._busy.get(p.key, day) <= day and not self.referral_placed.get(p.key) and p.key not in classmates
            ]
            if not free:
                continue
            pupil = self.rng.choice(free)
            self.referral_placed[pupil.key] = True
            self.add(
                at(day, self.rng.randint(9, 15), 30),
                school,
                "referral_index_loose",
                school.af,
                data={"pupil": pupil.key, "action": "placed", "on": day},
            )

    def add(
        self,
        moment: dt.datetime,
        school: SchoolPlan,
        verb: str,
        by: str,
        thread: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        self.actions.append(Action(moment, school.brin, verb, by, thread, data or {}, self._next_order()))

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    def new_thread_key(self, school: SchoolPlan) -> str:
        self._threads += 1
        return f"{school.brin}-t{self._threads:05d}"

    def free_pupil(
        self, school: SchoolPlan, year: int, day: dt.date, until: dt.date, *, leaving: bool
    ) -> RosterPupil | None:
        """A pupil of the school that year, without a dossier of the history between `day` and
        `until`, still at the school on `until` (or, for `leaving`, leaving at the end of the year)."""
        until_year = school_year_of(until)
        busy = self._busy
        candidates = [
            p
            for p in self.rosters[school.brin].in_year(year)
            if (p.last_year == year if leaving else until_year <= p.last_year)
            and busy.get(p.key, day) <= day
            and p.key not in self.rosters[school.brin].demo_classmates
        ]
        return self.rng.choice(candidates) if candidates else None

    def mark_busy(self, pupil: RosterPupil, until: dt.date) -> None:
        self._busy[pupil.key] = until + dt.timedelta(days=1)


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _with_order(action: Action, order: int) -> Action:
    return Action(action.at, action.school, action.verb, action.by, action.thread, action.data, order)


class Thread:
    """One signal and what followed it: a path through the route, with its moments."""

    def __init__(self, planner: Planner, school: SchoolPlan, year: int, day: dt.date, path: str, t: float) -> None:
        self.p = planner
        self.rng = planner.rng
        self.school = school
        self.year = year
        self.day = day
        self.path = path
        self.t = t  # 0 in the first year of the history, 1 in the current one
        self.key = planner.new_thread_key(school)
        self.actions: list[Action] = []
        self.pupil: RosterPupil | None = None
        # Later years: quicker routes.
        self.pace = 1.3 - 0.5 * t

    # Moments ------------------------------------------------------------------------------------------

    def later(self, moment: dt.datetime, low: int, high: int, *, hour: tuple[int, int] = (8, 16)) -> dt.datetime:
        """A school day `low`-`high` school days (stretched by the pace) after `moment`, in school hours."""
        days = round(self.rng.randint(low, high) * self.pace)
        day = school_days_later(moment.date(), days) if days else next_school_day(moment.date())
        candidate = at(day, self.rng.randint(*hour), self.rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))
        return max(candidate, moment + dt.timedelta(minutes=5))

    def act(self, moment: dt.datetime, verb: str, by: str, **data: Any) -> dt.datetime:
        self.actions.append(Action(moment, self.school.brin, verb, by, self.key, data))
        return moment

    def pick(self, options: tuple[Any, ...]) -> Any:
        return self.rng.choice(options)

    def fill(self, text: str) -> str:
        assert self.pupil is not None
        return text.replace("{name}", self.pupil.first_name).replace("{facts_short}", self.facts_short)

    # Building ------------------------------------------------------------------------------------------

    def build(self) -> list[Action] | None:
        first = at(self.day, self.rng.randint(8, 14), self.rng.choice((5, 15, 20, 35, 40, 55)))
        # The path decides how long the pupil is busy; choose the pupil once the span is known.
        self.concern = self.choose_concern()
        self.police = (
            self.path in ("noted", "stop_consultation", "stop_conversation", "help", "acute")
            and self.rng.random() < 0.08 + 0.1 * self.t
        )
        span_end = self.day + dt.timedelta(days=200)
        leaving = self.path == "pupil_left"
        pupil = self.p.free_pupil(
            self.school, self.year, self.day, span_end if not leaving else self.day, leaving=leaving
        )
        if pupil is None:
            return None
        self.pupil = pupil
        self.facts_short = ""
        getattr(self, f"path_{self.path}")(first)
        return self.actions

    def claim(self, kept: list[Action]) -> None:
        assert self.pupil is not None
        last = max(a.at for a in kept).date()
        # An open dossier (its closing lies after today) holds its pupil for the rest of the history.
        closed = any(a.verb in CLOSING for a in kept) or all(
            a.verb in ("signal", "police_notice", "pick_up", "note") for a in kept
        )
        self.p.mark_busy(self.pupil, last if closed else dt.date.max - dt.timedelta(days=1))
        for action in kept:
            if action.verb == "referral_index":
                self.p.referral_placed[self.pupil.key] = action.data["action"] == "placed"

    def choose_concern(self) -> str:
        if self.path == "acute":
            return self.pick(("physical", "sexual", "witnessing"))
        if self.path in ("noted", "stop_consultation"):
            weights = {**CONCERN_WEIGHTS, "gut": 45, "sexual": 0, "honour": 0}
        elif self.path == "report":
            weights = {**CONCERN_WEIGHTS, "gut": 0, "physical": 25, "sexual": 4, "honour": 2}
        else:
            weights = {**CONCERN_WEIGHTS, "sexual": 0, "honour": 0}
        names = list(weights)
        return self.rng.choices(names, [weights[n] for n in names])[0]

    def author(self) -> str:
        if self.rng.random() < 0.7:
            return self.pick(self.school.teachers)
        return self.pick((self.school.ib, self.school.af))

    def first_signal(self, moment: dt.datetime, *, look_along: bool | None = None) -> dt.datetime:
        """The signal (or police notice) that starts the thread; a teacher may ask to look along."""
        if self.police:
            notice_day = moment.date()
            self.facts_short = "Er was een politiemelding (Handle with Care)."
            return self.act(
                at(notice_day, 8, self.rng.choice((10, 20, 25, 40))),
                "police_notice",
                self.pick((self.school.af, self.school.ib)),
                pupil=self.pupil_key,
                notice_date=notice_day,
            )
        author = self.author()
        if look_along is None:
            look_along = author not in (self.school.ib, self.school.af) and self.rng.random() < 0.35 + 0.2 * self.t
        moment = self.signal(moment, author, look_along=look_along)
        if look_along:
            # Picked up after a few hours, or the next school day(s).
            hours = self.rng.choice((1, 2, 3, 5, 20, 24, 45, 70))
            picked = moment + dt.timedelta(hours=hours)
            if not is_school_day(picked.date()) or not 8 <= picked.hour < 17:
                picked = at(next_school_day(picked.date() + dt.timedelta(days=0 if picked.hour < 8 else 1)), 8, 30)
            moment = self.act(picked, "pick_up", self.pick((self.school.ib, self.school.af)))
        return moment

    @property
    def pupil_key(self) -> str:
        assert self.pupil is not None
        return self.pupil.key

    def signal(
        self, moment: dt.datetime, author: str, *, attach: bool = False, look_along: bool = False
    ) -> dt.datetime:
        concern = CONCERNS[self.concern]
        facts = self.fill(self.pick(concern["facts"]))
        if not self.facts_short:
            self.facts_short = facts
        observed = moment - dt.timedelta(minutes=self.rng.choice((5, 20, 45, 90)))
        observed = max(observed, at(moment.date(), 8, 0))
        return self.act(
            moment,
            "signal",
            author,
            pupil=self.pupil_key,
            observed_at=observed,
            source=self.pick(concern["sources"]),
            categories=list(concern["categories"]),
            facts=facts,
            child_words=self.fill(self.pick(concern["child_words"])),
            interpretation=self.fill(self.pick(concern["interpretation"])),
            contradicting_info=self.fill(self.pick(concern["contradicting"])),
            look_along=look_along,
            attach=attach,
        )

    def open(self, moment: dt.datetime, low: int = 0, high: int = 2) -> dt.datetime:
        lead = self.pick((self.school.ib, self.school.af)) if self.rng.random() < 0.6 else self.school.ib
        return self.act(self.later(moment, low, high), "open", self.pick((self.school.ib, self.school.af)), lead=lead)

    def more_signals(self, moment: dt.datetime, count: int) -> dt.datetime:
        for _ in range(count):
            moment = self.later(moment, 2, 8)
            moment = self.signal(moment, self.author(), attach=True)
            moment = self.act(moment + dt.timedelta(minutes=30), "attach", self.school.ib)
        return moment

    def consult(self, moment: dt.datetime, *, veilig_thuis: bool | None = None) -> dt.datetime:
        if veilig_thuis is None:
            veilig_thuis = self.rng.random() < 0.14 + 0.18 * self.t
        if veilig_thuis:
            consulted = "veilig_thuis"
            anonymous = self.rng.random() < 0.6
            name = "Veilig Thuis (adviesgesprek)"
        else:
            consulted = self.rng.choices(
                ("safeguarding_lead", "care_coordinator", "school_doctor", "colleague", "other_organisation"),
                (40, 25, 10, 15, 10),
            )[0]
            anonymous = False
            name = {
                "safeguarding_lead": "AF van de school",
                "care_coordinator": "IB van de school",
                "school_doctor": "Jeugdarts GGD",
                "colleague": "Vorige leerkracht",
                "other_organisation": "Wijkteam",
            }[consulted]
        question, advice = self.pick(CONSULTS[consulted])
        by = self.school.af if consulted == "veilig_thuis" else self.school.ib
        moment = self.later(moment, 2, 9)
        return self.act(
            moment,
            "consult",
            by,
            held_on=moment.date(),
            consulted=consulted,
            consulted_name=name,
            anonymous=anonymous,
            question=self.fill(question),
            advice=self.fill(advice),
        )

    def talk(self, moment: dt.datetime, variant: int | None = None) -> dt.datetime:
        shared, reaction, agreements, acknowledgement = TALKS[
            variant if variant is not None else self.rng.randrange(len(TALKS))
        ]
        moment = self.later(moment, 4, 14, hour=(8, 17))
        participants = self.rng.choice((["mother"], ["mother", "father"], ["father"], ["mother", "pupil"], ["carer"]))
        return self.act(
            moment,
            "talk",
            self.school.ib,
            held_on=moment.date(),
            participants=participants,
            face_to_face=self.rng.random() < 0.92,
            location="Spreekkamer op school",
            shared=self.fill(shared),
            reaction=reaction,
            agreements=agreements,
            acknowledgement=acknowledgement,
        )

    def weigh(self, moment: dt.datetime, *, suspicion: bool, unsafety: bool | None) -> dt.datetime:
        return self.act(
            self.later(moment, 2, 8),
            "weigh",
            self.pick((self.school.ib, self.school.af)),
            suspicion=suspicion,
            suspicion_explanation=self.pick(WEIGH_SUSPICION if suspicion else WEIGH_NO_SUSPICION),
            unsafety=unsafety if suspicion else None,
            unsafety_explanation=self.pick(WEIGH_UNSAFE if unsafety else WEIGH_SAFE) if suspicion else "",
            risk_factors=self.pick(RISKS),
            protective_factors=self.pick(PROTECTIONS),
            safety_score_parents=self.rng.choice((None, 6, 7, 8)),
            safety_score_pupil=self.rng.choice((None, 4, 5, 6, 7)),
        )

    def decide(
        self,
        moment: dt.datetime,
        answers: dict[str, bool | None],
        outcome: str,
        *,
        deviation: str = "",
        low: int = 1,
        high: int = 5,
    ) -> dt.datetime:
        moment = self.later(moment, low, high)
        return self.act(
            moment,
            "decide",
            self.school.decider,
            decided_by=self.school.decider,
            answers=answers,
            outcome=outcome,
            rationale=self.pick(RATIONALES[outcome]),
            deviation_justification=deviation,
        )

    def report(self, moment: dt.datetime, *, same_day: bool = False, parents_informed: bool = True) -> dt.datetime:
        draft = moment + dt.timedelta(minutes=40) if same_day else self.later(moment, 0, 2)
        fields = {name: self.pick(options) for name, options in REPORT_TEXTS.items()}
        if parents_informed:
            fields.update(parents_informed=True, parents_informed_how="In een gesprek op school, vooraf aangekondigd.")
        else:
            fields.update(
                parents_informed=False,
                not_informed_reason="child_safety",
                not_informed_explanation="Informeren kan de leerling in gevaar brengen.",
            )
        self.act(draft, "report_draft", self.school.decider, **fields)
        made = draft + dt.timedelta(hours=1) if same_day else self.later(draft, 0, 2)
        reference = f"VT-{made.year}-{self.rng.randint(1000, 9999)}"
        self.act(
            made,
            "report_made",
            self.school.decider,
            made_on=made.date(),
            made_by=self.school.decider,
            vt_reference=reference,
        )
        self.act(
            made + dt.timedelta(minutes=20),
            "feedback_agreed",
            self.school.decider,
            agreed_on=made.date() + dt.timedelta(weeks=10),
            how="Telefonisch aan de AF",
        )
        lead = self.rng.choices(("veilig_thuis", "local_team", "involved_help"), (60, 30, 10))[0]
        self.act(
            self.later(made, 3, 10),
            "lead",
            self.school.decider,
            lead=lead,
            contact_name="Medewerker "
            + {"veilig_thuis": "Veilig Thuis", "local_team": "wijkteam", "involved_help": "jeugdhulp"}[lead],
        )
        # Feedback from Veilig Thuis: often, not always (the demo schools always got it).
        if self.school.demo or self.rng.random() < 0.72:
            received = self.later(made, 20, 55)
            self.act(
                received,
                "feedback",
                self.school.decider,
                outcome=self.rng.choices(("confirmed", "not_confirmed", "refuted"), (45, 40, 15))[0],
                received_on=received.date(),
                follow_up_started="Het wijkteam begeleidt het gezin.",
                expectations="Blijf signaleren en geef nieuwe zorgen door.",
            )
        return made

    def help_plan(self, moment: dt.datetime, *, effective: bool = True) -> dt.datetime:
        start = moment + dt.timedelta(hours=2)
        description, provided_by = self.pick(HELP)
        first, second = start.date() + dt.timedelta(weeks=6), start.date() + dt.timedelta(weeks=12)
        self.act(
            start,
            "help_plan",
            self.school.ib,
            description=description,
            provided_by=provided_by,
            parents_agreement="In het gesprek op school; de ouders hebben ingestemd.",
            starts_on=start.date(),
            ends_on=second,
            evaluations=[first, second],
        )
        moment = start
        for index, due in enumerate((first, second)):
            last = index == 1
            if not self.school.demo and self.rng.random() < 0.12:
                continue  # missed: nobody answered question 5 at this moment
            late = self.rng.random() < 0.2
            answered = next_school_day(
                due + dt.timedelta(days=self.rng.randint(5, 20) if late else -self.rng.randint(0, 3))
            )
            answered = max(answered, start.date())
            ok = effective or not last
            moment = self.act(
                max(at(answered, 15, 30), moment + dt.timedelta(minutes=5)),
                "evaluate",
                self.school.ib,
                due_on=due,
                effective=ok,
                explanation=self.pick(EVALUATIONS_OK if ok else EVALUATIONS_BAD),
                answered_on=answered,
            )
        # What follows the plan comes after its term, also when an evaluation was missed.
        return max(moment, at(next_school_day(second), 15, 45))

    def place_in_referral_index(self, moment: dt.datetime, chance: float) -> bool:
        """Sometimes the school places a signal in the verwijsindex from the dossier (one per pupil at a time)."""
        if self.p.referral_placed.get(self.pupil_key) or self.rng.random() >= chance:
            return False
        moment += dt.timedelta(hours=1)
        self.act(moment, "referral_index", self.school.af, action="placed", on=moment.date())
        return True

    def close(self, moment: dt.datetime, reason: str, low: int = 1, high: int = 6) -> dt.datetime:
        moment = self.later(moment, low, high)
        return self.act(
            moment,
            "close",
            self.pick((self.school.ib, self.school.af)),
            reason=reason,
            explanation=self.pick(CLOSE_TEXTS[reason]),
        )

    # Paths --------------------------------------------------------------------------------------------

    def path_noted(self, moment: dt.datetime) -> None:
        moment = self.first_signal(moment)
        note = self.later(moment, 0, 3)
        self.act(note, "note", self.pick((self.school.ib, self.school.af)), reason=self.pick(NOTED_REASONS))

    def path_stop_consultation(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        if self.rng.random() < 0.3:
            moment = self.more_signals(moment, 1)
        reason = self.rng.choices(
            ("too_vague", "unclear_next", "fear_relation", "help_involved", "explained", "other"),
            (30, 20, 14, 14, 14, 8),
        )[0]
        self.close(moment, reason, 5, 30)

    def path_stop_conversation(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        moment = self.more_signals(moment, self.rng.choice((0, 0, 1, 2)))
        moment = self.consult(moment)
        reason = self.rng.choices(
            ("fear_relation", "referred", "explained", "unclear_next", "no_cooperation", "help_involved", "too_vague"),
            (20, 18, 16, 14, 12, 12, 8),
        )[0]
        self.close(moment, reason, 5, 25)

    def path_stop_weighing(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        moment = self.consult(moment)
        moment = self.talk(moment)
        reason = self.rng.choices(("explained", "no_cooperation", "referred", "help_involved"), (40, 25, 20, 15))[0]
        self.close(moment, reason, 3, 15)

    def path_decided_close(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        moment = self.consult(moment)
        moment = self.talk(moment, 3)
        moment = self.weigh(moment, suspicion=False, unsafety=None)
        answers = {"suspicion": False, "unsafety": None, "can_help": None, "accepted": None, "effective": None}
        moment = self.decide(moment, answers, "close")
        self.close(moment, "explained", 0, 2)

    def path_help(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        moment = self.more_signals(moment, self.rng.choice((0, 1, 1, 2)))
        moment = self.consult(moment)
        if self.rng.random() < 0.3:
            moment = self.consult(moment, veilig_thuis=True)
        moment = self.talk(moment, self.rng.choice((0, 1)))
        moment = self.weigh(moment, suspicion=True, unsafety=False)
        answers = {"suspicion": True, "unsafety": False, "can_help": True, "accepted": True, "effective": None}
        if self.rng.random() < 0.1:
            # Against the advice, with the school's reasons: the parents found help themselves.
            moment = self.decide(moment, answers, "close", deviation=DEVIATIONS[1])
            self.close(moment, "help_involved", 0, 2)
            return
        moment = self.decide(moment, answers, "help")
        placed = self.place_in_referral_index(moment, 0.25)
        effective = self.rng.random() < 0.9
        moment = self.help_plan(moment, effective=effective)
        if effective:
            if placed:
                # The help works: the school ends its signal in the verwijsindex.
                moment = self.later(moment, 0, 2)
                self.act(moment, "referral_index", self.school.af, action="ended", on=moment.date())
            self.close(moment, "help_working", 1, 5)
            return
        # Question 5 answered "no": report after all.
        answers = {**answers, "effective": False}
        moment = self.decide(moment, answers, "report")
        moment = self.report(moment)
        self.close(moment, "taken_over", 3, 10)

    def path_report(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        moment = self.more_signals(moment, self.rng.choice((1, 1, 2, 3)))
        moment = self.consult(moment)
        moment = self.consult(moment, veilig_thuis=self.rng.random() < 0.7)
        skip = self.concern in ("sexual", "honour") or self.rng.random() < 0.1
        if skip:
            moment = self.act(
                self.later(moment, 0, 2),
                "skip_talk",
                self.school.af,
                reason="child_safety",
                explanation="Een gesprek met de ouders kan de leerling nu in gevaar brengen (advies Veilig Thuis).",
            )
        else:
            moment = self.talk(moment, self.rng.choice((1, 2)))
        not_accepted = not skip and self.rng.random() < 0.35
        moment = self.weigh(moment, suspicion=True, unsafety=not not_accepted)
        if not_accepted:
            answers = {"suspicion": True, "unsafety": False, "can_help": True, "accepted": False, "effective": None}
        else:
            answers = {"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None}
        # Mostly as the framework advises; sometimes the school helps first (with its reasons).
        if not skip and self.rng.random() < 0.12:
            moment = self.decide(moment, answers, "help", deviation=DEVIATIONS[0])
            moment = self.help_plan(moment, effective=True)
            self.close(moment, "help_working", 1, 5)
            return
        outcome = "report_and_help" if self.rng.random() < 0.4 else "report"
        moment = self.decide(moment, answers, outcome)
        self.place_in_referral_index(moment, 0.3)
        moment = self.report(moment, parents_informed=not skip)
        self.close(moment, "taken_over", 5, 20)

    def path_acute(self, moment: dt.datetime) -> None:
        moment = self.first_signal(moment)
        moment = self.act(moment + dt.timedelta(minutes=30), "open", self.school.af, lead=self.school.af)
        moment = self.act(
            moment + dt.timedelta(minutes=15),
            "acute",
            self.school.decider,
            explanation="De leerling vertelt over geweld van vanochtend en durft niet naar huis: direct handelen.",
        )
        answers = {"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None}
        moment = self.act(
            moment + dt.timedelta(minutes=20),
            "decide",
            self.school.decider,
            decided_by=self.school.decider,
            answers=answers,
            outcome="report",
            rationale="Acute onveiligheid: direct telefonisch melden bij Veilig Thuis.",
            deviation_justification="",
        )
        moment = self.report(moment, same_day=True, parents_informed=False)
        self.close(moment, "taken_over", 5, 15)

    def path_pupil_left(self, moment: dt.datetime) -> None:
        moment = self.open(self.first_signal(moment))
        if self.rng.random() < 0.4:
            moment = self.consult(moment)
        last = last_school_day(self.year)
        if moment.date() >= last:
            return
        assert self.pupil is not None
        moment = max(at(last, 14, 0), moment + dt.timedelta(minutes=5))
        if self.rng.random() < 0.6:
            # Nobody closed it: when the pupil left, Haven did, and nobody recorded why the route stopped.
            self.act(moment, "close_unrecorded", "")
            return
        text = CLOSE_TEXTS["pupil_left"][0 if self.pupil.grade_in(self.year) == 8 else 1]
        self.act(moment, "close", self.school.ib, reason="pupil_left", explanation=text)

    def path_stalled(self, moment: dt.datetime) -> None:
        """Nothing happens after the consultation; years later, somebody closes it without knowing why it stopped."""
        moment = self.open(self.first_signal(moment))
        if self.rng.random() < 0.5:
            moment = self.consult(moment)
        if self.year < self.p.current_year - 1:
            self.close(moment, self.pick(("unclear_next", "unclear_next", "other")), 40, 90)


def plan(now: dt.datetime, seed: int = HISTORY_SEED) -> Planner:
    """The history up to `now` (an aware moment): its schools, rosters and actions, in order."""
    planner = Planner(now, random.Random(seed))  # noqa: S311 (not security: a repeatable demo)
    planner.actions = planner.plan()
    return planner
