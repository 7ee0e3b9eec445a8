"""The only code that writes route data.

One verb per thing a person does. Each validates, writes in one transaction and records one
audit event in that same transaction, so the dossier's timeline and the audit log can never
disagree with the data. Bad input raises ValidationError with a Dutch message and writes nothing.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor, can_amend_signal, can_view_case
from haven.access.roles import Role
from haven.accounts.models import Membership, User
from haven.audit.services import record_event
from haven.infrastructure import concurrency
from haven.meldcode import decision_framework, queries, repeat
from haven.meldcode.audit_actions import MeldcodeAction
from haven.meldcode.models import (
    Case,
    CaseMember,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    PlannedConversation,
    Report,
    Signal,
    SignalAmendment,
    StepSkip,
    Weighing,
)
from haven.meldcode.workflow import DecisionOutcome, Step, route_state
from haven.organisations.models import School
from haven.pupils.dates import check_date
from haven.pupils.models import Pupil

# Clocks of phones and laptops drift; an observation a few minutes "ahead" is not in the future.
CLOCK_SKEW = timedelta(minutes=5)
REPORT_OUTCOMES = (DecisionOutcome.REPORT, DecisionOutcome.REPORT_AND_HELP)


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This dossier is closed. Reopen it first."))


def _require_same_school(actor: Actor, *objects: Any) -> None:
    for obj in objects:
        if obj.school_id != actor.school_id:
            raise ValidationError(_("This pupil is not a pupil of your school."))


def _role_of(user: User, school_id: int) -> Role | None:
    membership = Membership.objects.filter(user=user, school_id=school_id).first()
    return Role(membership.role) if membership else None


def _add_member(case: Case, user: User, actor: Actor) -> None:
    CaseMember.objects.get_or_create(case=case, user=user, defaults={"added_by_id": actor.user_id})


# Step 1: the logbook -------------------------------------------------------------------------


@transaction.atomic
def log_signal(
    actor: Actor,
    *,
    pupil: Pupil,
    observed_at: datetime,
    source: str,
    categories: list[str],
    facts: str,
    child_words: str = "",
    interpretation: str = "",
    context: str = "",
    contradicting_info: str = "",
    other_pupils: list[Pupil] | tuple[Pupil, ...] = (),
    case: Case | None = None,
    date_confirmed: bool = False,
    look_along: bool = False,
) -> Signal:
    """Log a signal; with `look_along`, ask the IB/AF to look along in the same transaction
    (request_look_along, with its own audit event), so logging and asking is one submit."""
    require_permission(actor, "signal.create")
    _require_same_school(actor, pupil, *other_pupils)
    signal = _create_signal(
        actor,
        school_id=actor.member_school_id,
        author_id=actor.user_id,
        pupil=pupil,
        observed_at=observed_at,
        source=source,
        categories=categories,
        facts=facts,
        child_words=child_words,
        interpretation=interpretation,
        context=context,
        contradicting_info=contradicting_info,
        other_pupils=other_pupils,
        case=case,
        date_confirmed=date_confirmed,
    )
    if look_along:
        request_look_along(actor, signal)
    return signal


def log_signal_from_outside(
    *,
    pupil: Pupil,
    author: User,
    observed_at: datetime,
    source: str,
    categories: list[str],
    facts: str,
    via: dict[str, Any],
) -> Signal:
    """A system action: a signal that reaches the school from outside through Haven's API (a Handle
    with Care notice), with no person of the school acting. `author` is the sender's own account
    (never a member of a school, never able to sign in); `via` names the sender in the audit event
    (the API key's id, never the key). The caller checked that the sender may send for this school."""
    return _create_signal(
        None,
        school_id=pupil.school_id,
        author_id=author.pk,
        pupil=pupil,
        observed_at=observed_at,
        source=source,
        categories=categories,
        facts=facts,
        via=via,
    )


def _create_signal(
    actor: Actor | None,
    *,
    school_id: int,
    author_id: int,
    pupil: Pupil,
    observed_at: datetime,
    source: str,
    categories: list[str],
    facts: str,
    child_words: str = "",
    interpretation: str = "",
    context: str = "",
    contradicting_info: str = "",
    other_pupils: list[Pupil] | tuple[Pupil, ...] = (),
    case: Case | None = None,
    date_confirmed: bool = False,
    via: dict[str, Any] | None = None,
) -> Signal:
    if not facts.strip():
        raise ValidationError({"facts": _("Describe what you saw or heard: the facts are required.")})
    if observed_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"observed_at": _("The moment of observation cannot be in the future.")})
    check_date(
        timezone.localtime(observed_at).date(),
        "observed_at",
        born_on=pupil.date_of_birth,
        confirmed=date_confirmed,
        future_allowed=True,  # checked above, with the clock skew
    )
    if not categories:
        raise ValidationError({"categories": _("Choose at least one category, or 'gut feeling'.")})
    if case is not None:
        _require_open(case)
        if case.pupil_id != pupil.pk:
            raise ValidationError(_("This signal is about another pupil than the dossier."))
    signal = Signal.objects.create(
        school_id=school_id,
        pupil=pupil,
        author_id=author_id,
        observed_at=observed_at,
        source=source,
        categories=list(categories),
        facts=facts.strip(),
        child_words=child_words.strip(),
        interpretation=interpretation.strip(),
        context=context.strip(),
        contradicting_info=contradicting_info.strip(),
        status=Signal.Status.IN_CASE if case else Signal.Status.NEW,
        case=case,
    )
    signal.other_pupils.set([p for p in other_pupils if p.pk != pupil.pk])
    record_event(
        actor,
        MeldcodeAction.SIGNAL_LOG,
        obj=signal,
        case=case,
        pupil=pupil,
        school_id=school_id,
        detail={"source": source, "categories": categories, **(via or {})},
    )
    return signal


@transaction.atomic
def amend_signal(actor: Actor, signal: Signal, *, reason: str, **texts: str) -> SignalAmendment:
    if not can_amend_signal(actor, signal.school_id, signal.author_id):
        raise PermissionDenied(_("Only the author or the IB, AF or school leader can correct a signal."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if not texts.get("facts", "").strip():
        raise ValidationError({"facts": _("Describe what you saw or heard: the facts are required.")})
    values = {name: texts.get(name, "").strip() for name in Signal.TEXT_FIELDS}
    if values == current_text(signal):
        raise ValidationError(_("Nothing was changed."))
    amendment = SignalAmendment.objects.create(signal=signal, author_id=actor.user_id, reason=reason.strip(), **values)
    record_event(actor, MeldcodeAction.SIGNAL_AMEND, obj=signal, case=signal.case, pupil=signal.pupil_id)
    return amendment


def current_text(signal: Signal) -> dict[str, str]:
    """The logbook entry as it reads now: the latest amendment, or the original."""
    return signal.text_with(list(signal.amendments.all()))


@transaction.atomic
def request_look_along(actor: Actor, signal: Signal) -> LookAlongRequest:
    require_permission(actor, "signal.request_look_along")
    existing = signal.look_along_requests.filter(picked_up_at__isnull=True).first()
    if existing:
        return existing
    request = LookAlongRequest.objects.create(school_id=signal.school_id, signal=signal, requested_by_id=actor.user_id)
    record_event(actor, MeldcodeAction.SIGNAL_REQUEST_LOOK_ALONG, obj=request, case=signal.case, pupil=signal.pupil_id)
    return request


@transaction.atomic
def pick_up_look_along(actor: Actor, request: LookAlongRequest) -> LookAlongRequest:
    require_permission(actor, "look_along.pick_up")
    if request.picked_up_at is None:
        request.picked_up_by_id = actor.user_id
        request.picked_up_at = timezone.now()
        request.save(update_fields=["picked_up_by", "picked_up_at"])
        record_event(actor, MeldcodeAction.SIGNAL_PICK_UP_LOOK_ALONG, obj=request, pupil=request.signal.pupil_id)
    return request


def _require_new(signal: Signal) -> None:
    if signal.status != Signal.Status.NEW:
        raise ValidationError(_("This signal has already been handled."))


@transaction.atomic
def open_case(actor: Actor, signal: Signal, *, lead: User) -> Case:
    require_permission(actor, "signal.triage")
    _require_new(signal)
    if Case.objects.filter(pupil_id=signal.pupil_id, status=Case.Status.OPEN).exists():
        raise ValidationError(_("This pupil already has an open dossier: attach the signal to it."))
    if _role_of(lead, actor.member_school_id) not in (
        Role.CARE_COORDINATOR,
        Role.SAFEGUARDING_LEAD,
        Role.SCHOOL_LEADER,
    ):
        raise ValidationError({"lead": _("The case lead must be the IB, the AF or the school leader.")})
    case = Case.objects.create(
        school_id=actor.member_school_id, pupil_id=signal.pupil_id, lead=lead, opened_by_id=actor.user_id
    )
    for user_id in {actor.user_id, lead.pk, signal.author_id}:
        CaseMember.objects.create(case=case, user_id=user_id, added_by_id=actor.user_id)
    _file_signal(actor, signal, case)
    record_event(actor, MeldcodeAction.CASE_OPEN, obj=case, case=case, detail={"lead": str(lead)})
    return case


def _file_signal(actor: Actor, signal: Signal, case: Case) -> None:
    signal.case = case
    signal.status = Signal.Status.IN_CASE
    signal.triaged_by_id = actor.user_id
    signal.triaged_at = timezone.now()
    signal.save(update_fields=["case", "status", "triaged_by", "triaged_at"])
    # The author keeps sight of what happens with their concern.
    _add_member(case, signal.author, actor)


@transaction.atomic
def attach_signal(actor: Actor, signal: Signal, case: Case) -> None:
    require_permission(actor, "signal.triage")
    _require_new(signal)
    _require_open(case)
    if case.pupil_id != signal.pupil_id or case.school_id != actor.school_id:
        raise ValidationError(_("This signal is about another pupil than the dossier."))
    _file_signal(actor, signal, case)
    record_event(actor, MeldcodeAction.SIGNAL_ATTACH, obj=signal, case=case)


@transaction.atomic
def note_signal(actor: Actor, signal: Signal, *, reason: str) -> None:
    require_permission(actor, "signal.triage")
    _require_new(signal)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason why no dossier is needed.")})
    signal.status = Signal.Status.NOTED
    signal.noted_reason = reason.strip()
    signal.triaged_by_id = actor.user_id
    signal.triaged_at = timezone.now()
    signal.save(update_fields=["status", "noted_reason", "triaged_by", "triaged_at"])
    record_event(actor, MeldcodeAction.SIGNAL_NOTE, obj=signal, pupil=signal.pupil_id)


# Steps 2-3 --------------------------------------------------------------------------------------


@transaction.atomic
def record_consultation(
    actor: Actor, case: Case, *, held_on: date, consulted: str, date_confirmed: bool = False, **fields: Any
) -> Consultation:
    require_permission(actor, "case.record")
    _require_open(case)
    check_date(held_on, "held_on", born_on=case.pupil.date_of_birth, confirmed=date_confirmed)
    if consulted != Consultation.Consulted.VEILIG_THUIS:
        fields["anonymous"] = False
    consultation = Consultation.objects.create(
        case=case, recorded_by_id=actor.user_id, held_on=held_on, consulted=consulted, **fields
    )
    record_event(
        actor,
        MeldcodeAction.CASE_CONSULTATION,
        obj=consultation,
        case=case,
        detail={"consulted": consulted, "anonymous": consultation.anonymous},
    )
    return consultation


@transaction.atomic
def record_conversation(
    actor: Actor,
    case: Case,
    *,
    held_on: date,
    participants: list[str],
    date_confirmed: bool = False,
    **fields: Any,
) -> Conversation:
    require_permission(actor, "case.record")
    _require_open(case)
    check_date(held_on, "held_on", born_on=case.pupil.date_of_birth, confirmed=date_confirmed)
    if not participants:
        raise ValidationError({"participants": _("Say with whom the conversation was held.")})
    conversation = Conversation.objects.create(
        case=case, recorded_by_id=actor.user_id, held_on=held_on, participants=participants, **fields
    )
    record_event(
        actor, MeldcodeAction.CASE_CONVERSATION, obj=conversation, case=case, detail={"participants": participants}
    )
    return conversation


@transaction.atomic
def skip_conversation(actor: Actor, case: Case, *, reason: str, explanation: str) -> StepSkip:
    require_permission(actor, "case.record")
    _require_open(case)
    if reason == StepSkip.Reason.ACUTE or reason not in StepSkip.Reason.values:
        raise ValidationError({"reason": _("Choose one of the lawful reasons to skip the conversation.")})
    if not explanation.strip():
        raise ValidationError({"explanation": _("Explain why the conversation would not be safe or wise.")})
    if case.stepskips.filter(step=Step.CONVERSATION).exists():
        raise ValidationError(_("Skipping the conversation has already been recorded."))
    skip = StepSkip.objects.create(
        case=case, recorded_by_id=actor.user_id, step=Step.CONVERSATION, reason=reason, explanation=explanation.strip()
    )
    record_event(actor, MeldcodeAction.CASE_SKIP_CONVERSATION, obj=skip, case=case, detail={"reason": reason})
    return skip


# Steps 4-5 --------------------------------------------------------------------------------------


@transaction.atomic
def record_weighing(
    actor: Actor,
    case: Case,
    *,
    suspicion: bool,
    suspicion_explanation: str,
    unsafety: bool | None,
    unsafety_explanation: str = "",
    **fields: Any,
) -> Weighing:
    require_permission(actor, "case.weigh")
    _require_open(case)
    if not suspicion_explanation.strip():
        raise ValidationError({"suspicion_explanation": _("Explain your answer to question 1.")})
    if suspicion and unsafety is None:
        raise ValidationError({"unsafety": _("Answer question 2: is there acute or structural unsafety?")})
    for name in ("safety_score_parents", "safety_score_pupil"):
        score = fields.get(name)
        if score is not None and not 1 <= score <= 10:
            raise ValidationError({name: _("A safety score is a number from 1 to 10.")})
    weighing = Weighing.objects.create(
        case=case,
        recorded_by_id=actor.user_id,
        suspicion=suspicion,
        suspicion_explanation=suspicion_explanation.strip(),
        unsafety=unsafety if suspicion else None,
        unsafety_explanation=unsafety_explanation.strip(),
        **fields,
    )
    record_event(
        actor,
        MeldcodeAction.CASE_WEIGHING,
        obj=weighing,
        case=case,
        detail={"suspicion": suspicion, "unsafety": weighing.unsafety},
    )
    return weighing


@transaction.atomic
def declare_acute(actor: Actor, case: Case, *, explanation: str) -> list[StepSkip]:
    """Straight to the decision: every step not yet taken is recorded as skipped, with why."""
    require_permission(actor, "case.decide")
    _require_open(case)
    if not explanation.strip():
        raise ValidationError({"explanation": _("Describe the acute danger.")})
    done = {
        Step.CONSULTATION: case.consultations.exists(),
        Step.CONVERSATION: case.conversations.exists(),
        Step.WEIGHING: case.weighings.exists(),
    }
    already_skipped = set(case.stepskips.values_list("step", flat=True))
    skips = [
        StepSkip.objects.create(
            case=case,
            recorded_by_id=actor.user_id,
            step=step,
            reason=StepSkip.Reason.ACUTE,
            explanation=explanation.strip(),
        )
        for step, is_done in done.items()
        if not is_done and step not in already_skipped
    ]
    case.acute = True
    case.save(update_fields=["acute"])
    record_event(
        actor, MeldcodeAction.CASE_ACUTE, obj=case, case=case, detail={"skipped_steps": [s.step for s in skips]}
    )
    return skips


@transaction.atomic
def decide(
    actor: Actor,
    case: Case,
    *,
    answers: dict[str, bool | None],
    outcome: str,
    rationale: str,
    decided_by: User,
    decided_at: datetime | None = None,
    deviation_justification: str = "",
    date_confirmed: bool = False,
) -> Decision:
    require_permission(actor, "case.decide")
    _require_open(case)
    decider_role = _role_of(decided_by, case.school_id)
    if decider_role is None or decider_role not in actor.decision_roles:
        raise ValidationError(
            {
                "decided_by": _("%(name)s may not decide about a report under the school's protocol.")
                % {"name": decided_by}
            }
        )
    if outcome not in DecisionOutcome.__members__.values():
        raise ValidationError({"outcome": _("Choose a decision.")})
    if not rationale.strip():
        raise ValidationError({"rationale": _("Give the rationale for the decision.")})
    decided_at = decided_at or timezone.now()
    if decided_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"decided_at": _("The date cannot be in the future.")})
    check_date(
        timezone.localtime(decided_at).date(),
        "decided_at",
        born_on=case.pupil.date_of_birth,
        confirmed=date_confirmed,
        future_allowed=True,  # checked above, with the clock skew
    )
    advice = decision_framework.evaluate(**answers)
    if not follows_advice(advice.outcome, outcome) and not deviation_justification.strip():
        raise ValidationError(
            {"deviation_justification": _("Your decision differs from the framework's advice: explain why.")}
        )
    decision = Decision.objects.create(
        case=case,
        recorded_by_id=actor.user_id,
        advice=advice.outcome,
        outcome=outcome,
        rationale=rationale.strip(),
        deviation_justification=deviation_justification.strip(),
        decided_at=decided_at,
        **answers,
    )
    # Whoever decided has a need to know from now on.
    _add_member(case, decided_by, actor)
    record_event(
        actor,
        MeldcodeAction.CASE_DECISION,
        obj=decision,
        case=case,
        detail={"outcome": outcome, "advice": advice.outcome, "decided_by": str(decided_by)},
    )
    return decision


def follows_advice(advice: str, outcome: str) -> bool:
    """Does a decision follow the framework's advice? Reporting and helping both is never less than advised."""
    if advice == "pending":
        return False
    if advice == "report":
        return outcome in REPORT_OUTCOMES
    if advice == "help":
        return outcome in (DecisionOutcome.HELP, DecisionOutcome.REPORT_AND_HELP)
    return advice == "close" and outcome == DecisionOutcome.CLOSE


# The report to Veilig Thuis ---------------------------------------------------------------------


def _latest_decision(case: Case) -> Decision | None:
    return case.decisions.order_by("recorded_at", "pk").last()


@transaction.atomic
def save_report(actor: Actor, case: Case, *, seen_version: int | None = None, **fields: Any) -> Report:
    """Create or update the draft report; a report already made is not changed.

    `seen_version`: the draft's version the user's form showed (0: there was no draft yet); a save
    over a newer draft is refused with `EditConflict` (haven.infrastructure.concurrency).
    """
    require_permission(actor, "case.report")
    _require_open(case)
    # Two first saves must not make two drafts: serialise the case's report saves.
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    decision = _latest_decision(case)
    if decision is None or not decision.reports:
        raise ValidationError(_("First record the decision to report to Veilig Thuis."))
    made = case.reports.filter(made_on__isnull=False).order_by("recorded_at", "pk").last()
    if made is not None and made.recorded_at >= decision.recorded_at:
        # A report made stays as it was sent; reporting again starts with a new decision.
        raise ValidationError(_("This report has already been made and can no longer be changed."))
    if fields.get("parents_informed") is True and not fields.get("parents_informed_how", "").strip():
        raise ValidationError({"parents_informed_how": _("Say how the parents were informed.")})
    if fields.get("parents_informed") is False and not fields.get("not_informed_reason"):
        raise ValidationError(
            {"not_informed_reason": _("Reporting is open unless: give the reason the parents were not informed.")}
        )
    report = case.reports.filter(made_on__isnull=True).last()
    concurrency.refuse_if_created(report, seen_version)
    if report is None:
        report = Report(case=case, recorded_by_id=actor.user_id)
    else:
        report.version = concurrency.claim(Report, report.pk, seen_version)
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    report.save()
    record_event(actor, MeldcodeAction.CASE_REPORT_DRAFT, obj=report, case=case)
    return report


@transaction.atomic
def mark_report_made(
    actor: Actor,
    report: Report,
    *,
    made_on: date,
    made_by: User,
    vt_reference: str = "",
    date_confirmed: bool = False,
) -> Report:
    require_permission(actor, "case.report")
    case = report.case
    _require_open(case)
    if report.is_made:
        raise ValidationError(_("This report has already been recorded as made."))
    check_date(made_on, "made_on", born_on=case.pupil.date_of_birth, confirmed=date_confirmed)
    role = _role_of(made_by, case.school_id)
    if role is None or role not in actor.report_roles:
        raise ValidationError(
            {"made_by": _("%(name)s may not make a report under the school's protocol.") % {"name": made_by}}
        )
    report.made_on = made_on
    report.made_by = made_by
    report.vt_reference = vt_reference.strip()
    report.save(update_fields=["made_on", "made_by", "vt_reference", "updated_at"])
    record_event(actor, MeldcodeAction.CASE_REPORT_MADE, obj=report, case=case, detail={"made_by": str(made_by)})
    return report


# Closing and membership -------------------------------------------------------------------------


@transaction.atomic
def close_case(actor: Actor, case: Case, *, reason: str, explanation: str) -> Closure:
    require_permission(actor, "case.close")
    _require_open(case)
    if reason == Closure.Reason.NOT_RECORDED:
        # "Nobody recorded why" is a figure of its own in the monitoring: a person always says why.
        raise ValidationError(
            {
                "reason": _(
                    "Choose why the dossier is closed: 'nobody recorded why' is only for dossiers Haven closes itself."
                )
            }
        )
    if reason not in Closure.Reason.values:
        raise ValidationError({"reason": _("Choose a reason for closing.")})
    if not explanation.strip():
        raise ValidationError({"explanation": _("Explain why the dossier is closed.")})
    return _close(actor, case, reason=reason, explanation=explanation.strip())


@transaction.atomic
def close_case_unrecorded(case: Case, *, step: int | None = None) -> Closure:
    """Haven closes a dossier itself (the "pupil left" path, retention): a system action, so no
    person, no permission and no explanation; the reason says that nobody recorded why.

    `step`: the step the route had reached, when the caller knows it better than the records do;
    by default the current step as the dossier page shows it.
    """
    if step is not None and step not in Step.__members__.values():
        raise ValueError(f"step_at_closing must be a step of the route (1-5), not {step!r}")
    _require_open(case)
    return _close(None, case, reason=Closure.Reason.NOT_RECORDED, explanation="", step=step)


def _close(actor: Actor | None, case: Case, *, reason: str, explanation: str, step: int | None = None) -> Closure:
    # Locked and checked again: a person and Haven's own path closing at once make one closure.
    if not Case.objects.select_for_update().filter(pk=case.pk, status=Case.Status.OPEN).exists():
        raise ValidationError(_("This dossier is closed. Reopen it first."))
    if step is None:
        # Where the route stood at this moment: the monitoring counts where routes stop.
        step = int(route_state(queries.facts_for(case)).current_step)
    closure = Closure.objects.create(
        case=case,
        recorded_by_id=actor.user_id if actor is not None else None,
        reason=reason,
        explanation=explanation,
        step_at_closing=step,
    )
    case.status = Case.Status.CLOSED
    case.save(update_fields=["status"])
    record_event(
        actor,
        MeldcodeAction.CASE_CLOSE,
        obj=closure,
        case=case,
        school_id=case.school_id,
        detail={"reason": reason, "step": step},
    )
    return closure


@transaction.atomic
def reopen_case(actor: Actor, case: Case, *, reason: str) -> Case:
    require_permission(actor, "case.close")
    if case.is_open:
        raise ValidationError(_("This dossier is already open."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    if Case.objects.filter(pupil_id=case.pupil_id, status=Case.Status.OPEN).exists():
        raise ValidationError(_("This pupil already has an open dossier."))
    closure = case.closures.order_by("recorded_at", "pk").last()
    if closure is not None:
        closure.reopened_by_id = actor.user_id
        closure.reopened_at = timezone.now()
        closure.reopen_reason = reason.strip()
        closure.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    case.status = Case.Status.OPEN
    case.save(update_fields=["status"])
    record_event(actor, MeldcodeAction.CASE_REOPEN, obj=case, case=case)
    return case


def _require_school_staff(user: User, case: Case) -> Role:
    role = _role_of(user, case.school_id)
    if role is None or role == Role.FUNCTIONAL_ADMIN:
        raise ValidationError({"user": _("Only staff of this school can be members of the dossier.")})
    return role


@transaction.atomic
def add_case_member(actor: Actor, case: Case, user: User) -> None:
    require_permission(actor, "case.manage_members")
    _require_school_staff(user, case)
    if case.memberships.filter(user=user).exists():
        raise ValidationError({"user": _("%(name)s is already a member.") % {"name": user}})
    CaseMember.objects.create(case=case, user=user, added_by_id=actor.user_id)
    record_event(actor, MeldcodeAction.CASE_ADD_MEMBER, obj=case, case=case, detail={"member": str(user)})


@transaction.atomic
def remove_case_member(actor: Actor, case: Case, user: User) -> None:
    require_permission(actor, "case.manage_members")
    if user.pk == case.lead_id:
        raise ValidationError(_("The case lead cannot be removed; choose another case lead first."))
    deleted, _unused = case.memberships.filter(user=user).delete()
    if deleted:
        record_event(actor, MeldcodeAction.CASE_REMOVE_MEMBER, obj=case, case=case, detail={"member": str(user)})


@transaction.atomic
def change_lead(actor: Actor, case: Case, lead: User) -> None:
    require_permission(actor, "case.manage_members")
    if _require_school_staff(lead, case) not in (Role.CARE_COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER):
        raise ValidationError({"user": _("The case lead must be the IB, the AF or the school leader.")})
    case.lead = lead
    case.save(update_fields=["lead"])
    _add_member(case, lead, actor)
    record_event(actor, MeldcodeAction.CASE_CHANGE_LEAD, obj=case, case=case, detail={"lead": str(lead)})


# Retention --------------------------------------------------------------------------------------


def latest_closing_date(case: Case) -> date | None:
    """The local date of the closure that closed the dossier as it is now; None while it is open."""
    if case.is_open:
        return None
    closures = sorted(case.closures.all(), key=lambda closure: (closure.recorded_at, closure.pk))
    if not closures or closures[-1].reopened_at is not None:
        return None
    return timezone.localdate(closures[-1].recorded_at)


def cases_past_retention(*, school_id: int, years: int, today: date) -> list[Case]:
    """The school's closed dossiers whose latest closing is more than `years` before `today`."""
    from django.db.models import Max

    from haven.meldcode import retention

    # The database narrows the candidates generously; the pure rule decides, to the day.
    margin = retention.add_years(today, -years) + timedelta(days=2)
    bound = timezone.make_aware(datetime.combine(margin, datetime.min.time()))
    candidates = (
        Case.objects.filter(school_id=school_id, status=Case.Status.CLOSED)
        .annotate(last_closed_at=Max("closures__recorded_at"))
        .filter(last_closed_at__lt=bound)
        .prefetch_related("closures")
        .order_by("pk")
    )
    return [
        case
        for case in candidates
        if retention.is_past_term(is_open=case.is_open, closed_on=latest_closing_date(case), years=years, today=today)
    ]


@transaction.atomic
def destroy_case(case: Case, *, reason: str) -> dict[str, int]:
    """Destroy a closed dossier and everything recorded in it. A system action: no person acts.

    What stays is the audit log: its events keep pointing at the dossier's number, and one
    `case.destroy` event, written before the rows go, says why, since when the dossier was
    closed and how many records went, never what they said. An open dossier is refused, also
    when it changed since it was selected (the row is locked while it is destroyed).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    closed_on = latest_closing_date(case)
    if closed_on is None:
        raise ValidationError(_("An open dossier is never destroyed."))
    if not reason.strip():
        raise ValidationError(_("Give the reason the dossier is destroyed."))
    links = Signal.other_pupils.through.objects.filter(signal__case=case)
    doomed: list[tuple[str, Any]] = [
        ("look_along_requests", LookAlongRequest.objects.filter(signal__case=case)),
        ("signal_amendments", SignalAmendment.objects.filter(signal__case=case)),
        ("other_pupil_links", links),
        ("signals", Signal.objects.filter(case=case)),
        ("consultations", Consultation.objects.filter(case=case)),
        ("conversations", Conversation.objects.filter(case=case)),
        ("step_skips", StepSkip.objects.filter(case=case)),
        ("weighings", Weighing.objects.filter(case=case)),
        ("decisions", Decision.objects.filter(case=case)),
        ("reports", Report.objects.filter(case=case)),
        ("closures", Closure.objects.filter(case=case)),
        ("members", CaseMember.objects.filter(case=case)),
    ]
    counts = {name: rows.count() for name, rows in doomed}
    record_event(
        None,
        MeldcodeAction.CASE_DESTROY,
        obj=case,
        case=case,
        school_id=case.school_id,
        detail={"reason": reason.strip(), "closed_on": closed_on.isoformat(), "destroyed": counts},
    )
    for _name, rows in doomed:
        rows.delete()
    case.delete()
    return counts


# The protocol's repeat rule -------------------------------------------------------------------------


@transaction.atomic
def set_repeat_rule(
    actor: Actor, school: School, *, repeat_threshold: int | None = None, repeat_years: int | None = None
) -> School:
    """How many dossiers within how many years make repeated care; None keeps the current value."""
    require_permission(actor, "protocol.manage")
    if school.pk != actor.school_id:
        raise PermissionDenied
    if repeat_threshold is not None and not repeat.MIN_THRESHOLD <= repeat_threshold <= repeat.MAX_THRESHOLD:
        raise ValidationError(
            {
                "repeat_threshold": _("Choose from %(min)s to %(max)s dossiers.")
                % {"min": repeat.MIN_THRESHOLD, "max": repeat.MAX_THRESHOLD}
            }
        )
    if repeat_years is not None and not repeat.MIN_YEARS <= repeat_years <= repeat.MAX_YEARS:
        raise ValidationError(
            {
                "repeat_years": _("Choose from %(min)s to %(max)s years.")
                % {"min": repeat.MIN_YEARS, "max": repeat.MAX_YEARS}
            }
        )
    threshold = school.repeat_threshold if repeat_threshold is None else repeat_threshold
    years = school.repeat_years if repeat_years is None else repeat_years
    if (threshold, years) != (school.repeat_threshold, school.repeat_years):
        school.repeat_threshold, school.repeat_years = threshold, years
        school.save(update_fields=["repeat_threshold", "repeat_years"])
        record_event(
            actor, MeldcodeAction.PROTOCOL_REPEAT_RULE, obj=school, detail={"threshold": threshold, "years": years}
        )
    return school


# Planned conversations --------------------------------------------------------------------------------


def require_visible_case(actor: Actor, case: Case) -> None:
    """The actor may open the dossier (its school's IB/AF/school leader, or a member), else PermissionDenied."""
    member_ids = set(case.memberships.values_list("user_id", flat=True))
    if not can_view_case(actor, case.school_id, member_ids):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def plan_conversation(
    actor: Actor, case: Case, *, planned_at: datetime, participants: list[str], location: str = ""
) -> PlannedConversation:
    require_permission(actor, "conversation.plan")
    require_visible_case(actor, case)
    _require_open(case)
    if not participants or not set(participants) <= set(Conversation.Participant.values):
        raise ValidationError({"participants": _("Say with whom you will hold the conversation.")})
    if planned_at < timezone.now() - CLOCK_SKEW:
        raise ValidationError({"planned_at": _("A conversation cannot be planned in the past.")})
    plan = PlannedConversation.objects.create(
        case=case,
        planned_at=planned_at,
        participants=list(participants),
        location=location.strip(),
        planned_by_id=actor.user_id,
    )
    record_event(
        actor,
        MeldcodeAction.CONVERSATION_PLAN,
        obj=plan,
        case=case,
        detail={"participants": list(participants), "planned_at": timezone.localtime(planned_at).isoformat()},
    )
    return plan


@transaction.atomic
def cancel_planned_conversation(actor: Actor, plan: PlannedConversation) -> PlannedConversation:
    require_permission(actor, "conversation.plan")
    case = plan.case
    require_visible_case(actor, case)
    if plan.cancelled_at is not None:
        raise ValidationError(_("This conversation has already been cancelled."))
    if Conversation.objects.filter(case=case, recorded_at__gte=plan.created_at).exists():
        raise ValidationError(_("A conversation has been recorded since it was planned: it is done."))
    plan.cancelled_at = timezone.now()
    plan.cancelled_by_id = actor.user_id
    plan.save(update_fields=["cancelled_at", "cancelled_by"])
    record_event(actor, MeldcodeAction.CONVERSATION_PLAN_CANCEL, obj=plan, case=case)
    return plan
