"""The route's task providers (see haven/tasks/registry.py), registered in `MeldcodeConfig.ready`:
requests to look along, dossiers without activity, the planned conversations with the parents, and
open dossiers of pupils who have left the school (marked by the pupil import).

They read through the policy-scoped queries of `haven.meldcode.queries`, and each makes a fixed
number of queries however many tasks it returns (the page's query count stays flat).
"""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import DateTimeField, F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.audit.models import AuditEvent
from haven.infrastructure.prepared import ActorQuery
from haven.meldcode import queries
from haven.meldcode.models import Case
from haven.organisations.models import School
from haven.tasks.registry import Task

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from django.utils.formats import time_format

LOOK_ALONG_REQUESTED = "look_along_requested"


# Prepared (haven/infrastructure/prepared.py): the providers run on every home page and tasks page.
# Only the columns of the title and the link (the scoped query joins the requester too).
_open_look_along_requests = ActorQuery(
    lambda actor: (
        queries.open_look_along_requests(actor)
        .select_related(None)
        .select_related("signal__pupil")
        .only("requested_at", "signal", "signal__pupil", "signal__pupil__first_name", "signal__pupil__last_name")
    )
)


def look_along_requests(actor: Actor, today: date) -> list[Task]:
    """Consultations requested of me: the school's requests to look along that nobody picked up yet.

    For the IB, the AF and the school leader (`open_look_along_requests` gives nobody else any).
    Due on the day of the request: asking to look along is asking now.
    """
    tasks = []
    for request in _open_look_along_requests(actor):
        requested_on = timezone.localdate(request.requested_at)
        tasks.append(
            Task(
                key=f"look_along:{request.pk}",
                kind=LOOK_ALONG_REQUESTED,
                title=_("Asked to look along at a signal about %(name)s") % {"name": request.signal.pupil.full_name},
                url=reverse("meldcode:signal_detail", args=[request.signal_id]),
                due=requested_on,
                overdue=requested_on < today,
            )
        )
    return tasks


# When a dossier counts as stalled: one rule for "Mijn taken", the reminders and the monitoring's
# open routes (haven.insights.rollups), so a dossier that is a task is also counted as stalled.


def quiet_since_before(today: date, weeks: int) -> datetime:
    """Quiet for `weeks` by today: last active before the start of the day after today minus the term."""
    return timezone.make_aware(datetime.combine(today - timedelta(weeks=weeks) + timedelta(days=1), time.min))


def is_quiet(last_active: datetime, today: date, weeks: int) -> bool:
    """Has a dossier last active at `last_active` had no change for `weeks` by `today`?"""
    return last_active < quiet_since_before(today, weeks)


def latest_change() -> RawSQL:
    """The time of the outer case's latest audit event of kind "change".

    In plain SQL: Django resolves an ORM subquery against the outer query (cloning and relabelling
    both) on every call, and this one runs on every home page and tasks page. Only names from the
    models go into the SQL; the value goes in as a parameter.
    """
    events, cases = AuditEvent._meta.db_table, Case._meta.db_table
    return RawSQL(  # noqa: S611 - see above
        f"SELECT {events}.at FROM {events} WHERE {events}.case_id = {cases}.id AND {events}.kind = %s"  # noqa: S608
        f" ORDER BY {events}.at DESC LIMIT 1",
        (AuditEvent.Kind.CHANGE.value,),
        output_field=DateTimeField(),
    )


def last_activity() -> Coalesce:
    """A case's last activity, as an annotation of a queryset of cases: its latest audit event of kind
    "change", or its opening when it has none."""
    return Coalesce(latest_change(), "opened_at")


class _Quiet(TypedDict):
    """What `_quiet_cases_query` annotates each dossier with."""

    last_activity: datetime
    weeks: int


def _quiet_cases_query(actor: Actor, quiet_before: datetime) -> "QuerySet[WithAnnotations[Case, _Quiet]]":
    """The open dossiers (those the actor leads; the AF: all) without activity since `quiet_before`,
    longest quiet first, each with its last activity and its school's inactivity term."""
    cases = (
        queries.visible_cases(actor)
        .filter(status=Case.Status.OPEN)
        .annotate(
            last_activity=last_activity(),
            # The school's term comes along with its dossiers: no query of its own.
            weeks=F("school__inactivity_weeks"),
        )
        .filter(last_activity__lt=quiet_before)
        .select_related("pupil")
        .only("pupil", "pupil__first_name", "pupil__last_name")
        .order_by("last_activity", "pk")
    )
    if actor.role != Role.SAFEGUARDING_LEAD:
        cases = cases.filter(lead_id=actor.user_id)
    return cases


_quiet_cases: "ActorQuery[WithAnnotations[Case, _Quiet]]" = ActorQuery(_quiet_cases_query, datetime)


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
    # Narrowed by the shortest term a school can set; the school's own term decides below.
    cases = _quiet_cases(actor, quiet_since_before(today, School.MIN_INACTIVITY_WEEKS))
    tasks = []
    for case in cases:
        if not is_quiet(case.last_activity, today, case.weeks):
            continue
        quiet_since = timezone.localdate(case.last_activity)
        deadline = quiet_since + timedelta(weeks=case.weeks)
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


PUPIL_LEFT = "pupil_left_open_dossier"


# Prepared like the others: read on every home page and tasks page.
_left_with_open_dossier = ActorQuery(
    lambda actor: (
        queries.visible_cases(actor)
        .filter(status=Case.Status.OPEN, pupil__left_on__isnull=False)
        .select_related("pupil")
        .only("pk", "pupil__first_name", "pupil__last_name", "pupil__left_on")
        .order_by("pupil__left_on", "pk")
    )
)


def left_with_open_dossier(actor: Actor, today: date) -> list[Task]:
    """For the AF: one task per open dossier of a pupil who has left, due the day they left."""
    if actor.role != Role.SAFEGUARDING_LEAD or actor.school_id is None:
        return []
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
        for case in _left_with_open_dossier(actor)
    ]
