"""Reads of this app, scoped by the access policy like `haven.meldcode.queries`.

Signals are only ever read through `visible_signals`, and a support task only by the teacher it
was given to, so nobody sees a police notice or a verwijsindex entry they may not. (The dossier
page reads its own verwijsindex entries with the dossier: `haven.meldcode.queries.dossier_signalling`.)
Each function makes a fixed number of queries, however many rows it returns.
"""

from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from haven.access.lookup import scoped_get
from haven.access.policy import Actor
from haven.access.roles import Role
from haven.accounts.models import Membership, User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.external_signals.audit_actions import ExternalSignalAction
from haven.external_signals.models import PoliceNoticeIntake, ReferralIndexEntry, SupportTask
from haven.meldcode.models import Signal
from haven.meldcode.queries import visible_signals
from haven.pupils.models import Pupil

# Handle with Care ---------------------------------------------------------------------------------


def school_year_of(day: date) -> str:
    """The school year a day falls in, as groups name it: Dutch school years start on 1 August."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def current_teachers(pupil: Pupil, on: date) -> QuerySet[User]:
    """The active teachers (and teaching assistants) of the pupil's group in the school year of `on`."""
    staff = Membership.objects.filter(school_id=pupil.school_id, role__in=["teacher", "teaching_assistant"])
    return (
        User.objects.filter(
            is_active=True,
            taught_groups__school_id=pupil.school_id,
            taught_groups__school_year=school_year_of(on),
            taught_groups__placements__pupil=pupil,
            pk__in=staff.values("user_id"),
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def my_support_tasks(actor: Actor) -> QuerySet[SupportTask]:
    """The support tasks given to this person: a task is for its teacher only."""
    if not actor.is_staff or actor.school_id is None:
        return SupportTask.objects.none()
    return SupportTask.objects.filter(school_id=actor.school_id, teacher_id=actor.user_id)


def open_support_tasks(actor: Actor) -> QuerySet[SupportTask]:
    return my_support_tasks(actor).filter(done_at__isnull=True).select_related("pupil").order_by("due_on", "pk")


def get_support_task(actor: Actor, pk: int, *, audit: bool = True) -> SupportTask:
    """One of my support tasks; anyone else's is a 404 (and a denied event), like a dossier."""
    task = scoped_get(
        actor,
        my_support_tasks(actor).select_related("pupil", "signal"),
        pk,
        action=ExternalSignalAction.SUPPORT_TASK_VIEW,
        about=lambda existing: {"obj": existing, "pupil": existing.pupil_id},
    )
    if audit:
        record_event(
            actor, ExternalSignalAction.SUPPORT_TASK_VIEW, kind=AuditEvent.Kind.READ, obj=task, pupil=task.pupil_id
        )
    return task


def recent_police_notices(actor: Actor, limit: int = 10) -> list[Signal]:
    """The latest police notices the person may see, each with its support tasks."""
    signals = (
        visible_signals(actor)
        .filter(source=Signal.Source.POLICE_NOTICE)
        .select_related("pupil", "author")
        .prefetch_related(Prefetch("support_tasks", queryset=SupportTask.objects.select_related("teacher")))
        .order_by("-observed_at", "-pk")
    )
    return list(signals[:limit])


def waiting_intakes(actor: Actor) -> QuerySet[PoliceNoticeIntake]:
    """Police notices sent through the API that Haven could not match to one pupil: for those who
    record police notices (the AF and the IB), of their own school."""
    if actor.role not in (Role.SAFEGUARDING_LEAD, Role.CARE_COORDINATOR) or actor.school_id is None:
        return PoliceNoticeIntake.objects.none()
    return PoliceNoticeIntake.objects.filter(school_id=actor.school_id, status=PoliceNoticeIntake.Status.WAITING)


def waiting_intake_list(actor: Actor) -> list[PoliceNoticeIntake]:
    """The waiting notices, oldest first; showing them (names and dates of birth) is an audited read."""
    intakes = list(waiting_intakes(actor).order_by("received_at", "pk"))
    record_event(
        actor,
        ExternalSignalAction.POLICE_NOTICE_INTAKE_LIST,
        kind=AuditEvent.Kind.READ,
        detail={"intakes": [intake.pk for intake in intakes]},
    )
    return intakes


def get_waiting_intake(actor: Actor, pk: int) -> PoliceNoticeIntake:
    """One waiting notice of the actor's school; another school's (or a matched one) is a 404."""
    intake = scoped_get(actor, waiting_intakes(actor), pk, action=ExternalSignalAction.POLICE_NOTICE_INTAKE_LIST)
    record_event(actor, ExternalSignalAction.POLICE_NOTICE_INTAKE_LIST, kind=AuditEvent.Kind.READ, obj=intake)
    return intake


# The verwijsindex -----------------------------------------------------------------------------------


def referral_index_state(entries: list[ReferralIndexEntry]) -> ReferralIndexEntry | None:
    """The entry that says how things stand now: the latest one, or None when never placed."""
    return entries[-1] if entries else None


REFERRAL_INDEX_PER_PAGE = 50


def referral_index_without_case_page(actor: Actor, number: str | None) -> Page[ReferralIndexEntry]:
    """One page of the school's verwijsindex entries recorded without a dossier, newest first;
    showing it is an audited read. The school-wide roles only: there is no dossier to be a member of.
    """
    if not actor.sees_whole_school or actor.school_id is None:
        entries = ReferralIndexEntry.objects.none()
    else:
        entries = ReferralIndexEntry.objects.filter(school_id=actor.school_id, case__isnull=True).select_related(
            "pupil", "recorded_by"
        )
    page = Paginator(entries.order_by("-on", "-recorded_at", "-pk"), REFERRAL_INDEX_PER_PAGE).get_page(number)
    record_event(
        actor,
        ExternalSignalAction.REFERRAL_INDEX_LIST,
        kind=AuditEvent.Kind.READ,
        detail={
            "page": page.number,
            "entries": [entry.pk for entry in page],
            "pupils": sorted({entry.pupil_id for entry in page if entry.pupil_id is not None}),
        },
    )
    return page
