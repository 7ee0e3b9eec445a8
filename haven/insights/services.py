"""The monitoring's one write from a page: the AF or school leader recounts their own school now."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.policy import Actor, has_permission
from haven.audit.services import record_event
from haven.insights.audit_actions import InsightsAction
from haven.insights.rollups import Refreshed, refresh_school
from haven.organisations.models import School


def refresh_own_school(actor: Actor) -> Refreshed:
    """Replace the rollups of the actor's own school with a recount of its records, audited.

    The nightly `refresh_insights` does this for every school; a school that has just recorded
    something need not wait for the night to see it counted.
    """
    if not has_permission(actor, "insights.refresh") or actor.school_id is None:
        raise PermissionDenied(_("Your role does not allow this."))
    school = School.objects.get(pk=actor.school_id)
    with transaction.atomic():
        refreshed = refresh_school(school, timezone.localdate())
        record_event(
            actor,
            InsightsAction.REFRESH,
            obj=school,
            detail={"counts": refreshed.counts, "route_rows": refreshed.snapshots},
        )
    return refreshed
