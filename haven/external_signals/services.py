"""The only code that writes this app's data: Handle with Care (the police notice and its support
tasks) and the verwijsindex.

As in `haven.meldcode.services`: each verb checks the permission, validates, writes in one
transaction and records its audit event in that same transaction. Bad input raises
ValidationError with a Dutch message and writes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.accounts.models import User
from haven.audit.services import record_event
from haven.external_signals import matching, queries
from haven.external_signals.audit_actions import ExternalSignalAction
from haven.external_signals.models import PoliceNoticeIntake, ReferralIndexEntry, SupportTask
from haven.meldcode import services as route
from haven.meldcode.models import Case, Signal
from haven.organisations.models import School
from haven.pupils.dates import check_date
from haven.pupils.models import Pupil

# The fixed text of a police notice: what the school knows, and that it knows no more.
POLICE_NOTICE_FACTS = gettext_noop(
    "Police notice (Handle with Care): the police attended an incident at the pupil's home. No details are shared."
)


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This dossier is closed. Reopen it first."))


# Handle with Care ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoliceNotice:
    signal: Signal
    support_tasks: list[SupportTask]


@transaction.atomic
def record_police_notice(
    actor: Actor, *, pupil: Pupil, notice_date: date, date_confirmed: bool = False
) -> PoliceNotice:
    """The police attended an incident at the pupil's home: a signal with no details, and a task for
    the pupil's current teachers to offer support today."""
    require_permission(actor, "police_notice.record")
    if pupil.school_id != actor.school_id:
        raise ValidationError(_("This pupil is not a pupil of your school."))
    check_date(notice_date, "notice_date", born_on=pupil.date_of_birth, confirmed=date_confirmed)
    today = timezone.localdate()
    signal = route.log_signal(
        actor,
        pupil=pupil,
        observed_at=_observed_at(notice_date),
        source=Signal.Source.POLICE_NOTICE,
        categories=[Signal.Category.GUT_FEELING],
        facts=_(POLICE_NOTICE_FACTS),
        date_confirmed=date_confirmed,
    )
    tasks = _support_tasks(pupil, signal, today)
    record_event(
        actor,
        ExternalSignalAction.POLICE_NOTICE_RECORD,
        obj=signal,
        pupil=pupil,
        detail={"notice_date": notice_date.isoformat(), "support_for": [str(task.teacher) for task in tasks]},
    )
    return PoliceNotice(signal=signal, support_tasks=tasks)


def _support_tasks(pupil: Pupil, signal: Signal, today: date) -> list[SupportTask]:
    # Support is offered on the day the school hears of it, which cannot lie in the past.
    return [
        SupportTask.objects.create(school_id=pupil.school_id, pupil=pupil, signal=signal, teacher=teacher, due_on=today)
        for teacher in queries.current_teachers(pupil, today)
    ]


def _observed_at(notice_date: date) -> datetime:
    # The day it is recorded is the moment the school learned of it; an earlier day has no known time.
    if notice_date == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(notice_date, time.min))


# Handle with Care from outside (the API) ------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    intake: PoliceNoticeIntake
    # False: the sender sent this notice before, and this is what it became then.
    created: bool


def matching_pupils(school: School, first_name: str, last_name: str, date_of_birth: date) -> list[Pupil]:
    """The school's pupils with this date of birth and this name (`matching.same_name`)."""
    candidates = Pupil.objects.filter(school=school, date_of_birth=date_of_birth).only(
        "first_name", "last_name", "school_id", "date_of_birth"
    )
    return [p for p in candidates if matching.same_name(first_name, last_name, p.first_name, p.last_name)]


@transaction.atomic
def receive_police_notice(
    *,
    sender: str,
    sender_notice_id: str,
    school: School,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    notice_date: date,
    author: User,
    via: dict[str, Any],
) -> Intake:
    """A Handle with Care notice sent to Haven from outside: a system action (no person of the school
    acts; the caller checked that the sender may send for this school, and `via` names the sender in
    the audit events). Exactly one pupil of the school with this name and date of birth: the police
    notice is recorded as the form records it (the signal with source "police notice" and the support
    tasks of the pupil's teachers). Otherwise it waits in the school's list for the AF or the IB to
    match it by hand. The same sender's notice id again returns what the first one became."""
    sender_notice_id = sender_notice_id.strip()
    existing = PoliceNoticeIntake.objects.filter(sender=sender, sender_notice_id=sender_notice_id).first()
    if existing is not None:
        return Intake(existing, created=False)
    if not first_name.strip() or not last_name.strip():
        raise ValidationError(_("Give the pupil's first name and last name."))
    if date_of_birth >= timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth must lie in the past.")})
    check_date(notice_date, "notice_date", born_on=date_of_birth)
    matches = matching_pupils(school, first_name, last_name, date_of_birth)
    intake = PoliceNoticeIntake(
        sender=sender,
        sender_notice_id=sender_notice_id,
        school=school,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth.isoformat(),
        notice_date=notice_date,
        status=PoliceNoticeIntake.Status.WAITING,
    )
    if len(matches) == 1:
        pupil = matches[0]
        signal = route.log_signal_from_outside(
            pupil=pupil,
            author=author,
            observed_at=_observed_at(notice_date),
            source=Signal.Source.POLICE_NOTICE,
            categories=[Signal.Category.GUT_FEELING],
            facts=_(POLICE_NOTICE_FACTS),
            via=via,
        )
        tasks = _support_tasks(pupil, signal, timezone.localdate())
        intake.status, intake.pupil, intake.signal = PoliceNoticeIntake.Status.MATCHED, pupil, signal
        intake.save()
        record_event(
            None,
            ExternalSignalAction.POLICE_NOTICE_RECORD,
            obj=signal,
            pupil=pupil,
            school_id=school.pk,
            detail={
                "notice_date": notice_date.isoformat(),
                "support_for": [str(task.teacher) for task in tasks],
                "intake": intake.pk,
                **via,
            },
        )
    else:
        intake.save()
        record_event(
            None,
            ExternalSignalAction.POLICE_NOTICE_RECEIVE,
            obj=intake,
            school_id=school.pk,
            detail={"notice_date": notice_date.isoformat(), "candidates": len(matches), **via},
        )
    return Intake(intake, created=True)


@transaction.atomic
def match_police_notice(actor: Actor, intake: PoliceNoticeIntake, pupil: Pupil) -> PoliceNotice:
    """The AF or the IB matches a notice that Haven could not match to the pupil it is about: from
    then on it is the police notice the form records (the signal and the support tasks)."""
    require_permission(actor, "police_notice.record")
    if intake.school_id != actor.school_id:
        raise PermissionDenied(_("This police notice is not for your school."))
    # Locked and checked again: two people matching at once make one police notice.
    locked = PoliceNoticeIntake.objects.select_for_update().filter(pk=intake.pk).first()
    if locked is None or locked.status != PoliceNoticeIntake.Status.WAITING:
        raise ValidationError(_("This police notice has already been matched to a pupil."))
    notice = record_police_notice(actor, pupil=pupil, notice_date=intake.notice_date, date_confirmed=True)
    PoliceNoticeIntake.objects.filter(pk=intake.pk).update(
        status=PoliceNoticeIntake.Status.MATCHED_BY_HAND,
        pupil=pupil,
        signal=notice.signal,
        matched_by_id=actor.user_id,
        matched_at=timezone.now(),
    )
    record_event(
        actor, ExternalSignalAction.POLICE_NOTICE_MATCH, obj=intake, pupil=pupil, detail={"signal": notice.signal.pk}
    )
    return notice


@transaction.atomic
def dismiss_police_notice(actor: Actor, intake: PoliceNoticeIntake) -> PoliceNoticeIntake:
    """The AF or the IB says a waiting notice is about no pupil of the school. Nothing is logged
    about any pupil, and what the notice said of the child (name, date of birth) is erased: the
    sender hears "not_our_pupil" when it asks again."""
    require_permission(actor, "police_notice.record")
    if intake.school_id != actor.school_id:
        raise PermissionDenied(_("This police notice is not for your school."))
    locked = PoliceNoticeIntake.objects.select_for_update().filter(pk=intake.pk).first()
    if locked is None or locked.status != PoliceNoticeIntake.Status.WAITING:
        raise ValidationError(_("This police notice has already been matched to a pupil."))
    locked.status = PoliceNoticeIntake.Status.NOT_OUR_PUPIL
    locked.first_name = locked.last_name = locked.date_of_birth = ""
    locked.matched_by_id = actor.user_id
    locked.matched_at = timezone.now()
    locked.save()
    record_event(actor, ExternalSignalAction.POLICE_NOTICE_DISMISS, obj=locked)
    return locked


@transaction.atomic
def complete_support_task(actor: Actor, task: SupportTask) -> SupportTask:
    require_permission(actor, "support_task.complete")
    if task.teacher_id != actor.user_id or task.school_id != actor.school_id:
        raise PermissionDenied(_("This task is not yours."))
    if task.is_done:
        raise ValidationError(_("This task has already been marked as done."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    record_event(actor, ExternalSignalAction.SUPPORT_TASK_DONE, obj=task, pupil=task.pupil_id)
    return task


# The verwijsindex -----------------------------------------------------------------------------------

# The event of each kind of entry.
REFERRAL_INDEX_EVENTS: dict[str, ExternalSignalAction] = {
    ReferralIndexEntry.Action.PLACED: ExternalSignalAction.REFERRAL_INDEX_PLACED,
    ReferralIndexEntry.Action.ENDED: ExternalSignalAction.REFERRAL_INDEX_ENDED,
}


@transaction.atomic
def record_referral_index(
    actor: Actor, case: Case, *, action: str, on: date, date_confirmed: bool = False
) -> ReferralIndexEntry:
    """The school placed a signal about the pupil in the verwijsindex, or ended it."""
    require_permission(actor, "referral_index.record")
    route.require_visible_case(actor, case)
    if action not in ReferralIndexEntry.Action.values:
        raise ValidationError({"action": _("Choose whether the signal was placed or ended.")})
    check_date(on, "on", born_on=case.pupil.date_of_birth, confirmed=date_confirmed)
    # Locked, so that two people recording at once cannot both place the signal.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    # The verwijsindex holds one signal per school and pupil: one placed without a dossier (or from an
    # earlier dossier) counts here too, so it is neither placed twice nor left impossible to end.
    last = (
        ReferralIndexEntry.objects.filter(school_id=case.school_id, pupil_id=case.pupil_id)
        .order_by("on", "recorded_at", "pk")
        .last()
    )
    placed = last is not None and last.action == ReferralIndexEntry.Action.PLACED
    if action == ReferralIndexEntry.Action.PLACED:
        _require_open(case)
        if placed:
            raise ValidationError(_("A signal about this pupil is already placed in the verwijsindex."))
    elif not placed:
        raise ValidationError(_("There is no signal in the verwijsindex to end."))
    if last is not None and on < last.on:
        raise ValidationError({"on": _("The date cannot lie before the previous entry.")})
    entry = ReferralIndexEntry.objects.create(
        school_id=case.school_id, case=case, pupil_id=case.pupil_id, action=action, on=on, recorded_by_id=actor.user_id
    )
    record_event(actor, REFERRAL_INDEX_EVENTS[action], obj=entry, case=case, detail={"on": on.isoformat()})
    return entry


@transaction.atomic
def record_referral_index_without_case(
    actor: Actor, *, pupil: Pupil | None, action: str, on: date, date_confirmed: bool = False
) -> ReferralIndexEntry:
    """The school placed a signal about a pupil in the verwijsindex, or ended it, with no dossier
    in Haven (the school's own judgement in step 1). The monitoring counts it beside the signals
    placed from a dossier.

    The verwijsindex holds one signal per school and pupil, so what was placed or ended before,
    from a dossier or not, decides whether it can be placed or ended now.
    """
    require_permission(actor, "referral_index.record")
    if pupil is None:
        raise ValidationError({"pupil": _("Choose the pupil: a verwijsindex signal is always about a pupil.")})
    if pupil.school_id != actor.school_id:
        raise ValidationError({"pupil": _("This pupil is not a pupil of your school.")})
    if action not in ReferralIndexEntry.Action.values:
        raise ValidationError({"action": _("Choose whether the signal was placed or ended.")})
    check_date(on, "on", born_on=pupil.date_of_birth, confirmed=date_confirmed)
    # Locked, so that two people recording at once cannot both place the signal.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if Case.objects.filter(pupil=pupil, status=Case.Status.OPEN).exists():
        # Recorded there, the dossier shows it and its history stays in one place.
        raise ValidationError(_("This pupil has an open dossier: record the verwijsindex signal in the dossier."))
    last = (
        ReferralIndexEntry.objects.filter(school_id=actor.school_id, pupil=pupil)
        .order_by("on", "recorded_at", "pk")
        .last()
    )
    placed = last is not None and last.action == ReferralIndexEntry.Action.PLACED
    if action == ReferralIndexEntry.Action.PLACED and placed:
        raise ValidationError(_("A signal about this pupil is already placed in the verwijsindex."))
    if action == ReferralIndexEntry.Action.ENDED and not placed:
        raise ValidationError(_("There is no signal in the verwijsindex to end."))
    if last is not None and on < last.on:
        raise ValidationError({"on": _("The date cannot lie before the previous entry.")})
    entry = ReferralIndexEntry.objects.create(
        school_id=actor.school_id, case=None, pupil=pupil, action=action, on=on, recorded_by_id=actor.user_id
    )
    record_event(
        actor, REFERRAL_INDEX_EVENTS[action], obj=entry, pupil=pupil, detail={"on": on.isoformat(), "dossier": False}
    )
    return entry
