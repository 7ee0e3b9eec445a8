"""Reads of route data, always scoped by the access policy and audited.

A view never queries Signal or Case directly: it asks these functions, which return only what
the acting person may see. Objects of another school or outside one's dossiers raise Http404,
so their existence does not leak, and the denied attempt is written to the audit log.
"""

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.access.labels import ROLE_LABELS
from haven.access.lookup import scoped_get
from haven.access.policy import Actor, can_view_case
from haven.access.roles import SCHOOL_WIDE_ROLES, STAFF_ROLES, Role
from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.external_signals.models import ReferralIndexEntry
from haven.followup.models import EvaluationMoment, HelpPlan
from haven.infrastructure.prepared import ActorQuery, PreparedQuery, fetch_together, group_by
from haven.meldcode import sections as section_registry
from haven.meldcode.audit_actions import MeldcodeAction
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    CaseMember,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    PlannedConversation,
    Report,
    Signal,
    SignalAmendment,
    StepSkip,
    Weighing,
)
from haven.meldcode.workflow import CaseFacts, DecisionOutcome, RouteState, route_state
from haven.pupils.models import NAME_ORDER, Pupil, current_group_name
from haven.pupils.queries import school_pupils

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def visible_cases(actor: Actor) -> QuerySet[Case]:
    if not actor.is_staff or actor.school_id is None:
        return Case.objects.none()
    cases = Case.objects.filter(school_id=actor.member_school_id)
    if not actor.sees_whole_school:
        cases = cases.filter(memberships__user_id=actor.user_id)
    return cases


def visible_signals(actor: Actor) -> QuerySet[Signal]:
    if not actor.is_staff or actor.school_id is None:
        return Signal.objects.none()
    signals = Signal.objects.filter(school_id=actor.member_school_id)
    if not actor.sees_whole_school:
        signals = signals.filter(Q(author_id=actor.user_id) | Q(case__memberships__user_id=actor.user_id)).distinct()
    return signals


def _about_signal(existing: Signal) -> dict[str, Any]:
    return {"obj": existing, "case": existing.case, "pupil": existing.pupil_id}


def _about_case(existing: Case) -> dict[str, Any]:
    return {"obj": existing, "case": existing, "pupil": existing.pupil_id}


def get_signal(actor: Actor, pk: int, *, audit: bool = True) -> Signal:
    signals = visible_signals(actor).select_related("pupil", "author", "case", "triaged_by", "school")
    signal = scoped_get(actor, signals, pk, action=MeldcodeAction.SIGNAL_VIEW, about=_about_signal)
    if audit:
        audit_signal_view(actor, signal)
    return signal


# The scoped case lookup of every dossier page, prepared (haven/infrastructure/prepared.py) once per set of
# related records a page has it bring along (and whether it brings the help plan's state).
_case_lookups: dict[tuple[tuple[str, ...], bool], ActorQuery[Case]] = {}


def _with_help_plan(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with the decision its latest help plan belongs to (`help_plan_decision_id`) and
    that plan's first unanswered evaluation moment (`next_evaluation_id`), for the next step's link.
    The help plan is haven.followup's record; the route only asks whether the current decision has one."""

    def latest_plan(case: OuterRef) -> QuerySet[HelpPlan]:
        return HelpPlan.objects.filter(case_id=case).order_by("-recorded_at", "-pk")

    plans = latest_plan(OuterRef("pk"))
    # One level deeper: the case is the outer query's outer query.
    current = Subquery(latest_plan(OuterRef(OuterRef("pk"))).values("pk")[:1])
    moments = EvaluationMoment.objects.filter(plan_id=current, answered_on__isnull=True)
    return cases.annotate(
        help_plan_decision_id=Subquery(plans.values("decision_id")[:1]),
        next_evaluation_id=Subquery(moments.order_by("due_on", "pk").values("pk")[:1]),
    )


def get_case(
    actor: Actor,
    pk: int,
    *,
    audit: bool = True,
    related: tuple[str, ...] = ("pupil", "lead"),
    help_plan: bool = False,
) -> Case:
    """The case if the actor may see it (its view audited), else 404 with the denied attempt audited.
    `related` lets a page load the related records it shows in the same lookup; `help_plan`
    brings the state of its help plan (see `_with_help_plan`)."""
    key = (related, help_plan)
    if key not in _case_lookups:

        def build(actor: Actor, pk: int) -> QuerySet[Case]:
            cases = visible_cases(actor).select_related(*related).filter(pk=pk)
            return _with_help_plan(cases) if help_plan else cases

        _case_lookups[key] = ActorQuery(build, int)
    found = _case_lookups[key](actor, pk)
    case = scoped_get(actor, found, pk, action=MeldcodeAction.CASE_VIEW, about=_about_case, unscoped=Case.objects.all())
    if audit:
        record_event(actor, MeldcodeAction.CASE_VIEW, kind=AuditEvent.Kind.READ, obj=case, case=case)
    return case


def own_signals(actor: Actor) -> QuerySet[Signal]:
    return (
        visible_signals(actor)
        .filter(author_id=actor.user_id)
        .select_related("pupil", "case")
        .prefetch_related(
            Prefetch(
                "look_along_requests",
                queryset=LookAlongRequest.objects.select_related("picked_up_by"),
            )
        )
    )


def inbox_signals(actor: Actor) -> QuerySet[Signal]:
    return visible_signals(actor).filter(status=Signal.Status.NEW).order_by("observed_at", "pk")


def inbox_rows(actor: Actor) -> QuerySet[Signal]:
    """The inbox's new signals, each with what tells its pupil apart (`pupil_group`) and the id of
    the pupil's open dossier that the actor may open (`open_case_id`), in the same one query."""
    open_case = open_cases_of_pupil(actor, OuterRef("pupil_id")).values("pk")[:1]
    return (
        inbox_signals(actor)
        .select_related("pupil", "author")
        .annotate(pupil_group=current_group_name("pupil_id"), open_case_id=Subquery(open_case))
    )


def open_look_along_requests(actor: Actor) -> QuerySet[LookAlongRequest]:
    if not actor.sees_whole_school:
        return LookAlongRequest.objects.none()
    return (
        LookAlongRequest.objects.filter(school_id=actor.member_school_id, picked_up_at__isnull=True)
        .select_related("signal__pupil", "requested_by")
        .order_by("requested_at")
    )


def get_look_along_request(actor: Actor, pk: int) -> LookAlongRequest:
    requests = LookAlongRequest.objects.filter(school_id=actor.member_school_id) if actor.sees_whole_school else None
    if requests is None or not (request := requests.select_related("signal").filter(pk=pk).first()):
        raise Http404
    return request


def open_cases_of_pupil(actor: Actor, pupil_id: Any) -> QuerySet[Case]:
    return visible_cases(actor).filter(pupil_id=pupil_id, status=Case.Status.OPEN).order_by("-opened_at", "-pk")


def open_case_for_pupil(actor: Actor, pupil_id: int) -> Case | None:
    return open_cases_of_pupil(actor, pupil_id).first()


HISTORY_SIGNALS = 20


@dataclass
class HistoryCase:
    case: Case
    may_open: bool  # the policy's answer: the link shows only then


@dataclass
class PupilHistory:
    """What the school knew of a pupil before this signal: for the person deciding what happens with it."""

    signals: list[Signal]  # the latest HISTORY_SIGNALS others, newest first
    more_signals: bool  # whether older ones are left out
    cases: list[HistoryCase]  # open ones first, then closed, newest first


def pupil_history(actor: Actor, signal: Signal) -> PupilHistory:
    """The pupil's other signals and their dossiers, in two queries whatever the history's size.
    Showing them is part of reading the signal: `audit_signal_view` names them."""
    others = visible_signals(actor).filter(pupil_id=signal.pupil_id).exclude(pk=signal.pk)
    signals = list(others.select_related("author").order_by("-observed_at", "-pk")[: HISTORY_SIGNALS + 1])
    # Every dossier of the pupil at the school, and whether the actor may open it: the same rule
    # (haven.access.policy.can_view_case) as the dossier page, so no link leads to a refusal. The
    # rule needs to know only whether the actor is among the members.
    is_member = CaseMember.objects.filter(case_id=OuterRef("pk"), user_id=actor.user_id)
    cases = list(
        Case.objects.filter(school_id=signal.school_id, pupil_id=signal.pupil_id)
        .select_related("lead")
        .annotate(actor_is_member=Exists(is_member))
        .order_by("-status", "-opened_at", "-pk")  # "open" before "closed"
    )
    rows = [
        HistoryCase(case, can_view_case(actor, case.school_id, [actor.user_id] if case.actor_is_member else []))
        for case in cases
    ]
    return PupilHistory(signals=signals[:HISTORY_SIGNALS], more_signals=len(signals) > HISTORY_SIGNALS, cases=rows)


def audit_signal_view(actor: Actor, signal: Signal, history: PupilHistory | None = None) -> None:
    """The read of a signal's page, with the pupil's history it showed (`get_signal(audit=False)` first)."""
    detail = None
    if history is not None:
        detail = {"history": {"signals": [s.pk for s in history.signals], "cases": [r.case.pk for r in history.cases]}}
    record_event(
        actor,
        MeldcodeAction.SIGNAL_VIEW,
        kind=AuditEvent.Kind.READ,
        obj=signal,
        case=signal.case,
        pupil=signal.pupil_id,
        detail=detail,
    )


def count_per_case(model: type[models.Model]) -> Coalesce:
    """The number of `model` rows of each case, as an annotation (a subquery on the case index)."""
    rows = model._default_manager.filter(case_id=OuterRef("pk")).order_by().values("case_id")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def case_list(actor: Actor, status: str | None = None) -> QuerySet[Case]:
    cases = visible_cases(actor).select_related("pupil", "lead")
    if status in (Case.Status.OPEN, Case.Status.CLOSED):
        cases = cases.filter(status=status)
    # One counting subquery per relation, not COUNT(DISTINCT) over four joins: those joins multiply
    # each case's rows (signals x consultations x conversations x weighings) before grouping.
    return cases.annotate(
        n_signals=count_per_case(Signal),
        n_consultations=count_per_case(Consultation),
        n_conversations=count_per_case(Conversation),
        n_weighings=count_per_case(Weighing),
    ).prefetch_related(
        Prefetch("stepskips", queryset=StepSkip.objects.only("case_id", "step")),
        Prefetch("decisions", queryset=Decision.objects.only("case_id", "outcome", "recorded_at")),
        Prefetch("reports", queryset=Report.objects.only("case_id", "made_on", "recorded_at")),
    )


def current_report(reports: list[Report], decision: Decision | None) -> Report | None:
    """The report that belongs to the latest decision: a draft, or one made since that decision.

    After a new decision to report again (question 5 answered "no"), the report made earlier
    belongs to the past and a new one is due.
    """
    if not reports:
        return None
    latest = reports[-1]
    if latest.is_made and decision is not None and latest.recorded_at < decision.recorded_at:
        return None
    return latest


def facts_for(case: Case) -> CaseFacts:
    """Route facts from a case whose related records are prefetched (see case_list)."""

    def count(annotation: str, related: str) -> int:
        if hasattr(case, annotation):
            return int(getattr(case, annotation))
        return len(getattr(case, related).all())

    return facts_from(
        case,
        signal_count=count("n_signals", "signals"),
        consultation_count=count("n_consultations", "consultations"),
        conversation_count=count("n_conversations", "conversations"),
        skips=list(case.stepskips.all()),
        has_weighing=count("n_weighings", "weighings") > 0,
        decisions=list(case.decisions.all()),
        reports=list(case.reports.all()),
    )


def facts_from(
    case: Case,
    *,
    signal_count: int,
    consultation_count: int,
    conversation_count: int,
    skips: list[StepSkip],
    has_weighing: bool,
    decisions: list[Decision],
    reports: list[Report],
) -> CaseFacts:
    """Route facts from a case and its records (each list in the order it was recorded)."""
    decision = decisions[-1] if decisions else None
    report = current_report(reports, decision)
    return CaseFacts(
        signal_count=signal_count,
        consultation_count=consultation_count,
        conversation_count=conversation_count,
        skipped_steps=frozenset(s.step for s in skips),
        has_weighing=has_weighing,
        decision_outcome=DecisionOutcome(decision.outcome) if decision else None,
        report_made=report is not None and report.is_made,
        acute=case.acute,
        closed=not case.is_open,
    )


@dataclass
class Dossier:
    case: Case
    route: RouteState
    signals: list[Signal]
    consultations: list[Consultation]
    conversations: list[Conversation]
    skips: dict[int, StepSkip]
    weighing: Weighing | None
    decision: Decision | None
    report: Report | None
    reports: list[Report]
    amendments: dict[int, list[SignalAmendment]]  # per signal, oldest first
    closures: list[Closure]
    members: list[CaseMember]
    timeline: list[AuditEvent]
    look_along_open: int
    people: dict[int, User]  # everyone the dossier names, with the columns their names need
    help_plan: bool = False  # the current decision (to help) has its help plan
    next_evaluation_id: int | None = None  # that plan's first evaluation moment not yet answered
    # Every record of the kinds above shows only the latest or one per step of (for the exports).
    step_skips: list[StepSkip] = dataclasses.field(default_factory=list)
    weighings: list[Weighing] = dataclasses.field(default_factory=list)
    decisions: list[Decision] = dataclasses.field(default_factory=list)

    # The rows of the dossier sections' reads, per section (load_dossier(sections=True)).
    section_rows: dict[str, list[list[Any]]] = dataclasses.field(default_factory=dict)
    _pending_people: list[tuple[Any, str]] | None = dataclasses.field(default=None, repr=False)

    def attach_people(self, records: list[tuple[Any, str]]) -> None:
        """For the sections other apps add to the dossier page: most people are read already; the
        others are read in one query for all sections (`people_together`)."""
        if self._pending_people is not None:
            self._pending_people.extend(records)
        else:
            attach_people(records, self.people)

    @contextmanager
    def people_together(self) -> Iterator[None]:
        """Collect the people that `attach_people` is asked for, and read them once at the end."""
        self._pending_people = []
        try:
            yield
            attach_people(self._pending_people, self.people)
        finally:
            self._pending_people = None

    def signal_text(self, signal: Signal) -> dict[str, str]:
        return signal.text_with(self.amendments.get(signal.pk, []))

    def prefetched_case(self) -> Case:
        """The second step for the exports (PDFs, the handover package): the case with the records
        this dossier read as its related managers' results (`case.signals.all()`, each signal's
        `amendments.all()`, `case.memberships.all()`, ...), as `prefetch_related` would leave them,
        without reading them again."""
        case = self.case
        for signal in self.signals:
            _prefetched(signal, amendments=self.amendments.get(signal.pk, []))
        _prefetched(
            case,
            signals=self.signals,
            consultations=self.consultations,
            conversations=self.conversations,
            stepskips=self.step_skips,
            weighings=self.weighings,
            decisions=self.decisions,
            reports=self.reports,
            closures=self.closures,
            memberships=self.members,
        )
        return case


# The records of one dossier, each a fixed-shape read by case: prepared, so that the page does not
# pay Django's query compilation a dozen times over (see haven/infrastructure/prepared.py).
_signals_of = PreparedQuery(lambda case_id: Signal.objects.filter(case_id=case_id).order_by("observed_at", "pk"))
_amendments_of = PreparedQuery(
    lambda case_id: SignalAmendment.objects.filter(signal__case_id=case_id).order_by("created_at", "pk")
)
_consultations_of = PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id))
_conversations_of = PreparedQuery(lambda case_id: Conversation.objects.filter(case_id=case_id))
_skips_of = PreparedQuery(lambda case_id: StepSkip.objects.filter(case_id=case_id))
_weighings_of = PreparedQuery(lambda case_id: Weighing.objects.filter(case_id=case_id))
_decisions_of = PreparedQuery(lambda case_id: Decision.objects.filter(case_id=case_id))
_reports_of = PreparedQuery(lambda case_id: Report.objects.filter(case_id=case_id))
_closures_of = PreparedQuery(lambda case_id: Closure.objects.filter(case_id=case_id))
_members_of = PreparedQuery(lambda case_id: CaseMember.objects.filter(case_id=case_id).order_by("added_at", "pk"))
_look_alongs_of = PreparedQuery(
    lambda case_id: LookAlongRequest.objects.filter(signal__case_id=case_id).only("pk", "picked_up_at")
)
_RECORDS_OF_CASE = (
    _signals_of,
    _amendments_of,
    _consultations_of,
    _conversations_of,
    _skips_of,
    _weighings_of,
    _decisions_of,
    _reports_of,
    _closures_of,
    _members_of,
    _look_alongs_of,
)

# The people a dossier names (authors, recorders, members, the timeline's actors) are read once,
# with the columns their names need, instead of joining the wide user row into every record's query.
_NAME_COLUMNS = ("id", "username", "first_name", "last_name")


def _prefetched(instance: models.Model, **related: list[Any]) -> None:
    """Give `instance` these rows as its related managers' results, as `prefetch_related` does."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        manager = getattr(instance, name)  # a reverse foreign key's manager (reads nothing yet)
        queryset = manager.get_queryset()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[manager.field.remote_field.cache_name] = queryset


def attach_people(records: list[tuple[Any, str]], people: dict[int, User]) -> None:
    """Give each (record, field) pair its user: from `people` (users read before), the others read
    in one query and added to `people`."""
    missing = {getattr(record, f"{field}_id") for record, field in records} - people.keys() - {None}
    if missing:
        people.update((user.pk, user) for user in User.objects.filter(pk__in=missing).only(*_NAME_COLUMNS))
    for record, field in records:
        if (user_id := getattr(record, f"{field}_id")) is not None:
            setattr(record, field, people[user_id])


def load_dossier(
    actor: Actor, pk: int, *, audit: bool = True, timeline: bool = True, sections: bool = False
) -> Dossier:
    """Everything the dossier page shows, in a fixed number of queries whatever the case's size:
    the one loader of a dossier. The case is looked up through the policy (outside one's scope:
    404, the attempt audited) and its view audited unless `audit` is False (an export writes its
    own read event). `timeline=False` leaves out the audit timeline (and the look-along requests it
    needs): the PDFs and the handover package do not show it. For the records as the case's related
    managers (`case.signals.all()`, ...), take the second step `Dossier.prefetched_case()`.
    `sections=True` (the dossier page) sends the registered sections' reads along with the
    dossier's own (haven/meldcode/sections.py)."""
    case = get_case(actor, pk, audit=audit, related=("pupil", "school"), help_plan=True)
    return read_dossier(
        case, timeline=timeline, section_reads=section_registry.reads_of(actor, case) if sections else ()
    )


def read_dossier(
    case: Case, *, timeline: bool = True, section_reads: Sequence[tuple[str, Sequence[section_registry.Read]]] = ()
) -> Dossier:
    """The records of `case`, which the caller has already scoped (`load_dossier` through the
    policy; a service that holds the case, such as the handover package). `case` comes with its
    pupil and school; read through `get_case(help_plan=True)` it also knows its help plan."""
    reads = _RECORDS_OF_CASE if timeline else _RECORDS_OF_CASE[:-1]
    own = [(records_of, [case.pk]) for records_of in reads]
    rows = fetch_together(*own, *(read for _name, section in section_reads for read in section))
    section_rows = {}
    position = len(own)
    for name, section in section_reads:
        section_rows[name] = rows[position : position + len(section)]
        position += len(section)
    (
        signals,
        amended,
        consultations,
        conversations,
        skips,
        weighings,
        decisions,
        reports,
        closures,
        members,
        *look_along_rows,
    ) = rows[: len(own)]
    look_alongs = look_along_rows[0] if look_along_rows else []
    amendments = group_by(amended, "signal_id")
    # The ids as a list, not a subquery: PostgreSQL runs such a subquery as a filter after reading
    # every look-along event of every school through the index on object_type alone.
    look_along_ids = [request.pk for request in look_alongs]
    # Events about the case's signals from before it existed (logged, look-along) belong to its story.
    events = (
        list(
            AuditEvent.objects.filter(
                Q(case=case)
                | Q(object_type="signal", object_id__in=[signal.pk for signal in signals])
                | Q(object_type="lookalongrequest", object_id__in=look_along_ids),
                kind=AuditEvent.Kind.CHANGE,
            )
            .only("at", "action", "actor_id", "case_id")
            .order_by("-at", "-pk")
        )
        if timeline
        else []
    )
    people: dict[int, User] = {}
    attach_people(
        [(case, "lead"), (case, "opened_by")]
        + [(signal, "author") for signal in signals]
        + [(amendment, "author") for per_signal in amendments.values() for amendment in per_signal]
        + [(record, "recorded_by") for record in [*consultations, *conversations, *skips, *weighings, *decisions]]
        + [(report, field) for report in reports for field in ("recorded_by", "made_by")]
        + [(closure, field) for closure in closures for field in ("recorded_by", "reopened_by")]
        + [(member, field) for member in members for field in ("user", "added_by")]
        + [(event, "actor") for event in events],
        people,
    )
    for record in [*signals, *consultations, *conversations, *skips, *weighings, *decisions, *reports, *closures]:
        record.case = case
    decision = decisions[-1] if decisions else None
    facts = facts_from(
        case,
        signal_count=len(signals),
        consultation_count=len(consultations),
        conversation_count=len(conversations),
        skips=skips,
        has_weighing=bool(weighings),
        decisions=decisions,
        reports=reports,
    )
    return Dossier(
        case=case,
        route=route_state(facts),
        signals=signals,
        consultations=consultations,
        conversations=conversations,
        skips={s.step: s for s in skips},
        weighing=weighings[-1] if weighings else None,
        decision=decision,
        report=current_report(reports, decision),
        reports=reports,
        amendments=amendments,
        closures=closures,
        members=members,
        timeline=events,
        look_along_open=sum(1 for request in look_alongs if request.picked_up_at is None),
        people=people,
        # Only a case read with its help plan's state (get_case(help_plan=True)) knows it: annotated
        # by _with_help_plan, which mypy cannot see.
        help_plan=(help_plan := decision is not None and getattr(case, "help_plan_decision_id", None) == decision.pk),
        next_evaluation_id=case.next_evaluation_id if help_plan else None,  # type: ignore[attr-defined]
        step_skips=skips,
        weighings=weighings,
        decisions=decisions,
        section_rows=section_rows,
    )


def own_group_pupils(actor: Actor, pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Of `pupils` (already scoped), those in a group the actor teaches this school year."""
    start = timezone.localdate().year if timezone.localdate().month >= 8 else timezone.localdate().year - 1
    return pupils.filter(
        placements__group__teachers=actor.user_id, placements__school_year=f"{start}-{start + 1}"
    ).distinct()


def search_pupils(actor: Actor, text: str, limit: int = 20) -> list[Pupil]:
    """Pupils whose names hold every word typed, each with their current group (`group_name`):
    the pupils of the actor's own groups first, then the others, each part in Dutch name order."""
    if not text.strip():
        return []
    pupils = school_pupils(actor).with_group(teacher_id=actor.user_id)
    for word in text.split():
        pupils = pupils.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    # `in_own_group` comes from with_group(teacher_id=...), a conditional annotation the plugin cannot see.
    return list(pupils.order_by("-in_own_group", *NAME_ORDER)[:limit])  # type: ignore[misc]


def school_staff(actor: Actor, roles: frozenset[Role] = STAFF_ROLES) -> QuerySet[User]:
    """Active staff of the actor's school holding one of `roles` there (never the functional admin)."""
    # One filter() call: school and role must hold for the same membership, not for any two.
    return User.objects.filter(
        is_active=True,
        memberships__school_id=actor.member_school_id,
        memberships__role__in=list(roles & STAFF_ROLES),
    ).order_by("last_name", "first_name")


def possible_leads(actor: Actor) -> QuerySet[User]:
    return school_staff(actor, SCHOOL_WIDE_ROLES)


@dataclass
class StaffChoices:
    members: Sequence[User]  # every staff member may join a dossier
    leads: Sequence[User]  # the school-wide roles may lead one


class _WithRole(TypedDict):
    role: str  # the membership's role in the actor's school


_staff_with_roles: "ActorQuery[WithAnnotations[User, _WithRole]]" = ActorQuery(
    lambda actor: school_staff(actor).only(*_NAME_COLUMNS).annotate(role=F("memberships__role"))
)


def staff_choices(actor: Actor) -> StaffChoices:
    """The dossier page's two pick lists from one query (the same people as school_staff and possible_leads)."""
    staff = _staff_with_roles(actor)
    return StaffChoices(members=staff, leads=[user for user in staff if user.role in SCHOOL_WIDE_ROLES])


def age(pupil: Pupil, on: date | None = None) -> int:
    on = on or timezone.localdate()
    born = pupil.date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# The household members whose contact details Veilig Thuis asks for: the parents and carers.
PARENT_RELATIONS = ("mother", "father", "carer", "step_parent")


def _conversation_text(dossier: Dossier) -> str:
    """Step 3 as the report tells it: each conversation with the parents, or why there was none."""
    parts = []
    for conversation in dossier.conversations:
        head = ", ".join(
            filter(
                None,
                [
                    date_format(conversation.held_on),
                    _("with %(whom)s") % {"whom": ", ".join(conversation.participant_labels()).lower()}
                    + (f" ({conversation.participants_detail})" if conversation.participants_detail else ""),
                    _("face to face") if conversation.face_to_face else _("not face to face"),
                    conversation.location,
                ],
            )
        )
        lines = [
            head,
            _("What was shared: %(text)s") % {"text": conversation.shared},
            _("Their reaction: %(text)s") % {"text": conversation.reaction},
        ]
        if conversation.agreements:
            lines.append(_("Agreements: %(text)s") % {"text": conversation.agreements})
        parts.append("\n".join(lines))
    skip = dossier.skips.get(3)
    if skip is not None:
        parts.append(
            _("There was no conversation with the parents. Reason: %(reason)s.") % {"reason": skip.get_reason_display()}
            + (f" {skip.explanation}" if skip.explanation else "")
        )
    return "\n\n".join(parts)


def report_initial(dossier: Dossier, reporter: User, role: Role | None) -> dict[str, Any]:
    """A first draft of the report from what the dossier, the reporter's account and the school
    already hold; the reporter checks and completes it."""
    texts = [dossier.signal_text(s) for s in dossier.signals]
    case = dossier.case
    pupil, school = case.pupil, case.school
    household = [
        _("%(name)s, born %(date)s (%(age)s years)")
        % {"name": pupil.full_name, "date": date_format(pupil.date_of_birth), "age": age(pupil)}
    ]
    contacts = []
    for member in pupil.household.all():
        values = {"name": member.name, "relation": member.get_relation_display()}
        if member.lives_with_pupil:
            household.append(_("%(name)s (%(relation)s)") % values)
        else:
            household.append(_("%(name)s (%(relation)s, does not live with the pupil)") % values)
        if member.relation in PARENT_RELATIONS:
            where = pupil.address if member.lives_with_pupil and pupil.address else _("address not known")
            contacts.append(f"{member.name} ({member.get_relation_display()}): {where}")
    weighing = dossier.weighing
    consultations = [
        f"{date_format(c.held_on)}: {c.get_consulted_display()} {c.consulted_name}".strip()
        for c in dossier.consultations
    ]
    return {
        "reporter_name": reporter.get_full_name() or reporter.get_username(),
        "reporter_function": str(ROLE_LABELS.get(role.value, "")) if role is not None else "",
        "reporter_phone": reporter.phone,
        "reporter_email": reporter.email,
        "school_name": school.name,
        "school_address": school.address,
        "relation_to_family": _("School of the pupil (%(school)s).") % {"school": school},
        "pupil_address": pupil.address,
        "household": "\n".join(household),
        "household_contacts": "\n".join(contacts),
        "direct_cause": texts[-1]["facts"] if texts else "",
        "facts": "\n\n".join(
            f"{date_format(timezone.localtime(s.observed_at).date())}: {t['facts']}"
            + ("\n" + _("The child said: %(words)s") % {"words": t["child_words"]} if t["child_words"] else "")
            for s, t in zip(dossier.signals, texts, strict=True)
        ),
        "interpretation": "\n".join(t["interpretation"] for t in texts if t["interpretation"]),
        "conversation": _conversation_text(dossier),
        "risk_factors": weighing.risk_factors if weighing else "",
        "protective_factors": weighing.protective_factors if weighing else "",
        "help_contacts": "\n".join(consultations),
    }


# Advice requests to Veilig Thuis recorded without a dossier (haven/meldcode/advice.py) -------------

ADVICE_REQUESTS_PER_PAGE = 50


def advice_request_page(actor: Actor, number: str | None) -> Page[AdviceRequest]:
    """One page of the school's advice requests, newest first; showing it is an audited read.

    Only the school-wide roles see them: an advice request is the school's, not a dossier's, so
    there is no membership to narrow it to.
    """
    if not actor.sees_whole_school or actor.school_id is None:
        requests = AdviceRequest.objects.none()
    else:
        requests = AdviceRequest.objects.filter(school_id=actor.member_school_id).select_related("pupil", "recorded_by")
    page = Paginator(requests.order_by("-held_on", "-pk"), ADVICE_REQUESTS_PER_PAGE).get_page(number)
    record_event(
        actor,
        MeldcodeAction.ADVICE_REQUEST_LIST,
        kind=AuditEvent.Kind.READ,
        detail={
            "page": page.number,
            "advice_requests": [request.pk for request in page],
            # Whose names the page showed: "who read about this pupil" finds this read too.
            "pupils": sorted({request.pupil_id for request in page if request.pupil_id is not None}),
        },
    )
    return page


# The dossier's signalling section: the verwijsindex and the planned conversations ------------------


# Fixed-shape reads by case, prepared: the page does not pay Django's query compilation for each
# (see haven/infrastructure/prepared.py). Both come in the models' order.
_referral_entries_of = PreparedQuery(lambda case_id: ReferralIndexEntry.objects.filter(case_id=case_id))
_planned_of = PreparedQuery(lambda case_id: PlannedConversation.objects.filter(case_id=case_id))


@dataclass
class DossierSignalling:
    referral_entries: list[ReferralIndexEntry]  # oldest first
    planned: list[PlannedConversation]  # each with `held`, soonest first


def dossier_signalling_reads(case: Case) -> list[section_registry.Read]:
    """What `dossier_signalling` reads, sent with the dossier's own reads."""
    return [(_referral_entries_of, [case.pk]), (_planned_of, [case.pk])]


def dossier_signalling(dossier: Dossier, entries: list[ReferralIndexEntry], plans: list[Any]) -> DossierSignalling:
    """The verwijsindex entries and planned conversations of a dossier `load_dossier` read (which
    decided access and audited the read), from the rows of `dossier_signalling_reads`, with the
    names of the people in them.

    Whether a planned conversation was held follows from the dossier's recorded conversations (the
    same test as `with_state`, without asking the database again).
    """
    latest = max((c.recorded_at for c in dossier.conversations), default=None)
    for plan in plans:
        plan.held = latest is not None and latest >= plan.created_at
    dossier.attach_people(
        [(entry, "recorded_by") for entry in entries]
        + [(plan, field) for plan in plans for field in ("planned_by", "cancelled_by")]
    )
    return DossierSignalling(referral_entries=entries, planned=plans)


# Planned conversations ------------------------------------------------------------------------------


def with_state(plans: QuerySet[PlannedConversation]) -> QuerySet[PlannedConversation]:
    """Annotate `held`: a conversation was recorded in the dossier after this one was planned."""
    later = Conversation.objects.filter(case_id=OuterRef("case_id"), recorded_at__gte=OuterRef("created_at"))
    return plans.annotate(held=Exists(later))


def open_planned_conversations(actor: Actor) -> QuerySet[PlannedConversation]:
    """Planned conversations of the open dossiers the person may open, not held and not cancelled."""
    plans = PlannedConversation.objects.filter(
        case__in=visible_cases(actor).filter(status=Case.Status.OPEN), cancelled_at__isnull=True
    )
    # `held` is with_state's annotation; its QuerySet[PlannedConversation] type does not carry it.
    return with_state(plans).filter(held=False).select_related("case__pupil").order_by("planned_at", "pk")  # type: ignore[misc]


def get_planned_conversation(actor: Actor, pk: int) -> PlannedConversation:
    return scoped_get(
        actor,
        with_state(PlannedConversation.objects.filter(case__in=visible_cases(actor))).select_related("case"),
        pk,
        action=MeldcodeAction.CASE_VIEW,
        about=lambda existing: {"obj": existing, "case": existing.case},
        unscoped=PlannedConversation.objects.select_related("case"),
    )
