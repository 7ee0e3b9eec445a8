"""Reads of this app, scoped by the access policy like `haven.meldcode.queries`.

Dossiers are only ever read through `visible_cases` and signals through `visible_signals`, so
repeated care, the verwijsindex and the planned conversations never show a dossier the person may
not open; the dossier page's own records are read for the dossier the page loaded through
`get_case`. Each function makes a fixed number of queries, however many rows it returns.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.lookup import scoped_get
from haven.access.policy import Actor
from haven.accounts.models import Membership, User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.core.prepared import PreparedQuery, fetch_together
from haven.meldcode import repeat
from haven.meldcode.models import Case, Conversation, Signal
from haven.meldcode.queries import Dossier, school_pupils, visible_cases, visible_signals
from haven.organisations.models import School
from haven.pupils.models import Pupil
from haven.pupils.names import sort_key
from haven.signalling.models import PlannedConversation, ReferralIndexEntry, Sibling, SupportTask

# Repeated care -----------------------------------------------------------------------------------


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


def sibling_ids(actor: Actor, pupil_ids: set[int]) -> dict[int, set[int]]:
    """For each pupil: the ids of their linked brothers and sisters, in one query."""
    result: dict[int, set[int]] = {pk: set() for pk in pupil_ids}
    if actor.school_id is None or not pupil_ids:
        return result
    links = Sibling.objects.filter(school_id=actor.school_id).filter(
        Q(pupil_a_id__in=pupil_ids) | Q(pupil_b_id__in=pupil_ids)
    )
    for a, b in links.order_by().values_list("pupil_a_id", "pupil_b_id"):
        if a in result:
            result[a].add(b)
        if b in result:
            result[b].add(a)
    return result


def repeat_findings(
    actor: Actor, pupil_ids: set[int], today: date, *, school: School | None = None
) -> dict[int, repeat.RepeatFinding]:
    """Repeated care for each of these pupils (with their siblings), in three queries in all; two
    when the page passes the actor's `school`, loaded already, whose protocol sets the rule.

    Only dossiers the person may open count, so nobody learns of a dossier through this.
    """
    if not actor.is_staff or actor.school_id is None or not pupil_ids:
        return {}
    if school is not None and school.pk == actor.school_id:
        rule: tuple[int, int] | None = (school.repeat_threshold, school.repeat_years)
    else:
        rule = School.objects.filter(pk=actor.school_id).values_list("repeat_threshold", "repeat_years").first()
    if rule is None:
        return {}
    threshold, years = rule
    siblings = sibling_ids(actor, pupil_ids)
    everyone = set(pupil_ids) | {s for ids in siblings.values() for s in ids}
    # The database narrows generously (a day's margin for the time zone); the pure rule decides.
    since = repeat.window_start(today, years) - timedelta(days=1)
    # A dossier comes back once per report (or once without any): joining the reports is cheaper
    # to build than an EXISTS subquery, and `reported` is whether any of them was made.
    rows = (
        visible_cases(actor)
        .filter(pupil_id__in=everyone, opened_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
        .order_by()  # the rule orders them
        .values_list("pk", "pupil_id", "pupil__first_name", "opened_at", "reports__made_on")
    )
    dossiers: dict[int, tuple[int, date, bool]] = {}
    names: dict[int, str] = {}
    for pk, pupil_id, first_name, opened_at, made_on in rows:
        names[pupil_id] = first_name
        reported = made_on is not None or (pk in dossiers and dossiers[pk][2])
        dossiers[pk] = (pupil_id, timezone.localdate(opened_at), reported)
    by_pupil: dict[int, list[tuple[int, date, bool]]] = {}
    for pk, (pupil_id, opened_on, reported) in dossiers.items():
        by_pupil.setdefault(pupil_id, []).append((pk, opened_on, reported))
    findings = {}
    for pupil_id in pupil_ids:
        facts = [repeat.DossierFact(pk, opened, reported) for pk, opened, reported in by_pupil.get(pupil_id, [])]
        # A brother or sister without a dossier in the window adds nothing (and has no name here).
        for sibling_id in sorted(siblings[pupil_id] & by_pupil.keys()):
            facts += [
                repeat.DossierFact(pk, opened, reported, sibling=names[sibling_id])
                for pk, opened, reported in by_pupil[sibling_id]
            ]
        findings[pupil_id] = repeat.assess(facts, threshold=threshold, years=years, today=today)
    return findings


# Siblings (the functional administrator's pupil page) ---------------------------------------------


def sibling_links(actor: Actor, pupil: Pupil) -> list[tuple[Sibling, Pupil]]:
    """The pupil's links to brothers and sisters, each with the other pupil."""
    links = (
        Sibling.objects.filter(school_id=actor.school_id)
        .filter(Q(pupil_a=pupil) | Q(pupil_b=pupil))
        .select_related("pupil_a", "pupil_b")
    )
    pairs = [(link, link.pupil_b if link.pupil_a_id == pupil.pk else link.pupil_a) for link in links]
    return sorted(pairs, key=lambda pair: (*sort_key(pair[1].first_name, pair[1].last_name), pair[1].pk))


def sibling_candidates(actor: Actor, pupil: Pupil) -> QuerySet[Pupil]:
    linked = Sibling.objects.filter(Q(pupil_a=pupil) | Q(pupil_b=pupil))
    return (
        school_pupils(actor)
        .exclude(pk=pupil.pk)
        .exclude(pk__in=linked.values("pupil_a_id"))
        .exclude(pk__in=linked.values("pupil_b_id"))
        .in_name_order()
    )


def get_sibling_link(actor: Actor, pupil: Pupil, pk: int) -> Sibling:
    link = Sibling.objects.filter(school_id=actor.school_id).filter(Q(pupil_a=pupil) | Q(pupil_b=pupil), pk=pk).first()
    if link is None:
        raise Http404
    return link


# Handle with Care ---------------------------------------------------------------------------------


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
        action="support_task.view",
        about=lambda existing: {"obj": existing, "pupil": existing.pupil_id},
    )
    if audit:
        record_event(actor, "support_task.view", kind=AuditEvent.Kind.READ, obj=task, pupil=task.pupil_id)
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


# The dossier: the verwijsindex and planned conversations ------------------------------------------


# Fixed-shape reads by case, prepared: the page does not pay Django's query compilation for each
# (see haven/core/prepared.py). Both come in the models' order.
_referral_entries_of = PreparedQuery(lambda case_id: ReferralIndexEntry.objects.filter(case_id=case_id))
_planned_of = PreparedQuery(lambda case_id: PlannedConversation.objects.filter(case_id=case_id))


@dataclass
class DossierSignalling:
    referral_entries: list[ReferralIndexEntry]  # oldest first
    planned: list[PlannedConversation]  # each with `held`, soonest first


def dossier_signalling(dossier: Dossier) -> DossierSignalling:
    """The verwijsindex entries and planned conversations of a dossier `load_dossier` read (which
    decided access and audited the read), with the names of the people in them.

    Whether a planned conversation was held follows from the dossier's recorded conversations (the
    same test as `with_state`, without asking the database again).
    """
    case = dossier.case
    entries, plans = fetch_together((_referral_entries_of, [case.pk]), (_planned_of, [case.pk]))
    latest = max((c.recorded_at for c in dossier.conversations), default=None)
    for plan in plans:
        plan.held = latest is not None and latest >= plan.created_at  # type: ignore[attr-defined]
    dossier.attach_people(
        [(entry, "recorded_by") for entry in entries]
        + [(plan, field) for plan in plans for field in ("planned_by", "cancelled_by")]
    )
    return DossierSignalling(referral_entries=entries, planned=plans)


def referral_index_state(entries: list[ReferralIndexEntry]) -> ReferralIndexEntry | None:
    """The entry that says how things stand now: the latest one, or None when never placed."""
    return entries[-1] if entries else None


def with_state(plans: QuerySet[PlannedConversation]) -> QuerySet[PlannedConversation]:
    """Annotate `held`: a conversation was recorded in the dossier after this one was planned."""
    later = Conversation.objects.filter(case_id=OuterRef("case_id"), recorded_at__gte=OuterRef("created_at"))
    return plans.annotate(held=Exists(later))


def open_planned_conversations(actor: Actor) -> QuerySet[PlannedConversation]:
    """Planned conversations of the open dossiers the person may open, not held and not cancelled."""
    plans = PlannedConversation.objects.filter(
        case__in=visible_cases(actor).filter(status=Case.Status.OPEN), cancelled_at__isnull=True
    )
    return with_state(plans).filter(held=False).select_related("case__pupil").order_by("planned_at", "pk")


def get_planned_conversation(actor: Actor, pk: int) -> PlannedConversation:
    return scoped_get(
        actor,
        with_state(PlannedConversation.objects.filter(case__in=visible_cases(actor))).select_related("case"),
        pk,
        action="case.view",
        about=lambda existing: {"obj": existing, "case": existing.case},
        unscoped=PlannedConversation.objects.select_related("case"),
    )


# The verwijsindex without a dossier ------------------------------------------------------------------

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
        "referral_index.list",
        kind=AuditEvent.Kind.READ,
        detail={
            "page": page.number,
            "entries": [entry.pk for entry in page],
            "pupils": sorted({entry.pupil_id for entry in page if entry.pupil_id is not None}),
        },
    )
    return page
