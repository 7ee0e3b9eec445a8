"""This app's task provider: a pupil who left the school (by the import) while a dossier is open."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.tasks.registry import Task

PUPIL_LEFT = "pupil_left_open_dossier"


def left_with_open_dossier(actor: Actor, today: date) -> list[Task]:
    """For the AF: one task per open dossier of a pupil who has left, due the day they left."""
    if actor.role != Role.SAFEGUARDING_LEAD or actor.school_id is None:
        return []
    from haven.meldcode.models import Case
    from haven.meldcode.queries import visible_cases

    cases = (
        visible_cases(actor)
        .filter(status=Case.Status.OPEN, pupil__left_on__isnull=False)
        .select_related("pupil")
        .only("pk", "pupil__first_name", "pupil__last_name", "pupil__left_on")
        .order_by("pupil__left_on", "pk")
    )
    return [
        Task(
            key=f"{PUPIL_LEFT}:{case.pk}",
            kind=PUPIL_LEFT,
            title=_("%(name)s has left the school while their dossier is open: hand it over or close it")
            % {"name": case.pupil.full_name},
            url=reverse("meldcode:case_detail", args=[case.pk]),
            due=case.pupil.left_on,
            overdue=case.pupil.left_on is not None and case.pupil.left_on < today,
        )
        for case in cases
    ]
