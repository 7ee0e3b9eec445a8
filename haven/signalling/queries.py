"""Reads of this app, scoped by the access policy like `haven.meldcode.queries`.

Dossiers are only ever read through `visible_cases` and signals through `visible_signals`, so
repeated care, the verwijsindex and the planned conversations never show a dossier the person may
not open. Each function makes a fixed number of queries, however many rows it returns.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.policy import Actor
from haven.accounts.models import Membership, User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.meldcode import repeat
from haven.meldcode.models import Case, Conversation, Report, Signal
from haven.meldcode.queries import school_pupils, visible_cases, visible_signals
from haven.organisations.models import School
from haven.pupils.models import Pupil
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


@dataclass(frozen=True)
class CountedDossier:
    """A dossier that counts for repeated care, as the page shows it."""

    fact: repeat.DossierFact
    pupil_id: int

    @property
    def case_id(self) -> int:
        return self.fact.key


def sibling_names(actor: Actor, pupil_ids: set[int]) -> dict[int, dict[int, str]]:
    """For each pupil: their linked brothers and sisters (id -> first name), in one query."""
    result: dict[int, dict[int, str]] = {pk: {} for pk in pupil_ids}
    if actor.school_id is None or not pupil_ids:
        return result
    links = Sibling.objects.filter(school_id=actor.school_id).filter(
        Q(pupil_a_id__in=pupil_ids) | Q(pupil_b_id__in=pupil_ids)
    )
    for a, b, a_name, b_name in links.values_list(
        "pupil_a_id", "pupil_b_id", "pupil_a__first_name", "pupil_b__first_name"
    ):
        if a in result:
            result[a][b] = b_name
        if b in result:
            result[b][a] = a_name
    return result


def repeat_findings(actor: Actor, pupil_ids: set[int], today: date) -> dict[int, repeat.RepeatFinding]:
    """Repeated care for each of these pupils (with their siblings), in three queries in all.

    Only dossiers the person may open count, so nobody learns of a dossier through this.
    """
    if not actor.is_staff or actor.school_id is None or not pupil_ids:
        return {}
    rule = School.objects.filter(pk=actor.school_id).values_list("repeat_threshold", "repeat_years").first()
    if rule is None:
        return {}
    threshold, years = rule
    siblings = sibling_names(actor, pupil_ids)
    everyone = set(pupil_ids) | {s for names in siblings.values() for s in names}
    # The database narrows generously (a day's margin for the time zone); the pure rule decides.
    since = repeat.window_start(today, years) - timedelta(days=1)
    made = Report.objects.filter(case_id=OuterRef("pk"), made_on__isnull=False)
    rows = (
        visible_cases(actor)
        .filter(pupil_id__in=everyone, opened_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
        .annotate(reported=Exists(made))
        .values_list("pk", "pupil_id", "opened_at", "reported")
    )
    by_pupil: dict[int, list[tuple[int, date, bool]]] = {}
    for pk, pupil_id, opened_at, reported in rows:
        by_pupil.setdefault(pupil_id, []).append((pk, timezone.localdate(opened_at), bool(reported)))
    findings = {}
    for pupil_id in pupil_ids:
        facts = [repeat.DossierFact(pk, opened, reported) for pk, opened, reported in by_pupil.get(pupil_id, [])]
        for sibling_id, name in siblings[pupil_id].items():
            facts += [
                repeat.DossierFact(pk, opened, reported, sibling=name)
                for pk, opened, reported in by_pupil.get(sibling_id, [])
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
    return sorted(pairs, key=lambda pair: (pair[1].last_name, pair[1].first_name, pair[1].pk))


def sibling_candidates(actor: Actor, pupil: Pupil) -> QuerySet[Pupil]:
    linked = Sibling.objects.filter(Q(pupil_a=pupil) | Q(pupil_b=pupil))
    return (
        school_pupils(actor)
        .exclude(pk=pupil.pk)
        .exclude(pk__in=linked.values("pupil_a_id"))
        .exclude(pk__in=linked.values("pupil_b_id"))
        .order_by("last_name", "first_name", "pk")
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
    task = my_support_tasks(actor).select_related("pupil", "signal").filter(pk=pk).first()
    if task is None:
        existing = SupportTask.objects.filter(pk=pk).first()
        if existing is not None:
            record_event(
                actor,
                "support_task.view",
                kind=AuditEvent.Kind.READ,
                obj=existing,
                pupil=existing.pupil_id,
                outcome=AuditEvent.Outcome.DENIED,
            )
        raise Http404
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


def referral_index_entries(actor: Actor, case: Case) -> list[ReferralIndexEntry]:
    return list(
        ReferralIndexEntry.objects.filter(case__in=visible_cases(actor).filter(pk=case.pk)).select_related(
            "recorded_by"
        )
    )


def referral_index_state(entries: list[ReferralIndexEntry]) -> ReferralIndexEntry | None:
    """The entry that says how things stand now: the latest one, or None when never placed."""
    return entries[-1] if entries else None


def with_state(plans: QuerySet[PlannedConversation]) -> QuerySet[PlannedConversation]:
    """Annotate `held`: a conversation was recorded in the dossier after this one was planned."""
    later = Conversation.objects.filter(case_id=OuterRef("case_id"), recorded_at__gte=OuterRef("created_at"))
    return plans.annotate(held=Exists(later))


def planned_conversations(actor: Actor, case: Case) -> list[PlannedConversation]:
    plans = PlannedConversation.objects.filter(case__in=visible_cases(actor).filter(pk=case.pk))
    return list(with_state(plans).select_related("planned_by", "cancelled_by"))


def open_planned_conversations(actor: Actor) -> QuerySet[PlannedConversation]:
    """Planned conversations of the open dossiers the person may open, not held and not cancelled."""
    plans = PlannedConversation.objects.filter(
        case__in=visible_cases(actor).filter(status=Case.Status.OPEN), cancelled_at__isnull=True
    )
    return with_state(plans).filter(held=False).select_related("case__pupil").order_by("planned_at", "pk")


def get_planned_conversation(actor: Actor, pk: int) -> PlannedConversation:
    plan = with_state(PlannedConversation.objects.filter(case__in=visible_cases(actor), pk=pk)).select_related("case")
    found = plan.first()
    if found is None:
        existing = PlannedConversation.objects.select_related("case").filter(pk=pk).first()
        if existing is not None:
            record_event(
                actor,
                "case.view",
                kind=AuditEvent.Kind.READ,
                obj=existing,
                case=existing.case,
                outcome=AuditEvent.Outcome.DENIED,
            )
        raise Http404
    return found
