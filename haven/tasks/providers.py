"""This app's task providers: requests to look along, and dossiers without activity.

Both read through the policy-scoped queries of `haven.meldcode.queries`, and each makes a fixed
number of queries however many tasks it returns (the page's query count stays flat).
"""

from datetime import date, datetime, time, timedelta

from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.audit.models import AuditEvent
from haven.meldcode import queries
from haven.meldcode.models import Case
from haven.organisations.models import School
from haven.tasks.registry import Task


def look_along_requests(actor: Actor, today: date) -> list[Task]:
    """Consultations requested of me: the school's requests to look along that nobody picked up yet.

    For the IB, the AF and the school leader (`open_look_along_requests` gives nobody else any).
    Due on the day of the request: asking to look along is asking now.
    """
    tasks = []
    for request in queries.open_look_along_requests(actor):
        requested_on = timezone.localdate(request.requested_at)
        tasks.append(
            Task(
                key=f"look_along:{request.pk}",
                kind="look_along_requested",
                title=_("Asked to look along at a signal about %(name)s") % {"name": request.signal.pupil.full_name},
                url=reverse("meldcode:signal_detail", args=[request.signal_id]),
                due=requested_on,
                overdue=requested_on < today,
            )
        )
    return tasks


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inactive_cases(actor: Actor, today: date) -> list[Task]:
    """Open dossiers without a change for the school's `inactivity_weeks`: those I lead; the AF: all.

    A dossier's last activity is its latest audit event of kind "change" (every write of a step
    record, signal, member, closing or reopening leaves one in the same transaction), or its
    opening. The task is due on the day the dossier has been quiet for exactly that many weeks
    (last activity on 1 March, six weeks: due 12 April) and overdue the days after. Its key names
    that deadline's ISO week, so a dossier that wakes up and falls quiet again is reminded of again,
    and one that stays quiet only once.
    """
    if not actor.is_staff or actor.school_id is None:
        return []
    weeks = School.objects.filter(pk=actor.school_id).values_list("inactivity_weeks", flat=True).first()
    if weeks is None:
        return []
    latest_change = (
        AuditEvent.objects.filter(case_id=OuterRef("pk"), kind=AuditEvent.Kind.CHANGE).order_by("-at").values("at")[:1]
    )
    cases = (
        queries.visible_cases(actor)
        .filter(status=Case.Status.OPEN)
        .annotate(last_activity=Coalesce(Subquery(latest_change, output_field=DateTimeField()), "opened_at"))
        # Quiet since a day on or before today minus the term.
        .filter(last_activity__lt=_start_of(today - timedelta(weeks=weeks) + timedelta(days=1)))
        .select_related("pupil")
        .order_by("last_activity", "pk")
    )
    if actor.role != Role.SAFEGUARDING_LEAD:
        cases = cases.filter(lead_id=actor.user_id)
    tasks = []
    for case in cases:
        quiet_since = timezone.localdate(case.last_activity)
        deadline = quiet_since + timedelta(weeks=weeks)
        year, week, _weekday = deadline.isocalendar()
        tasks.append(
            Task(
                key=f"inactive:{case.pk}:{year}-W{week:02d}",
                kind="case_inactive",
                title=_("Dossier of %(name)s: no activity since %(date)s")
                % {"name": case.pupil.full_name, "date": date_format(quiet_since)},
                url=reverse("meldcode:case_detail", args=[case.pk]),
                due=deadline,
                overdue=deadline < today,
            )
        )
    return tasks
