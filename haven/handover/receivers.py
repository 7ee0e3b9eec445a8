"""Handover notices as soon as a pupil is placed in a group, or a group gets a teacher, or the pupil
import placed pupils in bulk (`haven.pupils.signals.placed_in_bulk`).

Connected in `HandoverConfig.ready()`, so `haven.pupils` and `haven.organisations` need not know
about handover. `python manage.py create_handover_notices --school-year ...` does the same for a
whole school year at once (and catches anything written without these signals, e.g. in bulk).
"""

from typing import Any

from haven.handover import services
from haven.pupils.models import GroupPlacement


def placement_saved(sender: Any, instance: GroupPlacement, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.notices_for_placements([instance])


def placed_in_bulk(sender: Any, school: Any, school_year: str, today: Any, **kwargs: Any) -> None:
    """The pupil import placed pupils (or added teachers) in bulk: the notices for that school year."""
    services.create_handover_notices(school, school_year, today=today)


def teachers_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action != "post_add" or not pk_set:
        return
    groups = {"group_id__in": pk_set} if reverse else {"group_id": instance.pk}
    placements = GroupPlacement.objects.filter(**groups).select_related("group__school").order_by("pk")
    services.notices_for_placements(list(placements))
