"""Task providers of this app (see haven/tasks/registry.py), registered in `MeldcodeConfig.ready`.

They read through the policy-scoped queries of `haven.meldcode.queries`, in a fixed number of
queries however many tasks they return.
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.core.prepared import ActorQuery
from haven.meldcode import queries
from haven.tasks.registry import Task

# Prepared (haven/core/prepared.py): this runs on every home page and tasks page.
_open_planned_conversations = ActorQuery(
    lambda actor: queries.open_planned_conversations(actor).only(
        "planned_at", "case", "case__pupil__first_name", "case__pupil__last_name"
    )
)


def planned_conversations(actor: Actor, today: date) -> list[Task]:
    """Conversations with the parents planned in the open dossiers the person may open (the members;
    the IB, AF and school leader: all of the school's), due on their day, until one is recorded or
    the plan is cancelled."""
    tasks = []
    for plan in _open_planned_conversations(actor):
        when = timezone.localtime(plan.planned_at)
        values = {"name": plan.case.pupil.full_name, "date": date_format(when.date()), "time": time_format(when)}
        overdue = when.date() < today
        if overdue:
            title = _("Record the conversation with the parents of %(name)s (planned %(date)s), or cancel it") % values
        else:
            title = _("Conversation with the parents of %(name)s at %(time)s") % values
        tasks.append(
            Task(
                key=f"planned_conversation:{plan.pk}",
                kind="conversation_planned",
                title=title,
                url=reverse("meldcode:case_detail", args=[plan.case_id]) + "#planned-conversations",
                due=when.date(),
                overdue=overdue,
            )
        )
    return tasks
