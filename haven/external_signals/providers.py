"""Task providers of this app (see haven/tasks/registry.py), registered in `ExternalSignalsConfig.ready`.

They read through the policy-scoped queries of `haven.external_signals.queries`, in a fixed number
of queries however many tasks they return.
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.external_signals import queries
from haven.infrastructure.prepared import ActorQuery
from haven.tasks.registry import Task

# Prepared (haven/infrastructure/prepared.py): this runs on every home page and tasks page.
_open_support_tasks = ActorQuery(
    lambda actor: queries.open_support_tasks(actor).only("due_on", "pupil__first_name", "pupil__last_name")
)


def support_tasks(actor: Actor, today: date) -> list[Task]:
    """Handle with Care: offer the pupil support on the day the school heard of the police notice.
    Only for the teacher the task was given to; overdue until they mark it done."""
    return [
        Task(
            key=f"support:{task.pk}",
            kind="support_offer",
            title=_("Offer support today: %(name)s (Handle with Care)") % {"name": task.pupil.full_name},
            url=reverse("external_signals:support_task", args=[task.pk]),
            due=task.due_on,
            overdue=task.due_on < today,
        )
        for task in _open_support_tasks(actor)
    ]
