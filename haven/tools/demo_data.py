# ruff: noqa: E501 (long Dutch sentences read better unbroken)
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
# The base32 TOTP secret of every demo account that must sign in with a second factor.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
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
    # The visiting address (street and number, postcode, town): a report to Veilig Thuis names it.
    address: tuple[str, str, str] = ("", "", "")


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
    address=("Regenbooglaan 12", "9901 RB", "Zonnedal"),
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
    address=("Wegwijzerstraat 3", "9902 WW", "Zonnedal"),
    name="CBS De Wegwijzer",
    admin=Person("beheerder2", "Wim", "Dekker", "functional_admin"),
    staff=(
        Person("af2", "Esther", "Kok", "safeguarding_lead"),
        Person("leerkracht3", "Lisa", "Bos", "teacher", ("Groep 5",)),
    ),
)

# A third school, so the board's and the municipality's aggregates can be shown at all
# (figures need at least three schools: see haven/insights/suppression.py).
VLINDER = SchoolData(
    brin="99VL",
    address=("Vlinderhof 8", "9903 VL", "Zonnedal"),
    name="KBS De Vlinder",
    admin=Person("beheerder3", "Hans", "Koster", "functional_admin"),
    staff=(Person("af3", "Miriam", "Vos", "safeguarding_lead"),),
)

# Policy officers who see the aggregates of the board and of the municipality.
BOARD_ANALYST = Person("bestuur", "Karin", "Visser", "board_analyst")
MUNICIPALITY_ANALYST = Person("gemeente", "Erik", "de Lange", "municipality_analyst")

SCHOOLS = (REGENBOOG, WEGWIJZER, VLINDER)
# The administrator asked for these roles (which read dossiers); the AF has not approved them yet,
# so the demo shows a pending approval (a task of af2). The account keeps its role meanwhile.
PENDING_ROLE_REQUESTS = (("99WW", "leerkracht3", "care_coordinator"),)
DEMO_BRIN = REGENBOOG.brin

# Dates of birth per group, for ages that fit the group in November 2026 (groep 3: 6-7 years,
# groep 5: 8-9, groep 7: 10-11).
BIRTH_RANGES = {
    "Groep 3": (dt.date(2019, 10, 1), dt.date(2020, 9, 30)),
    "Groep 5": (dt.date(2017, 10, 1), dt.date(2018, 9, 30)),
    "Groep 7": (dt.date(2015, 10, 1), dt.date(2016, 9, 30)),
}

# Names for the generated pupils (combined at random with a fixed seed).
FIRST_NAMES = (
    ("Adam", "Amber", "Anna", "Ayoub", "Benjamin", "Bilal", "Britt", "Casper", "Chloë", "Daniël")
    + ("Dex", "Elif", "Eva", "Fleur", "Floris", "Gijs", "Hannah", "Hugo", "Imane", "Isa", "Jasmijn")
    + ("Jens", "Jip", "Julian", "Kiki", "Lars", "Lieke", "Liam", "Lotte", "Luuk", "Maud", "Maya")
    + ("Merel", "Milan", "Mohamed", "Nina", "Noah", "Olivia", "Owen", "Pien", "Quinten", "Rosa")
    + ("Sara", "Sofie", "Stijn", "Tess", "Teun", "Vera", "Wout", "Yasmin", "Yusuf", "Zara", "Jort")
    + ("Fenne", "Noud", "Mats", "Ilse", "Siem", "Jente", "Ravi", "Mirthe", "Olaf", "Cato", "Ties")
)
LAST_NAMES = (
    ("Aydın", "van Beek", "Blom", "Bosman", "de Bruijn", "Claassen", "van der Heijden", "Dekkers")
    + ("Evers", "Gerritsen", "de Graaf", "Haddou", "van der Meer", "Hermans", "Hofman", "de Jong")
    + ("Jacobs", "de Klerk", "Koç", "van Loon", "Maas", "Martens", "Molenaar", "Nijland")
    + ("Oosterhuis", "van Os", "Pauwels", "de Ridder", "Roelofs", "Schouten", "Sedney")
    + ("Timmermans", "Tran", "Uijl", "Veenstra", "de Vos", "Wagemakers", "Wiersma", "Zwart")
    + ("Brouwers", "Lammers", "Sterk")
)


# The pupils who appear in signals and dossiers -----------------------------------------------

M, F, SIB, OTH = "mother", "father", "sibling", "other"
RB, WW = REGENBOOG.brin, WEGWIJZER.brin
G3, G5, G7 = "Groep 3", "Groep 5", "Groep 7"

CHILDREN = (
    # OBS De Regenboog, groep 3
    Child(
        "noor",
        RB,
        G3,
        "Noor",
        "Willems",
        dt.date(2020, 1, 19),
        (("Sandra Willems", M, True), ("Kevin Willems", F, True), ("Finn Willems (3 jaar)", SIB, True)),
    ),
    Child(
        "sem",
        RB,
        G3,
        "Sem",
        "de Groot",
        dt.date(2019, 11, 7),
        (("Linda de Groot", M, True), ("Marco Post", F, False), ("Ria de Groot (oma)", OTH, False)),
    ),
    Child(
        "daan", RB, G3, "Daan", "Visser", dt.date(2019, 12, 2), (("Mirjam Visser", M, True), ("Hans Visser", F, True))
    ),
    Child(
        "bram",
        RB,
        G3,
        "Bram",
        "Kramer",
        dt.date(2020, 4, 15),
        (
            ("Nicole Kramer", M, True),
            ("Jeroen Kramer", F, True),
            ("Fenna Kramer", SIB, True),
            ("Roos Kramer", SIB, True),
        ),
    ),
    Child("vince", RB, G3, "Vince", "Koster", dt.date(2020, 6, 8)),
    Child("max", RB, G3, "Max", "Kuipers", dt.date(2020, 2, 26)),
    # OBS De Regenboog, groep 5
    Child(
        "mila",
        RB,
        G5,
        "Mila",
        "Hoekstra",
        dt.date(2018, 5, 2),
        (("Marloes Hoekstra", M, True), ("Erik Hoekstra", F, False), ("Thijs Hoekstra", SIB, True)),
    ),
    Child(
        "lina",
        RB,
        G5,
        "Lina",
        "Bakker",
        dt.date(2017, 12, 22),
        (("Iris Bakker", M, True), ("Dennis Bakker", F, True), ("Tess Bakker (4 jaar)", SIB, True)),
    ),
    Child(
        "julia",
        RB,
        G5,
        "Julia",
        "Vermeulen",
        dt.date(2018, 2, 27),
        (("Anja Vermeulen", M, True), ("Martijn Vermeulen", F, True)),
    ),
    Child(
        "levi",
        RB,
        G5,
        "Levi",
        "Smits",
        dt.date(2018, 7, 11),
        (("Kim Smits", M, True), ("Bas Smits", F, True), ("Mees Smits (baby)", SIB, True)),
    ),
    Child(
        "jayden",
        RB,
        G5,
        "Jayden",
        "Meijer",
        dt.date(2017, 10, 28),
        (("Chantal Meijer", M, True), ("Dylan Meijer (15 jaar)", SIB, True)),
    ),
    Child(
        "sophie",
        RB,
        G5,
        "Sophie",
        "Dijkstra",
        dt.date(2018, 4, 4),
        (("Monique Dijkstra", M, True), ("Frank Dijkstra", F, False)),
    ),
    Child("jesse", RB, G5, "Jesse", "van Leeuwen", dt.date(2018, 1, 16)),
    # OBS De Regenboog, groep 7
    Child(
        "thijs",
        RB,
        G7,
        "Thijs",
        "Hoekstra",
        dt.date(2016, 3, 14),
        (("Marloes Hoekstra", M, True), ("Erik Hoekstra", F, False), ("Mila Hoekstra", SIB, True)),
    ),
    Child(
        "lucas",
        RB,
        G7,
        "Lucas",
        "Peters",
        dt.date(2015, 11, 30),
        (("Ronald Peters", F, True), ("Sabine Peters", M, True), ("Evi Peters (14 jaar)", SIB, True)),
    ),
    Child(
        "fenna",
        RB,
        G7,
        "Fenna",
        "Kramer",
        dt.date(2016, 2, 9),
        (
            ("Nicole Kramer", M, True),
            ("Jeroen Kramer", F, True),
            ("Bram Kramer", SIB, True),
            ("Roos Kramer", SIB, True),
        ),
    ),
    Child(
        "saar",
        RB,
        G7,
        "Saar",
        "Janssen",
        dt.date(2016, 6, 3),
        (("Petra Janssen", M, True), ("Rob Janssen", F, True)),
    ),
    Child(
        "zoe",
        RB,
        G7,
        "Zoë",
        "van den Berg",
        dt.date(2015, 12, 12),
        (("Sanne van den Berg", M, True), ("Mark van den Berg", F, True), ("Luuk van den Berg (7 jaar)", SIB, True)),
    ),
    Child(
        "ruben", RB, G7, "Ruben", "de Wit", dt.date(2016, 8, 21), (("Johan de Wit", F, True), ("Ellen de Wit", M, True))
    ),
    Child("nina", RB, G7, "Nina", "Prins", dt.date(2016, 1, 5)),
    # CBS De Wegwijzer
    Child(
        "hidde",
        WW,
        G5,
        "Hidde",
        "Brouwer",
        dt.date(2018, 3, 19),
        (("Jolanda Brouwer", M, True), ("Stefan Brouwer", F, True)),
    ),
    Child(
        "lieke",
        WW,
        G7,
        "Lieke",
        "Postma",
        dt.date(2016, 5, 27),
        (("Marieke Postma", M, True), ("Arjen Postma", F, True)),
    ),
    Child("jurre", WW, G3, "Jurre", "Vos", dt.date(2020, 3, 3)),
)


# Dossiers --------------------------------------------------------------------------------------
# Texts may contain {dNN}: the date NN days ago (as dd-mm-yyyy), filled in when seeding.

OWN, TOLD, PARENT, PUPIL, COLLEAGUE, POLICE = (
    "own_observation",
    "child_told",
    "parent",
    "other_pupil",
    "colleague",
    "police_notice",
)
PHYSICAL, PSYCHOLOGICAL, NEGLECT, EMOTIONAL, WITNESSING, GUT, OTHER = (
    "physical_abuse",
    "psychological_abuse",
    "physical_neglect",
    "emotional_neglect",
    "witnessing_violence",
    "gut_feeling",
    "other",
)

THIJS = Dossier(
    child="thijs",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht2",
            60,
            "10:40",
            OWN,
            (PSYCHOLOGICAL,),
            facts=(
                "In de kleine pauze duwde Thijs een klasgenoot tegen de grond en schopte hem tegen zijn been, "
                "nadat die had gezegd dat Thijs 'af' was bij trefbal. Het is de derde keer in twee weken dat "
                "Thijs in de pauze slaat of schopt; de eerdere keren waren bij het voetballen op het plein. "
                "Na afloop zat hij een kwartier met zijn hoofd op tafel en wilde hij niet praten."
            ),
            child_words="Het maakt toch niks uit wat ik doe. Thuis is het ook altijd ruzie.",
            interpretation=(
                "Ik denk dat de spanningen rond de scheiding van zijn ouders meespelen. Dat is mijn indruk; "
                "ik weet niet wat er thuis gebeurt."
            ),
            context=(
                "Ouders zijn sinds de zomer uit elkaar. Moeder heeft bij de start van het schooljaar laten weten "
                "dat Thijs en zijn zus Mila (groep 5) bij haar wonen. Beide ouders hebben gezag."
            ),
            contradicting_info="Bij gym en tijdens het project over de ruimtevaart werkt Thijs geconcentreerd en goed samen.",
        ),
        Sig(
            "ib",
            55,
            "08:30",
            PARENT,
            (PSYCHOLOGICAL,),
            facts=(
                "Moeder kwam onaangekondigd bij de IB. Zij vertelde dat vader de kinderen na het weekend 'overstuur' "
                "terugbrengt en dat Thijs na een weekend bij vader een blauwe plek op zijn bovenbeen had. Zij vroeg "
                "de school om vader geen informatie meer te geven en de kinderen niet aan hem mee te geven."
            ),
            interpretation=(
                "Moeder was emotioneel. Ik kan niet beoordelen of de blauwe plek met vader te maken heeft; niemand "
                "van school heeft de plek gezien."
            ),
            context=(
                "Bij school is geen uitspraak van de rechter bekend die het gezag of de omgang van vader beperkt. "
                "School informeert beide ouders met gezag gelijk."
            ),
            in_case=True,
        ),
        Sig(
            "ib",
            52,
            "16:15",
            PARENT,
            (PSYCHOLOGICAL,),
            facts=(
                "Vader belde de IB en vroeg om een gesprek. Hij zei dat moeder de kinderen tegen hem opzet en hem "
                "ten onrechte van mishandeling beschuldigt. Hij wil de rapporten en verslagen van school ook "
                "ontvangen."
            ),
            interpretation=(
                "Beide ouders zoeken de school op als bondgenoot en beschuldigen elkaar. Ik kan geen van beide "
                "beschuldigingen bevestigen of weerleggen."
            ),
            in_case=True,
        ),
        Consult(
            "ib",
            50,
            "safeguarding_lead",
            consulted_name="Anouk Verbeek (AF)",
            question="Hoe gaan we om met de beschuldigingen over en weer? Is dit iets voor de meldcode?",
            advice=(
                "Beschuldigingen niet overnemen, wel feitelijk vastleggen wie wat zegt. Het gedrag van Thijs en Mila "
                "blijven observeren. Anoniem advies vragen bij Veilig Thuis over een kind dat klem zit tussen "
                "ouders in een scheiding."
            ),
            agreed_actions="AF vraagt anoniem advies bij Veilig Thuis. De leerkracht houdt het logboek bij.",
        ),
        Consult(
            "af",
            47,
            "veilig_thuis",
            consulted_name="Veilig Thuis regio Zonnedal (adviesgesprek)",
            anonymous=True,
            question=(
                "Jongen van 10 in een vechtscheiding: moeder beschuldigt vader van mishandeling, vader beschuldigt "
                "moeder van ouderverstoting. Op school meer agressief gedrag. Wat is wijsheid?"
            ),
            advice=(
                "De gedragsverandering is een signaal dat het kind klem zit. Voer met beide ouders apart een gesprek "
                "over wat school bij Thijs ziet, zonder partij te kiezen. Bied hulp aan via het wijkteam, "
                "bijvoorbeeld een groep voor kinderen van gescheiden ouders. Als ouders hulp weigeren of de signalen "
                "toenemen: opnieuw contact opnemen; dan kan een melding nodig zijn."
            ),
            agreed_actions="IB plant gesprekken met beide ouders apart; de leerkracht sluit aan bij moeder.",
        ),
        Talk(
            "ib",
            40,
            ("mother",),
            participants_detail="Moeder; IB (Ingrid Mulder) en leerkracht (Joost van Dijk)",
            location="Spreekkamer van school",
            shared=(
                "Wat we in de klas en op het plein zien: Thijs duwt en schopt vaker, en zegt dat het thuis altijd "
                "ruzie is. We hebben uitgelegd dat school beide ouders gelijk informeert en geen partij kiest."
            ),
            reaction=(
                "Moeder: 'Ik doe alles om ze rust te geven, maar bij hun vader gaat het mis.' Ze herkent dat Thijs "
                "na de weekenden thuis boos is. Ze staat open voor hulp voor de kinderen."
            ),
            agreements="IB vraagt bij het wijkteam naar hulp voor kinderen in een scheiding. Evaluatie over vier weken.",
            acknowledgement="agreed",
        ),
        Talk(
            "ib",
            38,
            ("father",),
            participants_detail="Vader; IB (Ingrid Mulder)",
            location="Spreekkamer van school",
            shared=(
                "Dezelfde feiten als in het gesprek met moeder: het gedrag van Thijs op het plein en zijn woorden "
                "over ruzie thuis. We hebben verteld dat moeder zorgen heeft geuit, zonder die over te nemen."
            ),
            reaction=(
                "Vader: 'Het probleem ligt bij zijn moeder, niet bij mij.' Hij vindt dat de school zich laat "
                "gebruiken. Hij wil wel dat Thijs hulp krijgt, als hij meebeslist welke. Vader heeft het verslag "
                "getekend voor gezien: hij is het niet eens met de beschrijving van de thuissituatie."
            ),
            agreements=(
                "Vader krijgt voortaan dezelfde informatie als moeder (rapporten, uitnodigingen). Vader doet mee aan "
                "het kennismakingsgesprek met het wijkteam."
            ),
            acknowledgement="seen",
        ),
        Weigh(
            "ib",
            suspicion=True,
            suspicion_explanation=(
                "Thijs zit klem in het conflict tussen zijn ouders. De gedragsverandering op school en zijn eigen "
                "woorden wijzen op emotionele schade (psychische kindermishandeling bij een vechtscheiding)."
            ),
            unsafety=False,
            unsafety_explanation=(
                "Geen aanwijzingen voor acuut gevaar. De blauwe plek is door niemand van school gezien. Beide ouders "
                "willen hulp; met hulp is verbetering mogelijk."
            ),
            risk_factors="Hoog conflict tussen ouders; beschuldigingen over en weer; kinderen als boodschapper.",
            protective_factors=(
                "Beide ouders willen hulp voor de kinderen; Thijs functioneert goed bij gym en in projecten; "
                "een vaste leerkracht."
            ),
            safety_score_pupil=5,
        ),
        Decide(
            "af",
            "af",
            35,
            "15:30",
            "help",
            suspicion=True,
            unsafety=False,
            can_help=True,
            accepted=True,
            rationale=(
                "Beide ouders accepteren hulp via het wijkteam (groep voor kinderen van gescheiden ouders, "
                "ouderbegeleiding). Op school is de IB het vaste aanspreekpunt van Thijs. Evaluatie over zes weken; "
                "nemen de signalen toe of komt de hulp niet van de grond, dan opnieuw wegen en melden."
            ),
        ),
        AddMember("ib", "leerkracht"),
        Sig(
            "leerkracht2",
            12,
            "14:50",
            OWN,
            (OTHER,),
            facts=(
                "Sinds twee weken geen incidenten meer op het plein. Thijs vertelde uit zichzelf dat hij nu praat "
                "met een medewerker van het wijkteam."
            ),
            child_words="Bij haar mag ik gewoon zeggen dat ik het stom vind.",
            in_case=True,
        ),
    ),
)

MILA = Dossier(
    child="mila",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht",
            58,
            "08:50",
            OWN,
            (PSYCHOLOGICAL,),
            facts=(
                "Mila wilde bij de klasdeur haar moeder niet loslaten en huilde tot ruim na het begin van de les. "
                "Ze vroeg drie keer of papa haar vandaag ophaalt. Overdag zat ze stil in de leeshoek en at ze haar "
                "lunch niet op."
            ),
            child_words="Ik wil niet dat papa en mama weer boos worden.",
            interpretation=(
                "Ik zie een angstig meisje. Ik vermoed dat het met de scheiding te maken heeft, maar weet niet waar "
                "de angst precies over gaat."
            ),
            context="Haar broer Thijs zit in groep 7; ook over hem zijn zorgen.",
        ),
        Sig(
            "leerkracht",
            44,
            "13:20",
            TOLD,
            (PSYCHOLOGICAL,),
            facts="Bij het knutselen tekende Mila een huis met een dikke streep door het midden. Op mijn vraag wat ze had getekend, vertelde ze het volgende.",
            child_words="Dit is mama's huis en dit is papa's huis. Als ik bij papa ben, mag ik mama niet bellen. En mama zegt dat papa liegt.",
            interpretation="Mila lijkt klem te zitten tussen haar ouders.",
        ),
        Consult(
            "leerkracht",
            42,
            "care_coordinator",
            consulted_name="Ingrid Mulder (IB)",
            question="Mila is angstig en vertelt over ruzie tussen haar ouders. Wat kan ik in de klas doen en wat is de volgende stap?",
            advice=(
                "Bied Mila voorspelbaarheid: een vaste plek en een taakje bij binnenkomst, zodat het afscheid korter "
                "is. Blijf signalen vastleggen. Het gesprek over Mila voeren we apart van dat over Thijs, met beide "
                "ouders."
            ),
            agreed_actions="Leerkracht en IB bereiden samen het gesprek met moeder en met vader voor (luisteren, samenvatten, doorvragen).",
        ),
    ),
)

NOOR = Dossier(
    child="noor",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "onderwijsassistent",
            48,
            "16:10",
            OWN,
            (NEGLECT,),
            facts=(
                "Noor is om 15.15 uur niet opgehaald. Moeder en vader waren telefonisch niet bereikbaar. Om 16.05 uur "
                "heeft een buurvrouw, die op de ophaallijst staat, Noor opgehaald. Dit is de tweede keer in drie weken."
            ),
            child_words="Mama slaapt misschien.",
            context="Noor is het oudste kind; er is een broertje van 3.",
        ),
        Sig(
            "onderwijsassistent",
            34,
            "15:55",
            OWN,
            (NEGLECT,),
            facts=(
                "Noor is opnieuw niet op tijd opgehaald. Om 15.45 uur kwam vader; hij zei dat hij de tijd vergeten was. "
                "Noor had vandaag geen jas aan (buiten 8 graden) en haar broodtrommel van gisteren zat nog in haar tas, "
                "met het brood erin."
            ),
            interpretation="Ik maak me zorgen of er thuis genoeg overzicht is over de zorg voor Noor.",
            contradicting_info="Noor is vrolijk in de klas en heeft geen zichtbaar letsel.",
        ),
        Sig(
            "af",
            30,
            "11:00",
            PARENT,
            (NEGLECT, WITNESSING),
            facts=(
                "Een moeder uit groep 3 die naast het gezin woont, vertelde dat zij de afgelopen weken meerdere keren "
                "'s avonds hard geschreeuw hoort, ook na 23.00 uur. Zij zag Noor en haar broertje een keer om 20.00 uur "
                "alleen op de stoep zitten terwijl er niemand thuis leek te zijn."
            ),
            interpretation="Informatie uit de tweede hand, niet zelf waargenomen. Wel passend bij wat we op school zien.",
            in_case=True,
        ),
        Consult(
            "af",
            29,
            "care_coordinator",
            consulted_name="Ingrid Mulder (IB)",
            question="Noor wordt herhaaldelijk niet opgehaald en buren horen geschreeuw. Wat weten we uit eerdere jaren?",
            advice=(
                "Volgens het leerlingdossier werd Noor in groep 2 ook vaak laat opgehaald; dat werd toen toegeschreven "
                "aan de geboorte van haar broertje. Advies: snel een gesprek met beide ouders, de zorg uitspreken, "
                "vragen hoe het thuis gaat en of ze hulp kunnen gebruiken."
            ),
            agreed_actions="AF en onderwijsassistent voeren binnen een week het gesprek.",
        ),
        Talk(
            "af",
            24,
            ("mother", "father"),
            participants_detail="Moeder en vader; AF (Anouk Verbeek) en onderwijsassistent (Samira El Amrani)",
            location="Spreekkamer van school",
            shared=(
                "Noor is drie keer niet op tijd opgehaald, kwam een keer zonder jas en zei: 'Mama slaapt misschien.' "
                "We hebben ook verteld dat een ouder ons vertelde over geschreeuw in de avond, zonder te zeggen wie."
            ),
            reaction=(
                "Moeder begon te huilen: 'Ik trek het gewoon niet meer. Hij werkt in ploegen en ik lig de halve dag "
                "op bed.' Vader: 'We hebben ruzie, ja, maar we slaan niemand.' Beide ouders zeggen dat ze hulp willen."
            ),
            agreements=(
                "AF meldt het gezin met toestemming van ouders aan bij het wijkteam. Tot die tijd haalt de buurvrouw "
                "Noor vast op maandag en donderdag. Over twee weken een korte evaluatie."
            ),
            acknowledgement="agreed",
        ),
    ),
)

SEM = Dossier(
    child="sem",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "onderwijsassistent",
            70,
            "15:25",
            OWN,
            (NEGLECT,),
            facts=(
                "Bij het ophalen rook moeder sterk naar alcohol. Zij sprak met dubbele tong en stootte bij het "
                "aantrekken van Sems jas tegen de kapstok. Zij fietste met Sem achterop weg."
            ),
            interpretation="Ik denk dat moeder onder invloed was. Ik heb zelf geen alcohol gezien.",
            contradicting_info="Sem komt verzorgd naar school en heeft altijd een lunch bij zich.",
            look_along="af",
        ),
        Sig(
            "onderwijsassistent",
            56,
            "15:30",
            PARENT,
            (NEGLECT,),
            facts=(
                "Twee ouders van klasgenoten vertelden los van elkaar dat zij moeder de afgelopen weken bij het "
                "ophalen 'duidelijk dronken' hebben gezien. Een van hen zag moeder daarna met Sem in de auto stappen "
                "en wegrijden."
            ),
            interpretation="Niet zelf gezien; wel in lijn met wat ik eerder rook en zag.",
        ),
        Sig(
            "onderwijsassistent",
            50,
            "08:45",
            TOLD,
            (NEGLECT,),
            facts="In de kring vertelde Sem over het weekend.",
            child_words="Mama was heel moe en lag de hele dag op de bank. Ik heb zelf cornflakes gepakt. Mama's drankje ruikt vies.",
            in_case=True,
        ),
        Consult(
            "af",
            49,
            "veilig_thuis",
            consulted_name="Veilig Thuis regio Zonnedal",
            question=(
                "Moeder van een jongen van 6 komt herhaaldelijk onder invloed ophalen en rijdt mogelijk met hem in "
                "de auto. Wat adviseert u?"
            ),
            advice=(
                "Een zich herhalende situatie met direct gevaar in het verkeer. Bespreek de zorg met moeder en doe "
                "daarna een melding. Spreek af wat school doet als moeder opnieuw onder invloed komt: Sem niet "
                "meegeven en een andere ophaler bellen."
            ),
            agreed_actions="AF spreekt met de directeur een ophaalafspraak af. Gesprek met moeder deze week.",
        ),
        AddMember("af", "directie"),
        Talk(
            "af",
            46,
            ("mother",),
            participants_detail="Moeder; AF (Anouk Verbeek) en directeur (Peter Smit)",
            location="Kamer van de directeur",
            shared=(
                "Wat de onderwijsassistent rook en zag bij het ophalen, wat andere ouders ons vertelden (zonder namen) "
                "en wat Sem vertelde over het weekend. We maken ons zorgen over Sems veiligheid, vooral in het verkeer."
            ),
            reaction=(
                "Moeder schrok en was eerst boos: 'Wie zegt dat?' Later: 'Ik drink soms een paar glazen als het me "
                "te veel wordt. Sinds de scheiding gaat het niet goed met me.' Ze wil niet dat Sem iets overkomt."
            ),
            agreements=(
                "Als er twijfel is, belt school oma en haalt zij Sem op. Moeder maakt een afspraak bij de huisarts. "
                "School doet een melding bij Veilig Thuis; dat is met moeder besproken."
            ),
            acknowledgement="agreed",
        ),
        Weigh(
            "af",
            suspicion=True,
            suspicion_explanation=(
                "Herhaald ophalen door moeder onder invloed, gezien door school en door meerdere ouders, en passend "
                "bij Sems eigen woorden. Moeder erkent het alcoholgebruik."
            ),
            unsafety=True,
            unsafety_explanation=(
                "Structurele onveiligheid: het patroon herhaalt zich al weken, met gevaar in het verkeer en "
                "mogelijk onvoldoende toezicht thuis."
            ),
            risk_factors="Alcoholgebruik van de ouder bij wie Sem woont; recente scheiding; klein netwerk.",
            protective_factors="Moeder erkent het probleem en wil hulp; oma is betrokken en beschikbaar; Sem is goed verzorgd.",
            safety_score_parents=6,
        ),
        Decide(
            "af",
            "af",
            43,
            "16:00",
            "report_and_help",
            suspicion=True,
            unsafety=True,
            rationale=(
                "Structurele onveiligheid, dus melden bij Veilig Thuis (afwegingskader vraag 2). Tegelijk organiseert "
                "school wat kan (én-én): de ophaalafspraak met oma, moeder gaat naar de huisarts, school blijft Sem "
                "volgen."
            ),
        ),
        ReportDraft(
            "af",
            relation_to_family="Basisschool van Sem (groep 3). De onderwijsassistent ziet moeder dagelijks bij het halen en brengen.",
            direct_cause="Herhaald ophalen door moeder onder invloed van alcohol, waarna zij met Sem op de fiets of in de auto vertrekt.",
            facts=(
                "{d70}: moeder rook bij het ophalen sterk naar alcohol, sprak met dubbele tong en fietste met Sem "
                "achterop weg (onderwijsassistent).\n"
                "{d56}: twee ouders van klasgenoten zagen moeder 'duidelijk dronken' bij het ophalen; een van hen zag "
                "haar met Sem wegrijden in de auto.\n"
                "{d50}: Sem vertelde: 'Mama was heel moe en lag de hele dag op de bank. Ik heb zelf cornflakes "
                "gepakt. Mama's drankje ruikt vies.'\n"
                "{d46}: moeder erkent in een gesprek op school dat zij soms drinkt als het haar te veel wordt."
            ),
            interpretation="School vermoedt dat moeder door alcoholgebruik Sem niet altijd veilig kan verzorgen en vervoeren.",
            risk_factors="Alcoholgebruik van de ouder bij wie Sem woont; recente scheiding; klein netwerk.",
            protective_factors="Moeder erkent het probleem en wil hulp; oma is betrokken en beschikbaar; Sem is goed verzorgd.",
            household=(
                "Sem de Groot, geboren 07-11-2019, groep 3.\n"
                "Moeder: Linda de Groot (gezag); Sem woont bij haar, Lindelaan 14, Zonnedal.\n"
                "Vader: Marco Post (gezag), woont elders in Zonnedal; omgang om het weekend.\n"
                "Oma (moederskant): Ria de Groot, Zonnedal, betrokken."
            ),
            help_contacts="Huisarts (moeder heeft een afspraak gemaakt). Geen wijkteam betrokken.",
            police_contacts="Niet bekend bij school.",
            intervention_risks="Moeder kan zich terugtrekken uit het contact met school. Zij weet van de melding en zegt mee te willen werken.",
            expectations=(
                "Dat Veilig Thuis onderzoekt of Sem thuis en onderweg veilig is en hulp voor moeder op gang helpt. "
                "Graag terugkoppeling aan de AF over de uitkomst en over wat Veilig Thuis van school verwacht."
            ),
            parents_informed=True,
            parents_informed_how=(
                "Moeder is op {d46} in een gesprek op school (AF en directeur) verteld dat school een melding doet en "
                "waarom. Vader is op {d43} telefonisch geïnformeerd door de AF."
            ),
        ),
        ReportMade("af", 42, "af", "VT-2026-0412"),
        Sig(
            "onderwijsassistent",
            14,
            "15:20",
            OWN,
            (OTHER,),
            facts=(
                "Oma haalt Sem sinds drie weken op maandag, woensdag en vrijdag op. Op de andere dagen kwam moeder; "
                "ik heb bij haar niets geroken of gezien dat op alcoholgebruik wijst."
            ),
            in_case=True,
        ),
    ),
)

LINA = Dossier(
    child="lina",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "af",
            20,
            "08:05",
            POLICE,
            (WITNESSING,),
            facts=(
                "Handle with Care-bericht van de politie: vannacht is de politie ter plaatse geweest op het woonadres "
                "van Lina in verband met huiselijk geweld. Lina was thuis. Er zijn geen verdere details gedeeld."
            ),
            context=(
                "Handle with Care: de school krijgt alleen bericht, zodat Lina vandaag extra steun kan krijgen. "
                "De leerkracht is voor schooltijd ingelicht en vraagt niet naar de nacht."
            ),
        ),
        Sig(
            "leerkracht",
            20,
            "14:45",
            OWN,
            (WITNESSING,),
            facts=(
                "Lina was vandaag heel stil. Ze legde in de ochtend twee keer haar hoofd op tafel en viel kort in "
                "slaap. In de pauze bleef ze binnen bij mij en at ze haar brood niet op. Bij het buitenspelen wilde ze "
                "niet meedoen."
            ),
            child_words="Ik heb niet zo goed geslapen.",
            interpretation="Ze leek opgelucht dat ze binnen bij mij mocht blijven.",
            contradicting_info="Bij het voorlezen aan het eind van de dag lachte ze mee.",
        ),
        Consult(
            "af",
            19,
            "veilig_thuis",
            consulted_name="Veilig Thuis regio Zonnedal",
            question="Wij kregen een Handle with Care-bericht over Lina (8 jaar). Wat verwacht Veilig Thuis van school?",
            advice=(
                "De politie heeft het incident aan Veilig Thuis doorgegeven; Veilig Thuis maakt een "
                "veiligheidsbeoordeling. School doorloopt zelf de meldcode: signalen vastleggen en met ouders "
                "bespreken wat school bij Lina ziet. Bel bij nieuwe zorgen."
            ),
            agreed_actions="AF en leerkracht voeren een gesprek met moeder. De leerkracht houdt het logboek bij.",
        ),
        Talk(
            "af",
            15,
            ("mother",),
            participants_detail="Moeder; AF (Anouk Verbeek) en leerkracht (Femke de Boer). Vader was uitgenodigd maar kwam niet.",
            location="Spreekkamer van school",
            shared=(
                "Dat school via Handle with Care bericht kreeg dat de politie bij hen thuis was, zonder details, en "
                "wat de leerkracht die dag en de dagen erna bij Lina zag: moe, stil, weinig eten."
            ),
            reaction=(
                "Moeder: 'Het liep uit de hand tussen mij en mijn man. Ik heb zelf de politie gebeld.' Zij vertelt dat "
                "het vaker spannend is thuis als vader gedronken heeft, en dat Veilig Thuis contact met haar heeft "
                "opgenomen."
            ),
            agreements=(
                "Moeder laat het school weten als er thuis iets verandert. Lina mag bij spanning naar de rustplek in "
                "de klas. Evaluatie na het gesprek van moeder met Veilig Thuis."
            ),
            acknowledgement="agreed",
        ),
        Sig(
            "leerkracht",
            8,
            "10:35",
            TOLD,
            (WITNESSING,),
            facts="Lina vertelde tijdens het zelfstandig werken, zonder dat ik ernaar vroeg:",
            child_words="Papa heeft weer met de deur gegooid. Tess moest huilen en ik heb haar in mijn bed gelegd.",
            interpretation="Ik maak me zorgen dat de spanning thuis na de politie-inzet doorgaat.",
            in_case=True,
        ),
        Weigh(
            "af",
            suspicion=True,
            suspicion_explanation=(
                "Politie-inzet voor huiselijk geweld; moeder bevestigt geweld tussen de ouders; Lina vertelt over een "
                "nieuw incident. Lina en haar zusje zijn getuige van huiselijk geweld."
            ),
            unsafety=True,
            unsafety_explanation="Structurele onveiligheid: na de politie-inzet zijn er nieuwe incidenten.",
            risk_factors="Herhaald geweld tussen ouders; alcoholgebruik van vader (volgens moeder); zusje van 4.",
            protective_factors="Moeder zoekt zelf hulp en is open naar school; Veilig Thuis is al betrokken; Lina heeft een goede band met haar juf.",
            safety_score_parents=4,
            safety_score_pupil=5,
        ),
    ),
)

LUCAS = Dossier(
    child="lucas",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "leerkracht2",
            75,
            "09:05",
            OWN,
            (PHYSICAL,),
            facts=(
                "Lucas had een blauwe plek van ongeveer 4 bij 3 cm aan de buitenkant van zijn rechterbovenarm. Op mijn "
                "vraag wat er gebeurd was, zei hij dat het van voetballen kwam."
            ),
            child_words="Van voetballen.",
            contradicting_info="Lucas voetbalt bij een club; blauwe plekken komen bij voetballen voor.",
        ),
        Sig(
            "leerkracht2",
            63,
            "13:40",
            COLLEAGUE,
            (PHYSICAL,),
            facts=(
                "De vakleerkracht gym zag bij het omkleden blauwe plekken op drie plaatsen op de onderrug van Lucas, "
                "in verschillende kleuren (geel en paars). Lucas trok snel zijn shirt aan. Op de vraag van de "
                "vakleerkracht wat er gebeurd was, antwoordde hij dat hij van de trap was gevallen."
            ),
            child_words="Ik ben van de trap gevallen.",
            interpretation=(
                "Verschillende kleuren kunnen wijzen op verschillende momenten van ontstaan. Een val van de trap past "
                "volgens mij niet goed bij plekken op drie plaatsen op de rug."
            ),
        ),
        Sig(
            "leerkracht2",
            55,
            "10:50",
            TOLD,
            (PHYSICAL,),
            facts=(
                "Rond de linkerpols van Lucas vier langwerpige rode plekken naast elkaar. Toen ik ernaar vroeg, trok "
                "hij zijn mouw eroverheen. Eerst zei hij dat hij het niet meer wist; daarna zei hij het volgende."
            ),
            child_words="Weet ik niet meer. Als papa hoort dat ik het heb verteld, krijg ik straf.",
            interpretation="De plekken lijken op de afdruk van vingers (stevig vastgrijpen). De uitleg is steeds anders.",
        ),
        Consult(
            "af",
            55,
            "school_doctor",
            consulted_name="Jeugdarts GGD Zonnedal",
            question="Wat zeggen deze plekken en de wisselende verklaringen? (Besproken zonder naam van het kind.)",
            advice=(
                "Letsel op beschutte plekken (rug, binnenkant pols), in verschillende stadia en met wisselende "
                "verklaringen, is een bekend signaal van lichamelijke mishandeling. Overleg met Veilig Thuis over de "
                "volgorde: eerst een gesprek met ouders of eerst melden."
            ),
            agreed_actions="AF belt vandaag Veilig Thuis.",
        ),
        Consult(
            "af",
            54,
            "veilig_thuis",
            consulted_name="Veilig Thuis regio Zonnedal",
            question=(
                "Herhaald letsel bij een jongen van 10, wisselende verklaringen, en het kind zegt straf te krijgen als "
                "vader hoort dat hij het vertelde. Eerst een gesprek met ouders?"
            ),
            advice=(
                "Geen gesprek met ouders vooraf: dat kan Lucas in gevaar brengen. Doe een melding; Veilig Thuis "
                "bespreekt met school hoe en wanneer ouders worden geïnformeerd."
            ),
            agreed_actions="Melding voorbereiden; het gesprek met ouders overslaan en de reden vastleggen.",
        ),
        SkipTalk(
            "af",
            "child_safety",
            "Lucas zei: 'Als papa hoort dat ik het heb verteld, krijg ik straf.' Op advies van Veilig Thuis voeren we "
            "vooraf geen gesprek met ouders, omdat dat Lucas in gevaar kan brengen.",
        ),
        Weigh(
            "af",
            suspicion=True,
            suspicion_explanation=(
                "Herhaald letsel op beschutte plekken, in verschillende stadia, steeds met een andere uitleg, en "
                "Lucas' eigen woorden over straf."
            ),
            unsafety=True,
            unsafety_explanation="Structurele onveiligheid: een patroon van letsel over meerdere weken.",
            risk_factors="Herhaald letsel; angst voor straf; wisselende verklaringen.",
            protective_factors="Lucas vertrouwt zijn leerkracht; de voetbalclub is een plek buiten huis; een oudere zus.",
        ),
        Decide(
            "directie",
            "directie",
            54,
            "16:30",
            "report",
            suspicion=True,
            unsafety=True,
            rationale=(
                "Vermoeden van lichamelijke mishandeling met structurele onveiligheid: melden (afwegingskader vraag "
                "2). Besloten door de directeur na overleg met de AF. School blijft Lucas volgen en steunen."
            ),
        ),
        ReportDraft(
            "af",
            relation_to_family="Basisschool van Lucas (groep 7). De leerkracht ziet Lucas dagelijks.",
            direct_cause="Voor de derde keer in drie weken letsel, nu rond de pols, en Lucas zegt straf te krijgen als vader hoort dat hij het vertelde.",
            facts=(
                "{d75}: blauwe plek van ongeveer 4 bij 3 cm op de rechterbovenarm; Lucas: 'Van voetballen.'\n"
                "{d63}: vakleerkracht gym ziet blauwe plekken op drie plaatsen op de onderrug, geel en paars; Lucas: "
                "'Ik ben van de trap gevallen.'\n"
                "{d55}: vier langwerpige rode plekken rond de linkerpols; Lucas: 'Weet ik niet meer. Als papa hoort "
                "dat ik het heb verteld, krijg ik straf.'"
            ),
            interpretation="De plekken rond de pols lijken op de afdruk van vingers. De verklaringen wisselen.",
            risk_factors="Herhaald letsel; angst voor straf; wisselende verklaringen.",
            protective_factors="Lucas vertrouwt zijn leerkracht; de voetbalclub is een plek buiten huis; een oudere zus.",
            household=(
                "Lucas Peters, geboren 30-11-2015, groep 7.\n"
                "Vader: Ronald Peters; moeder: Sabine Peters; beiden gezag. Zus: Evi Peters (14).\n"
                "Adres: Meidoornstraat 3, Zonnedal."
            ),
            help_contacts="Jeugdarts GGD Zonnedal (geraadpleegd zonder naam). Geen hulpverlening bekend.",
            police_contacts="Niet bekend bij school.",
            intervention_risks="Lucas is bang voor straf als vader hoort dat hij iets vertelde.",
            expectations=(
                "Een veiligheidsbeoordeling en onderzoek. Graag afstemming over wanneer en hoe ouders worden "
                "geïnformeerd, en terugkoppeling aan de AF over wat Veilig Thuis van school verwacht."
            ),
            parents_informed=False,
            not_informed_reason="child_safety",
            not_informed_explanation=(
                "Lucas zegt straf te krijgen als vader hoort dat hij het vertelde. Op advies van Veilig Thuis "
                "informeert school de ouders niet vooraf."
            ),
        ),
        ReportMade("af", 53, "af", "VT-2026-0398"),
        Sig(
            "leerkracht2",
            21,
            "12:30",
            OWN,
            (OTHER,),
            facts="In de afgelopen drie weken geen nieuw letsel gezien. Lucas doet weer mee met gym en praat meer in de klas.",
            in_case=True,
        ),
    ),
)

FENNA = Dossier(
    child="fenna",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht2",
            66,
            "08:55",
            OWN,
            (EMOTIONAL, NEGLECT),
            facts=(
                "Fenna kwam voor de vierde keer deze maand 10 tot 20 minuten te laat. Ze bracht eerst haar broertje "
                "Bram naar groep 3. Bram had geen jas aan en geen eten bij zich; Fenna gaf hem haar eigen boterham."
            ),
            context="Vader werkt doordeweeks in Duitsland. Er is een zusje van ongeveer een jaar.",
            other_pupils=("bram",),
        ),
        Sig(
            "leerkracht2",
            61,
            "12:20",
            TOLD,
            (EMOTIONAL,),
            facts="Fenna vertelde in de pauze waarom ze vaak te laat is.",
            child_words="Ik moet 's ochtends Bram aankleden en Roos haar fles geven, want mama ligt nog in bed. Mama is heel vaak moe. Ik vind het niet erg hoor.",
            interpretation="Fenna draagt volgens mij zorg die niet past bij haar leeftijd (10 jaar).",
            other_pupils=("bram",),
        ),
        Consult(
            "ib",
            57,
            "safeguarding_lead",
            consulted_name="Anouk Verbeek (AF)",
            question="Fenna zorgt 's ochtends voor haar broertje en zusje omdat moeder in bed ligt. Hoe pakken we dit aan?",
            advice=(
                "Een signaal van emotionele verwaarlozing: Fenna draagt zorg die bij volwassenen hoort. Eerst een open "
                "gesprek met moeder: wat ziet school, hoe gaat het met haar? Mogelijk speelt er bij moeder een "
                "lichamelijk of psychisch probleem. Let ook op Bram in groep 3."
            ),
            agreed_actions="IB en leerkracht nodigen moeder uit; de onderwijsassistent let op Bram.",
        ),
        Talk(
            "ib",
            50,
            ("mother", "pupil"),
            participants_detail="Moeder, het laatste deel ook Fenna; IB (Ingrid Mulder) en leerkracht (Joost van Dijk)",
            location="Spreekkamer van school",
            shared="Dat Fenna vaak te laat komt, dat Bram zonder jas en eten kwam, en wat Fenna zelf vertelde over de ochtenden.",
            reaction=(
                "Moeder: 'Sinds Roos er is, ben ik zo moe. Ik kom 's ochtends mijn bed bijna niet uit. Ik wist niet "
                "dat Fenna het zo zwaar had.' Fenna: 'Ik wil gewoon dat mama weer beter wordt.'"
            ),
            agreements=(
                "Moeder gaat naar de huisarts. IB meldt het gezin met toestemming aan bij het wijkteam voor steun in "
                "de ochtend. Vader vraagt zijn werkgever om andere werktijden."
            ),
            acknowledgement="agreed",
        ),
        Weigh(
            "ib",
            suspicion=True,
            suspicion_explanation=(
                "Fenna draagt structureel zorg voor haar broertje en zusje die niet bij haar leeftijd past; de "
                "basisverzorging van Bram schiet tekort (geen jas, geen eten)."
            ),
            unsafety=False,
            unsafety_explanation="Geen acuut gevaar. Moeder erkent de situatie en wil hulp; met hulp is het risico weg te nemen.",
            risk_factors="Vermoedelijk psychische klachten bij moeder; vader doordeweeks weg; een baby in het gezin.",
            protective_factors="Moeder is open en zoekt hulp; vader is in het weekend betrokken; Fenna vertrouwt haar leerkracht.",
            safety_score_parents=7,
            safety_score_pupil=6,
        ),
        Decide(
            "af",
            "af",
            45,
            "15:45",
            "help",
            suspicion=True,
            unsafety=False,
            can_help=True,
            accepted=True,
            rationale=(
                "Hulp is te organiseren en wordt geaccepteerd: huisarts voor moeder, wijkteam voor steun in de ochtend. "
                "Evaluatie over zes weken (vraag 5): komt Fenna op tijd, heeft Bram een jas en eten bij zich?"
            ),
        ),
        AddMember("ib", "onderwijsassistent"),
        Sig(
            "leerkracht2",
            10,
            "09:10",
            TOLD,
            (OTHER,),
            facts="Fenna komt sinds drie weken op tijd. Op twee ochtenden bracht een medewerker van het wijkteam Bram naar school.",
            child_words="Mama gaat nu naar een dokter om te praten.",
            in_case=True,
        ),
    ),
)

JULIA = Dossier(
    child="julia",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "leerkracht",
            9,
            "11:25",
            TOLD,
            (PSYCHOLOGICAL, WITNESSING),
            facts="Na een kringgesprek over 'waar ben je bang voor' bleef Julia bij mij staan en vertelde het volgende.",
            child_words="Ik ben bang voor papa als hij boos is. Dan schreeuwt hij en gooit hij met dingen. Dan ga ik onder mijn bed liggen.",
            interpretation=(
                "Ik heb alleen gevraagd: 'Wil je daar meer over vertellen?' Ze schudde nee. Ik maak me zorgen, maar "
                "weet niet hoe vaak dit gebeurt."
            ),
            look_along="af",
        ),
        Sig(
            "leerkracht",
            4,
            "15:20",
            OWN,
            (PSYCHOLOGICAL,),
            facts=(
                "Bij het ophalen nam vader Julia stevig bij de arm mee naar buiten. Ik hoorde hem zeggen: 'Schiet op, "
                "anders zwaait er wat.' Julia keek naar de grond."
            ),
            interpretation="Eén keer gezien; ik weet niet of dit vaker gebeurt.",
            contradicting_info=(
                "Meestal haalt moeder Julia op. Julia vertelt ook met plezier over uitjes met haar vader, zoals "
                "naar de dierentuin."
            ),
        ),
    ),
)

SAAR = Dossier(
    child="saar",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "leerkracht2",
            0,
            "08:45",
            TOLD,
            (PHYSICAL,),
            facts=(
                "Saar kwam de klas binnen met een zwelling onder haar linkeroog en rode striemen op beide onderarmen. "
                "Toen de andere kinderen naar gym gingen, bleef ze zitten en vertelde ze het volgende."
            ),
            child_words="Papa heeft me gisteravond met zijn riem geslagen. Hij zei dat hij het weer doet als ik het vertel. Ik durf niet naar huis.",
            interpretation="Ik heb haar niet verder ondervraagd en meteen de AF gehaald. Saar was rustig maar trilde.",
        ),
        Acute(
            "af",
            "Saar (10) heeft zichtbaar letsel, vertelt dat vader haar gisteravond met een riem sloeg en dreigde het "
            "opnieuw te doen, en durft niet naar huis. Direct gevaar voor haar gezondheid: vandaag Veilig Thuis bellen, "
            "voordat Saar naar huis gaat.",
        ),
        AddMember("af", "directie"),
        Decide(
            "af",
            "af",
            0,
            "09:20",
            "report",
            suspicion=True,
            unsafety=True,
            rationale=(
                "Acute onveiligheid: melden bij Veilig Thuis, telefonisch en vandaag nog. Saar blijft op school bij de "
                "AF tot er een afspraak met Veilig Thuis is."
            ),
        ),
        ReportDraft(
            "af",
            relation_to_family="Basisschool van Saar (groep 7).",
            direct_cause="Saar heeft vanochtend zichtbaar letsel en vertelt dat vader haar gisteravond met een riem heeft geslagen. Ze durft niet naar huis.",
            facts=(
                "{d0}: zwelling onder het linkeroog en rode striemen op beide onderarmen, gezien door de leerkracht. "
                "Saar: 'Papa heeft me gisteravond met zijn riem geslagen. Hij zei dat hij het weer doet als ik het "
                "vertel. Ik durf niet naar huis.'"
            ),
            household="Saar Janssen, geboren 03-06-2016, groep 7. Moeder: Petra Janssen; vader: Rob Janssen.",
            expectations="Vandaag nog een afspraak over de veiligheid van Saar, voordat zij naar huis gaat.",
            parents_informed=False,
            not_informed_reason="child_safety",
            not_informed_explanation=(
                "Vader dreigt het opnieuw te doen als Saar het vertelt. Wanneer en hoe ouders worden geïnformeerd, "
                "bespreekt school met Veilig Thuis."
            ),
        ),
    ),
)

LEVI = Dossier(
    child="levi",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht",
            80,
            "10:05",
            OWN,
            (GUT,),
            facts=(
                "Levi viel deze week twee keer in slaap tijdens het lezen. Hij heeft donkere kringen onder zijn ogen "
                "en is snel boos op klasgenoten."
            ),
            interpretation="Ik weet niet wat hierachter zit; volgens de overdracht van vorig jaar was Levi een vrolijke, uitgeruste jongen.",
        ),
        Sig(
            "leerkracht",
            76,
            "09:15",
            TOLD,
            (GUT,),
            facts="Levi had geen ontbijt gehad. Op mijn vraag hoe dat kwam, zei hij het volgende.",
            child_words="Mees huilt de hele nacht en dan is iedereen moe. Niemand had tijd.",
        ),
        Consult(
            "leerkracht",
            74,
            "care_coordinator",
            consulted_name="Ingrid Mulder (IB)",
            question="Levi is erg moe en prikkelbaar. Is dit een signaal voor de meldcode?",
            advice="Er is mogelijk een verklaring (een baby in het gezin). Ga snel met ouders in gesprek, met open vragen, zonder meteen in te vullen.",
            agreed_actions="Leerkracht nodigt ouders uit; IB sluit aan.",
        ),
        Talk(
            "leerkracht",
            71,
            ("mother", "father"),
            participants_detail="Moeder en vader; leerkracht (Femke de Boer) en IB (Ingrid Mulder)",
            location="Lokaal van groep 5, na schooltijd",
            shared="Dat Levi twee keer in slaap viel, moe en prikkelbaar is en een keer zonder ontbijt kwam, en wat hij daarover zei.",
            reaction=(
                "Vader: 'Mees heeft koliek, we slapen al weken nauwelijks. Levi's kamer ligt naast die van Mees.' "
                "Moeder: 'Goed dat jullie het zeggen, we hadden niet door dat hij er op school zo veel last van heeft.'"
            ),
            agreements=(
                "Levi slaapt voorlopig op de zolderkamer, verder van de baby. Ouders zorgen dat hij ontbijt mee krijgt "
                "als het thuis niet lukt. Over drie weken kort contact."
            ),
            acknowledgement="agreed",
        ),
        Sig(
            "leerkracht",
            50,
            "14:30",
            OWN,
            (OTHER,),
            facts="Levi is weer uitgerust, valt niet meer in slaap en speelt in de pauze weer met klasgenoten.",
            in_case=True,
        ),
        Weigh(
            "ib",
            suspicion=False,
            suspicion_explanation=(
                "De vermoeidheid had een duidelijke verklaring (een baby met koliek). Ouders namen direct maatregelen "
                "en de signalen zijn verdwenen."
            ),
            unsafety=None,
        ),
        Decide(
            "af",
            "af",
            48,
            "15:00",
            "close",
            suspicion=False,
            rationale=(
                "Geen vermoeden van huiselijk geweld of kindermishandeling (vraag 1). Dossier sluiten; de leerkracht "
                "blijft alert zoals bij ieder kind."
            ),
        ),
        Close(
            "ib",
            "explained",
            "De verklaring van ouders (baby met koliek, slaaptekort) wordt bevestigd door het herstel van Levi. Geen verdere zorgen.",
        ),
    ),
)

DAAN = Dossier(
    child="daan",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "onderwijsassistent",
            27,
            "10:30",
            OWN,
            (GUT,),
            facts=(
                "Daan schrikt zichtbaar als een volwassene in de klas haar stem verheft, ook als dat niet tegen hem is. "
                "Hij kruipt dan onder zijn tafel. Dit zag ik deze week drie keer."
            ),
            interpretation="Ik heb een niet-pluisgevoel, maar kan het niet goed onderbouwen.",
            contradicting_info="Daan is vrolijk bij het buitenspelen en speelt met veel kinderen.",
            look_along="ib",
        ),
        Sig(
            "onderwijsassistent",
            13,
            "13:15",
            TOLD,
            (GUT,),
            facts=(
                "Daan wilde zich niet omkleden voor gym en hield zijn trui aan. Bij de opdracht 'teken je familie' "
                "tekende hij zichzelf heel klein in een hoek, buiten het huis. Hij zei erbij:"
            ),
            child_words="Ik woon daar niet echt.",
            interpretation="Ik weet niet wat hij bedoelde; ik heb niet doorgevraagd.",
        ),
    ),
)

JAYDEN = Dossier(
    child="jayden",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht",
            39,
            "08:35",
            OWN,
            (NEGLECT,),
            facts=(
                "Jayden heeft sinds ruim vier weken hoofdluis; de briefjes aan ouders hebben niet geholpen. Hij draagt "
                "meerdere dagen achter elkaar dezelfde kleding, die naar urine ruikt. Deze week had hij drie keer "
                "geen lunch bij zich."
            ),
            contradicting_info="Jayden is altijd op tijd en zijn huiswerk is gemaakt.",
        ),
        Sig(
            "leerkracht",
            33,
            "12:05",
            TOLD,
            (NEGLECT,),
            facts="Jayden hield tijdens de lunch zijn hand tegen zijn wang. Op mijn vraag wat er was, zei hij het volgende.",
            child_words="Mijn kies doet al heel lang pijn. We gaan niet naar de tandarts, dat is te duur.",
        ),
        Consult(
            "ib",
            30,
            "school_doctor",
            consulted_name="Jeugdarts GGD Zonnedal",
            question="Meerdere signalen van lichamelijke verwaarlozing bij een jongen van 9 (luis, kleding, kiespijn, lunch). Wat adviseert u?",
            advice=(
                "Bespreek de signalen met moeder en bied aan dat de jeugdarts Jayden op school ziet. Vraag naar "
                "geldzorgen; het wijkteam kan helpen met de kosten van de tandarts."
            ),
            agreed_actions="IB en leerkracht plannen een gesprek met moeder; IB vraagt het wijkteam naar regelingen voor tandartskosten.",
        ),
    ),
)

ZOE = Dossier(
    child="zoe",
    opened_by="af",
    lead="af",
    events=(
        Sig(
            "leerkracht2",
            37,
            "11:50",
            TOLD,
            (WITNESSING,),
            facts="Zoë leek erg moe. Toen ik in de pauze vroeg hoe het ging, vertelde ze het volgende.",
            child_words="Papa en mama maakten weer ruzie. Papa duwde mama tegen de kast en mama had een dikke lip. Ik heb met Luuk op mijn kamer gezeten.",
            interpretation="Zoë vertelde het rustig en met veel details.",
        ),
        Sig(
            "leerkracht2",
            31,
            "08:30",
            OWN,
            (WITNESSING,),
            facts=(
                "Moeder bracht Zoë naar school met een zonnebril op, terwijl het bewolkt was. Onder de bril was een "
                "blauwe verkleuring rond het rechteroog te zien."
            ),
            interpretation="Mogelijk letsel bij moeder; ik heb er niet naar gevraagd.",
        ),
        Consult(
            "leerkracht2",
            30,
            "safeguarding_lead",
            consulted_name="Anouk Verbeek (AF)",
            question="Zoë vertelt over geweld tussen haar ouders en ik zag moeder met een blauw oog. Wat nu?",
            advice=(
                "Getuige zijn van huiselijk geweld is voor een kind een vorm van kindermishandeling. Spreek moeder "
                "alleen, op school, op een veilig moment. Vader niet vooraf inlichten: dat kan gevaar opleveren voor "
                "moeder."
            ),
            agreed_actions="AF en leerkracht spreken moeder tijdens schooltijd.",
        ),
        Talk(
            "af",
            26,
            ("mother",),
            participants_detail="Moeder; AF (Anouk Verbeek) en leerkracht (Joost van Dijk)",
            location="Spreekkamer van school, tijdens schooltijd",
            shared="Wat Zoë vertelde over de ruzie thuis, en dat de leerkracht een verkleuring rond het oog van moeder zag.",
            reaction=(
                "Moeder: 'Het valt wel mee, het was één keer.' Later in het gesprek: 'Het gebeurt vaker als hij stress "
                "heeft van zijn werk. Ik wil niet dat de kinderen er last van hebben.' Ze is bang dat vader boos wordt "
                "als hij hoort dat school het weet."
            ),
            agreements=(
                "AF geeft moeder het nummer van Veilig Thuis en informatie over steun. AF bespreekt met moeder dat "
                "school een melding overweegt. Het verslag blijft op school en is niet ter ondertekening meegegeven, "
                "voor de veiligheid van moeder."
            ),
            acknowledgement="not_asked",
        ),
        Weigh(
            "af",
            suspicion=True,
            suspicion_explanation="Zoë is getuige van herhaald fysiek geweld tussen haar ouders; moeder bevestigt dat het vaker gebeurt.",
            unsafety=True,
            unsafety_explanation="Structurele onveiligheid: herhaald geweld, letsel bij moeder, twee kinderen in huis.",
            risk_factors="Herhaald geweld; stress bij vader; broertje van 7; moeder is bang voor de reactie van vader.",
            protective_factors="Moeder is open naar school en wil de kinderen beschermen; Zoë praat met haar leerkracht.",
            safety_score_parents=5,
            safety_score_pupil=4,
        ),
        Decide(
            "directie",
            "directie",
            3,
            "16:15",
            "report",
            suspicion=True,
            unsafety=True,
            rationale=(
                "Structurele onveiligheid door huiselijk geweld waarvan Zoë en haar broertje getuige zijn: melden bij "
                "Veilig Thuis. School blijft Zoë steunen en houdt contact met moeder."
            ),
        ),
        ReportDraft(
            "af",
            relation_to_family="Basisschool van Zoë (groep 7).",
            direct_cause="Zoë vertelt over geweld van vader tegen moeder; de leerkracht zag letsel bij moeder.",
            facts=(
                "{d37}: Zoë: 'Papa en mama maakten weer ruzie. Papa duwde mama tegen de kast en mama had een dikke "
                "lip. Ik heb met Luuk op mijn kamer gezeten.'\n"
                "{d31}: moeder bracht Zoë met een zonnebril op; eronder een blauwe verkleuring rond het rechteroog.\n"
                "{d26}: moeder bevestigt op school dat het geweld vaker gebeurt."
            ),
            interpretation="Zoë en haar broertje zijn getuige van huiselijk geweld.",
            risk_factors="Herhaald geweld; stress bij vader; broertje van 7; moeder is bang voor de reactie van vader.",
            protective_factors="Moeder is open naar school en wil de kinderen beschermen; Zoë praat met haar leerkracht.",
            household=(
                "Zoë van den Berg, geboren 12-12-2015, groep 7. Broer Luuk (7), op een andere school.\n"
                "Moeder: Sanne van den Berg; vader: Mark van den Berg. Adres: Esdoornlaan 22, Zonnedal."
            ),
            help_contacts="Geen hulpverlening bekend.",
            intervention_risks="Moeder is bang voor de reactie van vader als hij hoort dat school het weet.",
            expectations="Een veiligheidsbeoordeling voor Zoë, Luuk en moeder, en terugkoppeling aan de AF.",
            parents_informed=True,
            parents_informed_how=(
                "Moeder is op {d2} telefonisch door de AF geïnformeerd dat school de melding doet; zij stemt in. "
                "Vader is op verzoek van moeder niet door school geïnformeerd."
            ),
        ),
    ),
)

RUBEN = Dossier(
    child="ruben",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht2",
            45,
            "15:20",
            OWN,
            (PSYCHOLOGICAL,),
            facts=(
                "Bij het ophalen riep vader over het plein tegen Ruben, die zijn gymtas vergeten was: 'Jij bent ook "
                "echt nergens goed voor, sukkel.' Andere ouders en kinderen keken om. Ruben liep met gebogen hoofd mee."
            ),
            contradicting_info="Moeder, die Ruben op woensdag ophaalt, is steeds rustig en vriendelijk tegen hem.",
        ),
        Sig(
            "leerkracht2",
            38,
            "10:10",
            TOLD,
            (PSYCHOLOGICAL,),
            facts="Ruben wilde een nieuwe rekenopdracht niet proberen. Hij zei het volgende.",
            child_words="Ik ben toch dom, zegt papa. Dat kan ik toch niet.",
        ),
        Consult(
            "ib",
            36,
            "other_organisation",
            consulted_name="Schoolmaatschappelijk werk Zonnedal",
            question="Hoe bespreken we de kleinerende opmerkingen van vader zonder dat het gesprek escaleert?",
            advice=(
                "Begin bij wat jullie bij Ruben zien (faalangst, 'ik ben dom'), niet bij een oordeel over vader. "
                "Luisteren, samenvatten, doorvragen. Nodig beide ouders uit."
            ),
            agreed_actions="IB en leerkracht voeren het gesprek met beide ouders.",
        ),
        Talk(
            "ib",
            29,
            ("father", "mother"),
            participants_detail="Vader en moeder; IB (Ingrid Mulder) en leerkracht (Joost van Dijk)",
            location="Spreekkamer van school",
            shared="Wat de leerkracht op het plein hoorde en wat Ruben in de klas over zichzelf zegt.",
            reaction=(
                "Vader: 'Zo praten wij nu eenmaal, daar is niks mis mee. Hij moet wat harder worden.' Moeder zei "
                "weinig; aan het eind: 'Ik herken wel dat hij zich thuis ook zo klein maakt.' Vader weigerde het "
                "verslag te tekenen."
            ),
            agreements="Leerkracht en ouders houden contact over het zelfvertrouwen van Ruben; over vier weken een vervolggesprek.",
            acknowledgement="refused",
        ),
    ),
)

SOPHIE = Dossier(
    child="sophie",
    opened_by="ib",
    lead="ib",
    events=(
        Sig(
            "leerkracht",
            82,
            "09:30",
            OWN,
            (EMOTIONAL,),
            facts=(
                "Sophie is in de eerste drie schoolweken vijf dagen afwezig geweest, steeds dezelfde ochtend ziek "
                "gemeld door moeder. Als ze er is, is ze stil en moe en vraagt ze of ze mag gaan liggen."
            ),
            contradicting_info="Moeder meldt elke afwezigheid op tijd.",
        ),
        Consult(
            "leerkracht",
            78,
            "care_coordinator",
            consulted_name="Ingrid Mulder (IB)",
            question="Veel ziekmeldingen en een stil, moe meisje. Moet ik dit als signaal zien?",
            advice="Ja, vastleggen. Veel verzuim kan een signaal zijn. Ga in gesprek met moeder; de IB overlegt met de jeugdarts.",
            agreed_actions="Leerkracht plant een gesprek met moeder; IB sluit aan.",
        ),
        Talk(
            "leerkracht",
            72,
            ("mother",),
            participants_detail="Moeder; leerkracht (Femke de Boer) en IB (Ingrid Mulder)",
            location="Lokaal van groep 5, na schooltijd",
            shared="Het aantal ziekmeldingen en dat Sophie op school stil en moe is.",
            reaction=(
                "Moeder: 'Ze heeft steeds buikpijn. Ik weet ook niet wat het is.' Moeder vertelt dat het gezin gaat "
                "verhuizen naar een andere gemeente, waar familie woont."
            ),
            agreements=(
                "Moeder maakt een afspraak met de jeugdarts. Bij vertrek zorgt school voor een warme overdracht aan de "
                "nieuwe school, met toestemming van moeder."
            ),
            acknowledgement="agreed",
        ),
        Close(
            "ib",
            "pupil_left",
            "Sophie is verhuisd en ingeschreven op een school in een andere gemeente. De IB heeft met toestemming van "
            "moeder een warme overdracht gedaan aan de IB van de nieuwe school (telefonisch en schriftelijk).",
        ),
    ),
)

HIDDE = Dossier(
    child="hidde",
    opened_by="af2",
    lead="af2",
    events=(
        Sig(
            "leerkracht3",
            28,
            "10:15",
            TOLD,
            (NEGLECT,),
            facts="Hidde vroeg in de ochtendpauze of hij een boterham uit de schoolvoorraad mocht. Hij zei erbij:",
            child_words="Er was geen eten meer thuis. Mama zegt dat het geld op is tot vrijdag.",
        ),
        Sig(
            "leerkracht3",
            21,
            "12:10",
            OWN,
            (NEGLECT,),
            facts=(
                "Hidde had voor de derde keer in twee weken geen lunch bij zich. Zijn schoenen zijn te klein; hij "
                "loopt op de achterkant ervan."
            ),
            contradicting_info="Hidde is schoon en verzorgd en vertelt vrolijk over voetballen met zijn vader.",
        ),
        Consult(
            "leerkracht3",
            18,
            "safeguarding_lead",
            consulted_name="Esther Kok (AF)",
            question="Hidde heeft vaak honger en te kleine schoenen. Wat is de volgende stap?",
            advice=(
                "Mogelijk geldzorgen in het gezin. Voer een gesprek met ouders over wat je ziet en wijs op het "
                "wijkteam, schuldhulp en Stichting Leergeld."
            ),
            agreed_actions="Leerkracht en AF nodigen beide ouders uit.",
        ),
    ),
)

LIEKE = Dossier(
    child="lieke",
    opened_by="af2",
    lead="af2",
    events=(
        Sig(
            "leerkracht3",
            6,
            "10:40",
            PUPIL,
            (WITNESSING,),
            facts=(
                "Tijdens de pleinwacht vertelde een meisje uit groep 7 mij dat Lieke had gezegd dat haar vader haar "
                "moeder had geslagen en dat Lieke daarom nu bij haar oma slaapt."
            ),
            interpretation="Informatie van een klasgenoot, niet van Lieke zelf.",
        ),
    ),
)

DOSSIERS = (
    THIJS,
    MILA,
    NOOR,
    SEM,
    LINA,
    LUCAS,
    FENNA,
    JULIA,
    SAAR,
    LEVI,
    DAAN,
    JAYDEN,
    ZOE,
    RUBEN,
    SOPHIE,
    HIDDE,
    LIEKE,
)


# Signals outside dossiers ----------------------------------------------------------------------

LOOSE_SIGNALS = (
    LooseSignal(
        "jesse",
        Sig(
            "leerkracht",
            2,
            "13:05",
            OWN,
            (GUT,),
            facts=(
                "Jesse is sinds een paar weken anders: hij praat minder, zit in de pauze alleen en draagt al een week "
                "dezelfde trui. Ik kan er niet precies de vinger op leggen."
            ),
            interpretation="Niet-pluisgevoel. Ik zou graag willen dat iemand meekijkt.",
            contradicting_info="Zijn werk is op niveau en hij komt op tijd.",
            look_along="open",
        ),
    ),
    LooseSignal(
        "mila",
        Sig(
            "leerkracht",
            1,
            "08:40",
            TOLD,
            (PSYCHOLOGICAL,),
            facts="Mila vertelde bij binnenkomst, met tranen in haar ogen:",
            child_words="Papa en mama hebben bij de voordeur geschreeuwd toen papa ons kwam brengen.",
        ),
    ),
    LooseSignal(
        "vince",
        Sig(
            "onderwijsassistent",
            3,
            "10:05",
            OWN,
            (NEGLECT,),
            facts=(
                "Vince kwam drie dagen achter elkaar in dezelfde kleding, die naar urine rook. Hij vroeg om 10.00 uur "
                "of hij al mocht eten, omdat hij honger had."
            ),
            contradicting_info="Vader brengt Vince elke dag op tijd en maakt een praatje bij de deur.",
        ),
    ),
    LooseSignal(
        "nina",
        Sig(
            "leerkracht2",
            1,
            "15:30",
            PUPIL,
            (EMOTIONAL,),
            facts="Een klasgenoot vertelde mij dat Nina vaak tot 's avonds laat alleen thuis is en dan zelf eten maakt.",
            interpretation="Informatie van een klasgenoot; Nina heeft hier zelf niets over verteld.",
        ),
    ),
    LooseSignal(
        "max",
        Sig(
            "onderwijsassistent",
            16,
            "08:50",
            TOLD,
            (PHYSICAL,),
            facts="Max had een blauwe plek en een schaafwond op zijn voorhoofd. Op mijn vraag wat er gebeurd was, zei hij:",
            child_words="Ik ben van het klimrek gevallen.",
            context=(
                "Moeder vertelde de dag ervoor al bij het brengen dat Max in het weekend in de speeltuin van het "
                "klimrek was gevallen en bij de huisarts was geweest."
            ),
        ),
        noted_by="ib",
        noted_reason=(
            "De uitleg van Max en die van moeder komen overeen, moeder meldde het letsel vooraf en het letsel past "
            "bij een val. Geen dossier nodig; gewoon blijven observeren."
        ),
    ),
    LooseSignal(
        "jurre",
        Sig(
            "af2",
            2,
            "08:25",
            OWN,
            (GUT,),
            facts=(
                "Jurre werd gebracht door een volwassen man die niet op de ophaallijst staat. Jurre liep zonder gedag "
                "te zeggen naar binnen en huilde daarna in de gang."
            ),
            interpretation="Ik weet niet wie de man was. Niet-pluisgevoel.",
        ),
    ),
)


# After the decision -------------------------------------------------------------------------
# Follow-up in the dossiers above, so the demo shows overdue feedback, an evaluation moment that
# was missed and one coming up, and a report whose feedback came in.


@dataclass(frozen=True)
class HelpPlanData:
    child: str
    by: str
    description: str
    provided_by: str
    parents_agreement: str
    started_days_ago: int
    ends_in_days: int
    # Evaluation moments in days from today: negative ones lie in the past.
    evaluations: tuple[int, ...]


@dataclass(frozen=True)
class FeedbackData:
    child: str
    by: str
    agreed_days_after_report: int
    how: str
    lead: str
    contact_name: str
    contact_details: str
    outcome: str = ""
    received_days_ago: int | None = None
    follow_up_started: str = ""
    expectations: str = ""


SIBLINGS = (("thijs", "mila"),)

HELP_PLANS = (
    HelpPlanData(
        "thijs",
        "af",
        "Gesprekken met de schoolmaatschappelijk werker, om de week, over de situatie thuis; "
        "ouders volgen samen de cursus 'Ouderschap na scheiding'.",
        "Schoolmaatschappelijk werk en het wijkteam",
        "Besproken met moeder en vader, ieder apart; beiden stemden in.",
        started_days_ago=20,
        ends_in_days=70,
        evaluations=(-5, 40),
    ),
    HelpPlanData(
        "fenna",
        "af",
        "Gezinscoach van het wijkteam, twee keer per week thuis; Fenna mag op school even bijkomen bij de IB.",
        "Wijkteam Zonnedal",
        "Met moeder besproken op school; zij heeft het plan ondertekend.",
        started_days_ago=10,
        ends_in_days=80,
        evaluations=(3, 60),
    ),
    HelpPlanData(
        "sem",
        "af",
        "Opvoedondersteuning thuis en een vaste ophaalafspraak met oma.",
        "Wijkteam Zonnedal",
        "Met vader besproken; moeder wilde er niet bij zijn.",
        started_days_ago=35,
        ends_in_days=55,
        evaluations=(7, 50),
    ),
)

FEEDBACK = (
    # Agreed, but the feedback is late: shows as overdue.
    FeedbackData(
        "sem",
        "af",
        agreed_days_after_report=28,
        how="Telefonisch aan de aandachtsfunctionaris.",
        lead="local_team",
        contact_name="Marieke Bakker (wijkteam Zonnedal)",
        contact_details="06-12345678",
    ),
    # The feedback came in.
    FeedbackData(
        "lucas",
        "af",
        agreed_days_after_report=40,
        how="Per brief aan de directie en telefonisch aan de AF.",
        lead="veilig_thuis",
        contact_name="Veilig Thuis regio Zonnedal, team onderzoek",
        contact_details="0800-2000",
        outcome="confirmed",
        received_days_ago=10,
        follow_up_started="Het wijkteam start gezinsbegeleiding; vader volgt een agressieregulatietraining.",
        expectations="Blijf letten op blauwe plekken en meld nieuwe signalen direct aan Veilig Thuis.",
    ),
)


# Where the demo's children live (fictional streets in the fictional Zonnedal), for the report to
# Veilig Thuis; the generated classmates have no address in Haven.
_STREETS = ("Lindelaan", "Kastanjelaan", "Beukenstraat", "Wilgenhof", "Eikenlaan", "Berkenweg", "Populierenpad")


def address_of(child: Child) -> str:
    index = CHILDREN.index(child)
    return f"{_STREETS[index % len(_STREETS)]} {3 + 2 * index}, 99{index % 10:02d} ZD Zonnedal"
