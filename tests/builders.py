"""Builders: the one way to make "a dossier at step X" in tests (open-forms' traits).

Every builder calls the services (haven/*/services.py), so a dossier built here holds exactly the
rows and audit events a user's clicks would have made. `case(cast, stage="decision")` takes a new
dossier through the route up to a stage; the smaller builders below make one step each. Factories
(tests/factories.py) stay for what has no service (schools, users, pupils); the cast is in
tests/conftest.py.
"""

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from haven.external_signals import services as external_signal_services
from haven.external_signals.models import ReferralIndexEntry
from haven.followup import services as followup_services
from haven.followup.models import HelpPlan
from haven.handover import services as handover_services
from haven.handover.models import HandoverPackage
from haven.meldcode import advice as advice_services
from haven.meldcode import repeat, services
from haven.meldcode.models import AdviceRequest, Case, Conversation, PlannedConversation, Report
from haven.pupils.models import Pupil
from tests.factories import HouseholdMemberFactory, PupilFactory

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


# The report to Veilig Thuis (the dossier of tests/integration/test_report.py) ----------------

FACTS_1 = "Sanne had een blauwe plek op haar bovenarm."
FACTS_2 = "Sanne kwam huilend binnen en wilde niet naar huis."
CHILD_WORDS = '"Papa wordt snel boos."'
RISK = "Vader recent werkloos, schulden."
PROTECTIVE = "Oma woont dichtbij en is betrokken."


def report_dossier(cast: Any, outcome: str | None = "report") -> Case:
    """A dossier with two signals, a household, two consultations, a weighing and (optionally) a decision."""
    now = timezone.now()
    first = cast.signal("teacher", facts=FACTS_1, observed_at=now - timedelta(days=3))
    case = services.open_case(cast.actor("af"), first, lead=cast.af)
    cast.signal("teacher2", facts=FACTS_2, child_words=CHILD_WORDS, observed_at=now - timedelta(days=1), case=case)
    HouseholdMemberFactory(pupil=cast.pupil, name="Els de Vries", relation="mother")
    HouseholdMemberFactory(pupil=cast.pupil, name="Karel de Vries", relation="father", lives_with_pupil=False)
    af = cast.actor("af")
    services.record_consultation(
        af,
        case,
        held_on=timezone.localdate(),
        consulted="school_doctor",
        consulted_name="GGD Zonnedal",
        question="V",
        advice="A",
    )
    services.record_consultation(
        af,
        case,
        held_on=timezone.localdate(),
        consulted="veilig_thuis",
        consulted_name="Veilig Thuis regio",
        anonymous=True,
        question="V",
        advice="A",
    )
    services.record_weighing(
        af,
        case,
        suspicion=True,
        suspicion_explanation="Ja",
        unsafety=True,
        risk_factors=RISK,
        protective_factors=PROTECTIVE,
    )
    if outcome:
        services.decide(
            af,
            case,
            answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
            outcome=outcome,
            rationale="Structurele onveiligheid.",
            decided_by=cast.af,
            deviation_justification="" if outcome in ("report", "report_and_help") else "Ouders werken mee.",
        )
    return case


def report_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "reporter_name": "Anja Meijer",
        "reporter_function": "Aandachtsfunctionaris",
        "reporter_phone": "030 123 45 67",
        "reporter_email": "a.meijer@example.org",
        "school_name": "OBS De Regenboog",
        "school_address": "Regenbooglaan 12, 9901 RB Zonnedal",
        "pupil_address": "Lindelaan 3, 9901 ZD Zonnedal",
        "household_contacts": "Els de Vries (moeder): 06 1234 5678, Lindelaan 3, 9901 ZD Zonnedal",
        "conversation": "Gesprek met moeder op 1 december.",
        "relation_to_family": "School van Sanne; groepsleerkracht groep 5.",
        "direct_cause": FACTS_2,
        "facts": f"{FACTS_1}\n{FACTS_2}",
        "interpretation": "",
        "risk_factors": RISK,
        "protective_factors": PROTECTIVE,
        "household": "Sanne, moeder Els, vader Karel.",
        "help_contacts": "GGD Zonnedal",
        "police_contacts": "",
        "intervention_risks": "Vader kan boos worden op school.",
        "expectations": "Onderzoek naar de veiligheid thuis.",
        "parents_informed": "yes",
        "parents_informed_how": "Gesprek met moeder op school.",
        "not_informed_reason": "",
        "not_informed_explanation": "",
    }
    data.update(overrides)
    return data


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
    return external_signal_services.record_referral_index_without_case(actor, pupil=pupil, action=action, on=today())


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


# Shared with the authorization matrix and the encryption test ----------------------------------


def followup_objects(cast: Any) -> dict[str, Any]:
    """For the authorization matrix: a report made, in a dossier deciding to report and help, with a plan."""
    report = make_report(cast)
    plan = make_plan(cast, report.case)
    return {"made_report": report, "help_case": report.case, "evaluation": plan.moments.first()}


def fill_followup(cast: Any, text: Callable[[str], str]) -> None:
    """For the encryption test: every encrypted follow-up column gets `text(name)`, through the services."""
    af = cast.actor("af")
    report = make_report(cast)
    followup_services.record_feedback_agreement(
        af, report, feedback_agreed_on=today() + days(14), feedback_agreed_how=text("how")
    )
    followup_services.record_lead(
        af, report, lead="local_team", lead_contact_name=text("contact"), lead_contact_details=text("details")
    )
    followup_services.record_feedback(
        af,
        report,
        outcome="confirmed",
        feedback_received_on=today(),
        follow_up_started=text("started"),
        school_expectations=text("expectations"),
    )
    plan = make_plan(
        cast,
        report.case,
        description=text("help"),
        provided_by=text("provider"),
        parents_agreement=text("agreement"),
        evaluations=[today()],
    )
    followup_services.answer_evaluation(
        af, plan.moments.get(), effective=True, explanation=text("explanation"), answered_on=today()
    )


def fill_handover(cast: Any, text: Callable[[str], str]) -> None:
    """Give every encrypted column of haven.handover a value, written through the services: for
    tests/integration/test_encryption_at_rest.py, like `fill_followup`. A package from school A is
    held at school B, which has a pupil of the same name and date of birth."""
    pupil = PupilFactory(school=cast.school_a, first_name="Mila", last_name="Bos")
    signal = cast.signal("teacher", pupil=pupil, facts=text("handover facts"))
    case = services.open_case(cast.actor("af"), signal, lead=cast.af)
    package = handover_services.make_package(
        cast.actor("af"),
        case,
        parts=["signals"],
        receiving_school_brin=cast.school_b.brin_code,
        parents_informed=True,
        parents_informed_how=text("handover how"),
    )
    PupilFactory(school=cast.school_b, first_name="Mila", last_name="Bos", date_of_birth=pupil.date_of_birth)
    handover_services.receive_package(cast.actor("af_b"), json.dumps(handover_services.package_data(package)).encode())


def at(days: int, hour: int = 15, minute: int = 30) -> datetime:
    """A local moment `days` from today."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute)))


def fill_signalling(cast: Any, text: Callable[[str], str]) -> PlannedConversation:
    """Give the encrypted column of the planned conversations a value, written through the services: for
    tests/integration/test_encryption_at_rest.py, like `fill_followup`."""
    case = Case.objects.filter(school=cast.school_a, status=Case.Status.OPEN).first()
    if case is None:
        case = cast.case(author="teacher", by="af", pupil=PupilFactory(school=cast.school_a))
    return services.plan_conversation(
        cast.actor("af"), case, planned_at=at(1), participants=["mother"], location=text("where planned")
    )


# The dossiers of the PDF exports, the report's contacts and the handover -----------------------

CORRECTED = "Kwam maandag, woensdag en vrijdag zonder ontbijt en zonder jas naar school."
INTERPRETATION = "Ik vermoed dat er thuis weinig toezicht is."
LONG = " ".join(["Sanne zat de hele ochtend stil in de hoek en wilde niet naar buiten tijdens de pauze."] * 12)


def documents_dossier(cast: Any) -> tuple[Case, Conversation]:
    """A dossier with a record of every kind, long enough to run over several pages."""
    af = cast.actor("af")
    # Observed at today's first minute, not "two hours ago": at night that is yesterday, beside the
    # conversation held yesterday, and the chronology's order would depend on the hour of the run.
    first_minute = timezone.make_aware(datetime.combine(today(), time.min))
    signal = cast.signal("teacher", observed_at=first_minute)
    case = services.open_case(af, signal, lead=cast.af)
    services.amend_signal(
        cast.actor("teacher"), signal, reason="Dagen precies genoemd.", facts=CORRECTED, interpretation=INTERPRETATION
    )
    cast.signal("teacher", case=case, facts=LONG, observed_at=timezone.now() - timedelta(days=3))
    services.record_consultation(
        af,
        case,
        held_on=today() - timedelta(days=2),
        consulted="veilig_thuis",
        anonymous=True,
        question="Hoe wegen wij dit?",
        advice="Ga eerst het gesprek aan met moeder.",
    )
    conversation = services.record_conversation(
        af,
        case,
        held_on=today() - timedelta(days=1),
        participants=["mother", "pupil"],
        location="Kamer van de IB",
        shared="De zorgen over ontbijt en kleding.",
        reaction="Moeder vertelt dat het thuis druk is sinds de verhuizing.",
        agreements="Over twee weken opnieuw in gesprek.",
        acknowledgement="seen",
    )
    services.record_weighing(
        af, case, suspicion=True, suspicion_explanation="Herhaald patroon.", unsafety=True, unsafety_explanation="Ja."
    )
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Structurele verwaarlozing.",
        decided_by=cast.af,
    )
    report = services.save_report(
        af,
        case,
        relation_to_family="School van de leerling.",
        direct_cause="Opnieuw zonder jas in de kou.",
        facts=CORRECTED,
        interpretation=INTERPRETATION,
        household="Moeder, Sanne en Daan.",
        expectations="Onderzoek naar de thuissituatie.",
        parents_informed=True,
        parents_informed_how="In een gesprek met moeder.",
    )
    services.mark_report_made(af, report, made_on=today(), made_by=cast.af, vt_reference="VT-2027-118")
    return case, conversation


SHARED = "De blauwe plekken en dat Sanne niet naar huis wil."
REACTION = "Moeder schrikt en zegt dat vader veel drinkt."


def _to_report(cast: Any, case: Case, *, conversation: bool = True) -> Case:
    af = cast.actor("af")
    if conversation:
        services.record_conversation(
            af,
            case,
            held_on=today() - timedelta(days=2),
            participants=["mother"],
            location="Kamer van de IB",
            shared=SHARED,
            reaction=REACTION,
            agreements="Over een week opnieuw.",
            acknowledgement="seen",
        )
    else:
        services.skip_conversation(af, case, reason="child_safety", explanation="Vader dreigde de school.")
    services.record_weighing(af, case, suspicion=True, suspicion_explanation="Ja", unsafety=True)
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Structurele onveiligheid.",
        decided_by=cast.af,
    )
    return case


FACT = "Komt voor de derde keer deze week zonder ontbijt en zonder jas naar school."


def full_case(cast: Any) -> Case:
    """A dossier through the whole route up to a report made: what a handover package can hold."""
    af = cast.actor("af")
    case = cast.case()
    services.amend_signal(
        cast.actor("teacher"),
        case.signals.get(),
        reason="Preciezer.",
        facts=FACT,
        interpretation="Ik denk dat er thuis weinig toezicht is.",
    )
    services.record_consultation(
        af, case, held_on=today(), consulted="veilig_thuis", anonymous=True, question="Vraag?", advice="Advies."
    )
    services.record_conversation(
        af,
        case,
        held_on=today(),
        participants=["mother", "pupil"],
        shared="Zorgen gedeeld.",
        reaction="Moeder herkent het.",
        acknowledgement="agreed",
    )
    services.record_weighing(af, case, suspicion=True, suspicion_explanation="Patroon.", unsafety=False)
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": False, "can_help": False, "accepted": None, "effective": None},
        outcome="report",
        rationale="Hulp lukt niet.",
        decided_by=cast.af,
    )
    report = services.save_report(
        af,
        case,
        relation_to_family="School.",
        direct_cause="Weer zonder jas.",
        facts=FACT,
        household="Moeder en Sanne.",
        expectations="Onderzoek.",
        parents_informed=False,
        not_informed_reason="child_safety",
    )
    services.mark_report_made(af, report, made_on=today(), made_by=cast.af, vt_reference="VT-9")
    return case


def _make_package(cast: Any, case: Case, parts: list[str], **extra: Any) -> HandoverPackage:
    data = {"parts": parts, "receiving_school": "CBS Het Kompas", "receiving_school_brin": "34CD"}
    data["parents_informed"] = "yes"
    data.update({"parents_informed_how": "In een gesprek met moeder op school."}, **extra)
    response = cast.client("af").post(reverse("handover:package_create", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return HandoverPackage.objects.get(case=case)


# Repeated care: dossiers dated back ------------------------------------------------------------


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return repeat.window_start(today, years) + timedelta(days=days)


def dossier(
    cast: Any, pupil: Pupil, opened_on: date, *, reported: bool = False, close: bool = True, author: str = "teacher2"
) -> Case:
    """A dossier opened on `opened_on`, made through the services (then dated back), closed by default."""
    af = cast.actor("af")
    case = cast.case(author=author, by="af", pupil=pupil)
    if reported:
        services.decide(af, case, answers=REPORT, outcome="report", rationale="Onveilig.", decided_by=cast.af)
        report = services.save_report(
            af,
            case,
            relation_to_family="School",
            direct_cause="Oorzaak",
            facts="Feiten",
            household="Gezin",
            expectations="Onderzoek",
            parents_informed=True,
            parents_informed_how="Gesprek",
        )
        services.mark_report_made(af, report, made_on=timezone.localdate(), made_by=cast.af)
    if close:
        services.close_case(af, case, reason="too_vague", explanation="Vaag.")
    opened_at = timezone.make_aware(datetime.combine(opened_on, time(10, 0)))
    Case.objects.filter(pk=case.pk).update(opened_at=opened_at)
    case.refresh_from_db()
    return case


def school_account_provider(school: Any, *, issuer: str = "https://login.example.org/tenant") -> Any:
    """A school's OpenID Connect provider whose discovery document Haven already holds (no network needed):
    for pages that show or start the sign-in with it. tests/integration/test_sso.py uses a real provider."""
    from django.core.cache import cache

    from haven.accounts import sso

    provider = sso.save_provider(
        slug="schoolaccount",
        name="Schoolaccount",
        issuer=issuer,
        client_id="haven",
        secret_env="HAVEN_TEST_SSO_SECRET",
        schools=[school],
    )
    cache.set(
        sso.discovery_cache_key(issuer),
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/end-session",
        },
        3600,
    )
    return provider
