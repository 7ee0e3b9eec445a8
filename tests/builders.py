"""Builders: the one way to make "a dossier at step X" in tests (open-forms' traits).

Every builder calls the services (haven/*/services.py), so a dossier built here holds exactly the
rows and audit events a user's clicks would have made. `case(cast, stage="decision")` takes a new
dossier through the route up to a stage; the smaller builders below make one step each. Factories
(tests/factories.py) stay for what has no service (schools, users, pupils); the cast is in
tests/conftest.py.
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext

from haven.followup import services as followup_services
from haven.followup.models import HelpPlan
from haven.meldcode import advice as advice_services
from haven.meldcode import services
from haven.meldcode.models import AdviceRequest, Case, Report
from haven.pupils.models import Pupil
from haven.signalling import services as signalling_services
from haven.signalling.models import ReferralIndexEntry
from tests.factories import PupilFactory

REPORT = {"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None}
HELP = {"suspicion": True, "unsafety": False, "can_help": True, "accepted": True, "effective": None}
CLOSE = {"suspicion": False, "unsafety": None, "can_help": None, "accepted": None, "effective": None}
REPORT_FIELDS = {
    "relation_to_family": "School van de leerling",
    "direct_cause": "Blauwe plekken op de armen",
    "facts": "Feiten",
    "household": "Moeder, vader, Sanne",
    "expectations": "Onderzoek",
    "parents_informed": True,
    "parents_informed_how": "In een gesprek op school",
}

# The stages of the route, in order; `case(stage=...)` stops after the named one.
STAGES = ("new", "consultation", "conversation", "weighing", "decision", "reported", "help", "closed", "acute")


def today() -> date:
    return timezone.localdate()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def t(message: str) -> str:
    """A message as the (Dutch) page shows it: the same text once the catalogue translates it."""
    with translation.override("nl"):
        return gettext(message)


# One step each ----------------------------------------------------------------------------------


def new_case(cast: Any, pupil: Pupil | None = None, lead: str = "af", observed_days_ago: int | None = None) -> Case:
    pupil = pupil or PupilFactory(school=cast.school_a)
    if observed_days_ago is None:
        return cast.case("teacher", by=lead, pupil=pupil)
    signal = cast.signal("teacher", pupil=pupil, observed_at=timezone.now() - days(observed_days_ago))
    return services.open_case(cast.actor(lead), signal, lead=cast.users[lead])


def consult(cast: Any, case: Case, *, by: str = "af", consulted: str = "veilig_thuis") -> None:
    services.record_consultation(
        cast.actor(by),
        case,
        held_on=today(),
        consulted=consulted,
        consulted_name="Veilig Thuis, adviesgesprek" if consulted == "veilig_thuis" else "Schoolarts GGD",
        anonymous=consulted == "veilig_thuis",
        question="Wat kunnen we doen?",
        advice="Gesprek met de ouders plannen.",
        agreed_actions="Gesprek met de ouders plannen.",
    )


def converse(cast: Any, case: Case, *, by: str = "af", skip: bool = False) -> None:
    if skip:
        services.skip_conversation(
            cast.actor(by), case, reason="child_safety", explanation="Een gesprek brengt het kind nu in gevaar."
        )
        return
    services.record_conversation(
        cast.actor(by),
        case,
        held_on=today(),
        participants=["mother", "father"],
        face_to_face=True,
        location="Kamer van de intern begeleider",
        shared="De zorgen over de blauwe plekken.",
        reaction="Moeder schrok en wil meedenken.",
        agreements="Over vier weken een vervolggesprek.",
        acknowledgement="seen",
    )


def weigh(cast: Any, case: Case, answers: dict[str, bool | None], *, by: str = "af") -> None:
    services.record_weighing(
        cast.actor(by),
        case,
        suspicion=answers["suspicion"],
        suspicion_explanation="Afgewogen met het afwegingskader.",
        unsafety=answers["unsafety"],
        unsafety_explanation="Afgewogen met het afwegingskader." if answers["suspicion"] else "",
        risk_factors="Financiële zorgen; weinig netwerk.",
        protective_factors="Betrokken grootouders.",
        safety_score_parents=6,
        safety_score_pupil=5,
    )


def decide(cast: Any, case: Case, outcome: str, *, by: str = "af") -> None:
    answers = {"report": REPORT, "report_and_help": REPORT, "help": HELP, "close": CLOSE}[outcome]
    services.decide(
        cast.actor(by),
        case,
        answers=answers,
        outcome=outcome,
        rationale="Afgewogen met het afwegingskader; zie de weging.",
        decided_by=cast.users[by],
    )


def make_report(
    cast: Any,
    case: Case | None = None,
    *,
    made_on: date | None = None,
    outcome: str = "report_and_help",
    by: str = "af",
    vt_reference: str = "",
) -> Report:
    """A dossier with a decision to report (and help) and its report made (today unless `made_on`)."""
    case = case or new_case(cast)
    actor = cast.actor(by)
    services.decide(actor, case, answers=REPORT, outcome=outcome, rationale="Onveilig.", decided_by=cast.users[by])
    report = services.save_report(actor, case, **REPORT_FIELDS)
    return services.mark_report_made(
        actor, report, made_on=made_on or today(), made_by=cast.users[by], vt_reference=vt_reference
    )


def follow_report(cast: Any, report: Report, *, by: str = "af", received: bool = True) -> None:
    """The feedback agreed with Veilig Thuis, the external lead and (if `received`) the outcome."""
    actor = cast.actor(by)
    followup_services.record_feedback_agreement(
        actor, report, feedback_agreed_on=today(), feedback_agreed_how="Telefonisch aan de aandachtsfunctionaris."
    )
    followup_services.record_lead(actor, report, lead="veilig_thuis")
    if received:
        followup_services.record_feedback(actor, report, outcome="confirmed", feedback_received_on=today())


def make_plan(
    cast: Any,
    case: Case,
    *,
    by: str = "af",
    starts_on: date | None = None,
    ends_on: date | None = None,
    evaluations: list[date] | None = None,
    **fields: Any,
) -> HelpPlan:
    values = {
        "description": "Schoolmaatschappelijk werk: wekelijks gesprek met moeder over structuur thuis.",
        "provided_by": "Schoolmaatschappelijk werk, Anouk Bakker",
        "agreed_with_parents": True,
        "parents_agreement": "Besproken met moeder en vader op 3 maart; zij doen mee.",
        "starts_on": starts_on or today(),
        "ends_on": ends_on or today() + days(90),
        "evaluations": evaluations or [today() + days(30), today() + days(90)],
    }
    values.update(fields)
    return followup_services.record_help_plan(cast.actor(by), case, **values)


def advice_request(cast: Any, *, pupil: Pupil | None = None, anonymous: bool = False, by: str = "af") -> AdviceRequest:
    """Veilig Thuis advice asked without a dossier."""
    return advice_services.record_advice_request(
        cast.actor(by),
        held_on=today(),
        anonymous=anonymous,
        question="Hoe gaan we het gesprek met de ouders aan?",
        advice="Benoem wat u ziet en nodig beide ouders uit.",
        pupil=pupil,
    )


def referral_entry(cast: Any, pupil: Pupil, action: str = "placed", *, by: str = "af") -> ReferralIndexEntry:
    """A verwijsindex signal placed (or ended) without a dossier."""
    actor = cast.actor(by)
    return signalling_services.record_referral_index_without_case(actor, pupil=pupil, action=action, on=today())


# A dossier at stage X --------------------------------------------------------------------------


def case(cast: Any, stage: str = "new", *, pupil: Pupil | None = None, outcome: str | None = None) -> Case:
    """A new dossier taken through the route up to `stage` (one of STAGES), through the services.

    "decision" decides (`outcome`, "report" unless given) and, to report, saves a draft report;
    "reported" makes the report and records Veilig Thuis's feedback; "help" agrees a help plan
    and answers its first evaluation; "closed"
    closes after the decision (`outcome` "close" unless given); "acute" skips steps 2-4 and
    reports.
    """
    if stage not in STAGES:
        raise ValueError(f"Unknown stage {stage!r}; one of {STAGES}.")
    dossier = new_case(cast, pupil=pupil)
    if stage == "new":
        return dossier
    if stage == "acute":
        services.declare_acute(
            cast.actor("af"), dossier, explanation="Het kind durft vanavond niet naar huis; direct handelen."
        )
        follow_report(cast, make_report(cast, dossier, outcome="report", vt_reference="VT-0000001"))
        return dossier
    consult(cast, dossier)
    if stage == "consultation":
        return dossier
    converse(cast, dossier)
    if stage == "conversation":
        return dossier
    outcome = outcome or {"help": "help", "closed": "close"}.get(stage, "report")
    weigh(cast, dossier, {"report": REPORT, "report_and_help": REPORT, "help": HELP, "close": CLOSE}[outcome])
    if stage == "weighing":
        return dossier
    if outcome in ("report", "report_and_help") and stage != "decision":
        follow_report(cast, make_report(cast, dossier, outcome=outcome, vt_reference="VT-0000001"))
    else:
        decide(cast, dossier, outcome)
        if outcome in ("report", "report_and_help"):
            services.save_report(cast.actor("af"), dossier, **REPORT_FIELDS)
    if stage in ("help",) or (outcome in ("help", "report_and_help") and stage == "closed"):
        plan = make_plan(cast, dossier, evaluations=[today(), today() + days(60)])
        followup_services.answer_evaluation(
            cast.actor("af"),
            plan.moments.order_by("due_on").first(),
            effective=True,
            explanation="De hulp loopt volgens afspraak.",
            answered_on=today(),
        )
    if stage == "closed":
        services.close_case(cast.actor("af"), dossier, reason="explained", explanation="Afgesloten na overleg.")
    dossier.refresh_from_db()
    return dossier
