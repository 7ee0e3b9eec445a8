"""Handover tasks: the new teacher's notice, and the AF's decision about adding them.

A fixed number of queries per person, whatever the number of notices. The teacher's title says
only that a pupil in the new group has a dossier: no name, nothing of what it holds.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission
from haven.handover import school_days
from haven.handover.models import HandoverNotice
from haven.handover.queries import waiting_transfers
from haven.infrastructure.prepared import ActorQuery
from haven.tasks.registry import Task

# What the titles show of the teacher (`User.__str__`) and the pupil (`full_name`).
_NAME_COLUMNS = (
    "teacher__username",
    "teacher__first_name",
    "teacher__last_name",
    "pupil__first_name",
    "pupil__last_name",
)


def _open_notices(actor: Actor) -> QuerySet[HandoverNotice]:
    """One query for both lists (a decider can also be a new teacher); each is then picked from it."""
    unread = Q(teacher_id=actor.user_id, read_at__isnull=True)
    return (
        HandoverNotice.objects.filter(school_id=actor.member_school_id)
        .filter(unread | Q(decision="") if has_permission(actor, "handover.decide") else unread)
        .select_related("teacher", "pupil")
        .only("created_at", "read_at", "decision", "teacher", "pupil", *_NAME_COLUMNS)
        .order_by("pk")
    )


# Prepared (haven/infrastructure/prepared.py): this runs on every home page and tasks page.
_open_notices_of = ActorQuery(_open_notices)


def handover_tasks(actor: Actor, today: date) -> list[Task]:
    if actor.school_id is None or not actor.is_staff:
        return []
    decides = has_permission(actor, "handover.decide")
    notices = _open_notices_of(actor)
    tasks = [
        Task(
            key=f"handover_notice:{notice.pk}",
            kind="handover_notice",
            title=_("Handover: a pupil in your new group has a dossier"),
            url=reverse("handover:notice", args=[notice.pk]),
            due=timezone.localdate(notice.created_at),
        )
        for notice in notices
        if notice.teacher_id == actor.user_id and notice.read_at is None
    ]
    if decides:
        tasks += [
            Task(
                key=f"handover_decide:{notice.pk}",
                kind="handover_decide",
                title=_("Decide whether to add the new teacher %(teacher)s to the dossier of %(pupil)s")
                % {"teacher": notice.teacher, "pupil": notice.pupil.full_name},
                url=reverse("handover:notice_decide", args=[notice.pk]),
                due=timezone.localdate(notice.created_at),
            )
            for notice in notices
            if notice.decision == ""
        ]
    return tasks


def transfer_tasks(actor: Actor, today: date) -> list[Task]:
    """A dossier sent in Haven: the receiving AF accepts or refuses it; both schools see it overdue
    once five school days have passed (haven.handover.school_days)."""
    if actor.school_id is None or not actor.is_staff:
        return []
    tasks = []
    for transfer in waiting_transfers(actor):
        sent_on = timezone.localdate(transfer.sent_at)
        overdue = school_days.is_overdue(sent_on, today)
        values = {"pupil": transfer.package.case.pupil.full_name}
        if transfer.receiving_school_id == actor.member_school_id:
            values["school"] = transfer.sending_school.name
            tasks.append(
                Task(
                    key=f"transfer_receive:{transfer.pk}",
                    kind="transfer_receive",
                    title=_("Accept or refuse the dossier of %(pupil)s that %(school)s sent you") % values,
                    url=reverse("handover:transfer_receive", args=[transfer.pk]),
                    due=school_days.pick_up_by(sent_on),
                    overdue=overdue,
                )
            )
        elif overdue:
            values["school"] = transfer.receiving_school.name
            tasks.append(
                Task(
                    key=f"transfer_overdue:{transfer.pk}",
                    kind="transfer_overdue",
                    title=_("%(school)s has not yet picked up the dossier of %(pupil)s") % values,
                    url=reverse("handover:transfer_sent", args=[transfer.pk]),
                    due=school_days.pick_up_by(sent_on),
                    overdue=True,
                )
            )
    return tasks
