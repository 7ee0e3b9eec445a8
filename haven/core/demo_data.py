"""The fictional content of the demo (`python manage.py seed_demo`).

Everything here is invented: the board, the schools, the staff, the pupils, their families and
every signal and dossier. Any resemblance to real people is coincidental. The situations are
modelled on the cases described in the source reports (see shared/seeds): a fighting divorce,
children not picked up from school, a parent smelling of drink, a Handle with Care notice,
bruises with changing explanations, a child caring for younger siblings, a child afraid of its
father, and a gut feeling.

The texts follow the meldcode's way of writing: facts apart from interpretation, the child's own
words literally, contradicting information recorded too, and no judgements about the family.

Dates are given as "days ago" (moved back to the previous weekday when they fall on a weekend),
so the demo always looks recent and never lies in the future. `seed_demo` turns this data into
records through the ordinary services.
"""

import datetime as dt
from dataclasses import dataclass, field

SCHOOL_YEAR = "2026-2027"
BOARD = "Stichting Primair Onderwijs Zonnedal"
MUNICIPALITY = "Zonnedal"
RANDOM_SEED = 2026
PUPILS_PER_GROUP = 25


# Structures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A staff account of a demo school."""

    username: str
    first_name: str
    last_name: str
    role: str
    groups: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        local = f"{self.first_name}.{self.last_name}".lower().replace(" ", "")
        return f"{local}@example.org"


@dataclass(frozen=True)
class SchoolData:
    brin: str
    name: str
    admin: Person
    staff: tuple[Person, ...]
    groups: tuple[str, ...] = ("Groep 3", "Groep 5", "Groep 7")


@dataclass(frozen=True)
class Child:
    """A pupil who appears in the route data; the other pupils of a group are generated."""

    key: str
    school: str
    group: str
    first_name: str
    last_name: str
    born: dt.date
    # (name, relation, lives with the pupil)
    household: tuple[tuple[str, str, bool], ...] = ()


@dataclass(frozen=True)
class Sig:
    """A logbook entry. In a dossier the first one opens it; later ones are attached to it."""

    author: str
    days_ago: int
    at: str
    source: str
    categories: tuple[str, ...]
    facts: str
    child_words: str = ""
    interpretation: str = ""
    context: str = ""
    contradicting_info: str = ""
    other_pupils: tuple[str, ...] = ()
    # "" (none), "open" (asked, nobody picked it up yet) or the username who picked it up.
    look_along: str = ""
    # Logged from within the dossier by a member, instead of via the inbox (new, then attached).
    in_case: bool = False


@dataclass(frozen=True)
class Consult:
    by: str
    days_ago: int
    consulted: str
    question: str
    advice: str
    consulted_name: str = ""
    agreed_actions: str = ""
    anonymous: bool = False


@dataclass(frozen=True)
class Talk:
    by: str
    days_ago: int
    participants: tuple[str, ...]
    shared: str
    reaction: str
    acknowledgement: str
    participants_detail: str = ""
    location: str = ""
    agreements: str = ""
    face_to_face: bool = True


@dataclass(frozen=True)
class SkipTalk:
    by: str
    reason: str
    explanation: str


@dataclass(frozen=True)
class Weigh:
    by: str
    suspicion: bool
    suspicion_explanation: str
    unsafety: bool | None
    unsafety_explanation: str = ""
    risk_factors: str = ""
    protective_factors: str = ""
    safety_score_parents: int | None = None
    safety_score_pupil: int | None = None


@dataclass(frozen=True)
class Acute:
    by: str
    explanation: str


@dataclass(frozen=True)
class Decide:
    by: str
    decided_by: str
    days_ago: int
    at: str
    outcome: str
    rationale: str
    suspicion: bool | None = None
    unsafety: bool | None = None
    can_help: bool | None = None
    accepted: bool | None = None
    effective: bool | None = None

    @property
    def answers(self) -> dict[str, bool | None]:
        return {
            "suspicion": self.suspicion,
            "unsafety": self.unsafety,
            "can_help": self.can_help,
            "accepted": self.accepted,
            "effective": self.effective,
        }


@dataclass(frozen=True)
class ReportDraft:
    by: str
    relation_to_family: str
    direct_cause: str
    facts: str
    household: str
    expectations: str
    interpretation: str = ""
    risk_factors: str = ""
    protective_factors: str = ""
    help_contacts: str = ""
    police_contacts: str = ""
    intervention_risks: str = ""
    parents_informed: bool | None = None
    parents_informed_how: str = ""
    not_informed_reason: str = ""
    not_informed_explanation: str = ""


@dataclass(frozen=True)
class ReportMade:
    by: str
    days_ago: int
    made_by: str
    vt_reference: str


@dataclass(frozen=True)
class AddMember:
    by: str
    user: str


@dataclass(frozen=True)
class Close:
    by: str
    reason: str
    explanation: str


Event = Sig | Consult | Talk | SkipTalk | Weigh | Acute | Decide | ReportDraft | ReportMade | AddMember | Close


@dataclass(frozen=True)
class Dossier:
    child: str
    opened_by: str
    lead: str
    events: tuple[Event, ...] = field(default_factory=tuple)

    @property
    def first_signal(self) -> Sig:
        return next(e for e in self.events if isinstance(e, Sig))


@dataclass(frozen=True)
class LooseSignal:
    """A signal outside any dossier: new in the inbox, or noted without a dossier."""

    child: str
    signal: Sig
    noted_by: str = ""
    noted_reason: str = ""


# The schools and their staff -----------------------------------------------------------------

REGENBOOG = SchoolData(
    brin="99RB",
    name="OBS De Regenboog",
    admin=Person("beheerder", "Ruud", "Hendriks", "functional_admin"),
    staff=(
        Person("leerkracht", "Femke", "de Boer", "teacher", ("Groep 5",)),
        Person("leerkracht2", "Joost", "van Dijk", "teacher", ("Groep 7",)),
        Person("onderwijsassistent", "Samira", "El Amrani", "teaching_assistant", ("Groep 3",)),
        Person("ib", "Ingrid", "Mulder", "care_coordinator"),
        Person("af", "Anouk", "Verbeek", "safeguarding_lead"),
        Person("directie", "Peter", "Smit", "school_leader"),
    ),
)

WEGWIJZER = SchoolData(
    brin="99WW",
    name="CBS De Wegwijzer",
    admin=Person("beheerder2", "Wim", "Dekker", "functional_admin"),
    staff=(
        Person("af2", "Esther", "Kok", "safeguarding_lead"),
        Person("leerkracht3", "Lisa", "Bos", "teacher", ("Groep 5",)),
    ),
)

SCHOOLS = (REGENBOOG, WEGWIJZER)
DEMO_BRIN = REGENBOOG.brin

# Dates of birth per group, for ages that fit the group in November 2026 (groep 3: 6-7 years,
# groep 5: 8-9, groep 7: 10-11).
BIRTH_RANGES = {
    "Groep 3": (dt.date(2019, 10, 1), dt.date(2020, 9, 30)),
    "Groep 5": (dt.date(2017, 10, 1), dt.date(2018, 9, 30)),
    "Groep 7": (dt.date(2015, 10, 1), dt.date(2016, 9, 30)),
}

# Names for the generated pupils (combined at random with a fixed seed).
FIRST_NAMES = tuple(
    """
    Adam Amber Anna Ayoub Benjamin Bilal Britt Casper Chloë Daniël Dex Elif Eva Fleur Floris Gijs
    Hannah Hugo Imane Isa Jasmijn Jens Jip Julian Kiki Lars Lieke Liam Lotte Luuk Maud Maya Merel
    Milan Mohamed Nina Noah Olivia Owen Pien Quinten Rosa Sara Sofie Stijn Tess Teun Vera Wout
    Yasmin Yusuf Zara Jort Fenne Noud Mats Ilse Siem Jente Ravi Mirthe Olaf Cato Ties
    """.split()
)
LAST_NAMES = tuple(
    name.strip()
    for name in """
    Aydın, van Beek, Blom, Bosman, de Bruijn, Claassen, van der Heijden, Dekkers, Evers, Gerritsen,
    de Graaf, Haddou, van der Meer, Hermans, Hofman, de Jong, Jacobs, de Klerk, Koç, van Loon, Maas,
    Martens, Molenaar, Nijland, Oosterhuis, van Os, Pauwels, de Ridder, Roelofs, Schouten, Sedney,
    Timmermans, Tran, Uijl, Veenstra, de Vos, Wagemakers, Wiersma, Zwart, Brouwers, Lammers, Sterk
    """.split(",")
)
