"""Handover tasks: the new teacher's notice, and the AF's decision about adding them.

A fixed number of queries per person, whatever the number of notices. The teacher's title says
only that a pupil in the new group has a dossier: no name, nothing of what it holds.
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission
from haven.handover.models import HandoverNotice
from haven.tasks.registry import Task


def handover_tasks(actor: Actor, today: date) -> list[Task]:
    if actor.school_id is None or not actor.is_staff:
        return []
    tasks = [
        Task(
            key=f"handover_notice:{notice.pk}",
            kind="handover_notice",
            title=_("Handover: a pupil in your new group has a dossier"),
            url=reverse("handover:notice", args=[notice.pk]),
            due=timezone.localdate(notice.created_at),
        )
        for notice in HandoverNotice.objects.filter(
            school_id=actor.school_id, teacher_id=actor.user_id, read_at__isnull=True
        ).order_by("pk")
    ]
    if has_permission(actor, "handover.decide"):
        tasks += [
            Task(
                key=f"handover_decide:{notice.pk}",
                kind="handover_decide",
                title=_("Decide whether to add the new teacher %(teacher)s to the dossier of %(pupil)s")
                % {"teacher": notice.teacher, "pupil": notice.pupil.full_name},
                url=reverse("handover:notice_decide", args=[notice.pk]),
                due=timezone.localdate(notice.created_at),
            )
            for notice in HandoverNotice.objects.filter(school_id=actor.school_id, decision="")
            .select_related("teacher", "pupil")
            .order_by("pk")
        ]
    return tasks
