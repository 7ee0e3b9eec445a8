"""Reads of route data, always scoped by the access policy and audited.

A view never queries Signal or Case directly: it asks these functions, which return only what
the acting person may see. Objects of another school or outside one's dossiers raise Http404,
so their existence does not leak, and the denied attempt is written to the audit log.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.access.roles import SCHOOL_WIDE_ROLES, STAFF_ROLES, Role
from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.meldcode.models import (
    Case,
    CaseMember,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Report,
    Signal,
    SignalAmendment,
    StepSkip,
    Weighing,
)
from haven.meldcode.workflow import CaseFacts, DecisionOutcome, RouteState, route_state
from haven.pupils.models import Pupil


def visible_cases(actor: Actor) -> QuerySet[Case]:
    if not actor.is_staff or actor.school_id is None:
        return Case.objects.none()
    cases = Case.objects.filter(school_id=actor.school_id)
    if not actor.sees_whole_school:
        cases = cases.filter(memberships__user_id=actor.user_id)
    return cases


def visible_signals(actor: Actor) -> QuerySet[Signal]:
    if not actor.is_staff or actor.school_id is None:
        return Signal.objects.none()
    signals = Signal.objects.filter(school_id=actor.school_id)
    if not actor.sees_whole_school:
        signals = signals.filter(Q(author_id=actor.user_id) | Q(case__memberships__user_id=actor.user_id)).distinct()
    return signals


def _get_or_deny(actor: Actor, visible: QuerySet[Any], model: type, pk: int, action: str) -> Any:
    obj = visible.filter(pk=pk).first()
    if obj is None:
        existing = model.objects.filter(pk=pk).first()
        if existing is not None:
            case = existing if isinstance(existing, Case) else getattr(existing, "case", None)
            record_event(
                actor,
                action,
                kind=AuditEvent.Kind.READ,
                obj=existing,
                case=case,
                pupil=existing.pupil_id,
                outcome=AuditEvent.Outcome.DENIED,
            )
        raise Http404
    return obj


def get_signal(actor: Actor, pk: int, *, audit: bool = True) -> Signal:
    signals = visible_signals(actor).select_related("pupil", "author", "case", "triaged_by")
    signal = _get_or_deny(actor, signals, Signal, pk, "signal.view")
    if audit:
        record_event(
            actor, "signal.view", kind=AuditEvent.Kind.READ, obj=signal, case=signal.case, pupil=signal.pupil_id
        )
    return signal


def get_case(
    actor: Actor, pk: int, *, audit: bool = True, related: tuple[str, ...] = ("pupil", "lead"), prefetch: tuple = ()
) -> Case:
    """The case if the actor may see it (its view audited), else 404 with the denied attempt audited.
    `related` and `prefetch` let a page load what it shows in the same scoped lookup."""
    cases = visible_cases(actor).select_related(*related).prefetch_related(*prefetch)
    case = _get_or_deny(actor, cases, Case, pk, "case.view")
    if audit:
        record_event(actor, "case.view", kind=AuditEvent.Kind.READ, obj=case, case=case)
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
    return (
        visible_signals(actor)
        .filter(status=Signal.Status.NEW)
        .select_related("pupil", "author")
        .order_by("observed_at", "pk")
    )


def open_look_along_requests(actor: Actor) -> QuerySet[LookAlongRequest]:
    if not actor.sees_whole_school:
        return LookAlongRequest.objects.none()
    return (
        LookAlongRequest.objects.filter(school_id=actor.school_id, picked_up_at__isnull=True)
        .select_related("signal__pupil", "requested_by")
        .order_by("requested_at")
    )


def get_look_along_request(actor: Actor, pk: int) -> LookAlongRequest:
    requests = LookAlongRequest.objects.filter(school_id=actor.school_id) if actor.sees_whole_school else None
    if requests is None or not (request := requests.select_related("signal").filter(pk=pk).first()):
        raise Http404
    return request


def open_case_for_pupil(actor: Actor, pupil_id: int) -> Case | None:
    return visible_cases(actor).filter(pupil_id=pupil_id, status=Case.Status.OPEN).first()


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


def open_cases_marking_mine(actor: Actor) -> QuerySet[Case]:
    """The open dossiers the actor sees, each with `is_mine` (a member): the home page needs both
    the whole school's per-step counts and "my dossiers", and one pass serves them."""
    mine = CaseMember.objects.filter(case_id=OuterRef("pk"), user_id=actor.user_id)
    return case_list(actor, Case.Status.OPEN).annotate(is_mine=Exists(mine))


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
    """Route facts from a case whose related records are prefetched (see case_list / load_dossier)."""
    decisions = list(case.decisions.all())

    def count(annotation: str, related: str) -> int:
        if hasattr(case, annotation):
            return int(getattr(case, annotation))
        return len(getattr(case, related).all())

    return CaseFacts(
        signal_count=count("n_signals", "signals"),
        consultation_count=count("n_consultations", "consultations"),
        conversation_count=count("n_conversations", "conversations"),
        skipped_steps=frozenset(s.step for s in case.stepskips.all()),
        has_weighing=count("n_weighings", "weighings") > 0,
        decision_outcome=DecisionOutcome(decisions[-1].outcome) if decisions else None,
        report_made=(report := current_report(list(case.reports.all()), decisions[-1] if decisions else None))
        is not None
        and report.is_made,
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
    closures: list[Closure]
    members: list[CaseMember]
    timeline: list[AuditEvent]
    look_along_open: int


def load_dossier(actor: Actor, pk: int) -> Dossier:
    """Everything the dossier page shows, in a fixed number of queries whatever the case's size."""
    # The scoped lookup itself carries the prefetches: the case is fetched once.
    case = get_case(
        actor,
        pk,
        related=("pupil", "lead", "school"),
        prefetch=(
            Prefetch(
                "signals",
                queryset=Signal.objects.select_related("author")
                .prefetch_related(Prefetch("amendments", queryset=SignalAmendment.objects.select_related("author")))
                .order_by("observed_at", "pk"),
            ),
            Prefetch("consultations", queryset=Consultation.objects.select_related("recorded_by")),
            Prefetch("conversations", queryset=Conversation.objects.select_related("recorded_by")),
            Prefetch("stepskips", queryset=StepSkip.objects.select_related("recorded_by")),
            Prefetch("weighings", queryset=Weighing.objects.select_related("recorded_by")),
            Prefetch("decisions", queryset=Decision.objects.select_related("recorded_by")),
            Prefetch("reports", queryset=Report.objects.select_related("made_by", "recorded_by")),
            Prefetch("closures", queryset=Closure.objects.select_related("recorded_by", "reopened_by")),
            Prefetch("memberships", queryset=CaseMember.objects.select_related("user").order_by("added_at")),
            "pupil__household",
        ),
    )
    weighings = list(case.weighings.all())
    decisions = list(case.decisions.all())
    reports = list(case.reports.all())
    signal_ids = [signal.pk for signal in case.signals.all()]
    # The ids as a list, not a subquery: PostgreSQL runs such a subquery as a filter after reading
    # every look-along event of every school through the index on object_type alone.
    look_alongs = list(LookAlongRequest.objects.filter(signal__case=case).values_list("pk", "picked_up_at"))
    look_along_ids = [pk for pk, _picked_up_at in look_alongs]
    # Events about the case's signals from before it existed (logged, look-along) belong to its story.
    timeline = list(
        AuditEvent.objects.filter(
            Q(case=case)
            | Q(object_type="signal", object_id__in=signal_ids)
            | Q(object_type="lookalongrequest", object_id__in=look_along_ids),
            kind=AuditEvent.Kind.CHANGE,
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    look_along_open = sum(1 for _pk, picked_up_at in look_alongs if picked_up_at is None)
    return Dossier(
        case=case,
        route=route_state(facts_for(case)),
        signals=list(case.signals.all()),
        consultations=list(case.consultations.all()),
        conversations=list(case.conversations.all()),
        skips={s.step: s for s in case.stepskips.all()},
        weighing=weighings[-1] if weighings else None,
        decision=decisions[-1] if decisions else None,
        report=current_report(reports, decisions[-1] if decisions else None),
        reports=reports,
        closures=list(case.closures.all()),
        members=list(case.memberships.all()),
        timeline=timeline,
        look_along_open=look_along_open,
    )


def school_pupils(actor: Actor) -> QuerySet[Pupil]:
    if actor.school_id is None or actor.role is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(school_id=actor.school_id)


def search_pupils(actor: Actor, text: str, limit: int = 20) -> list[Pupil]:
    pupils = school_pupils(actor)
    for word in text.split():
        pupils = pupils.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(pupils.order_by("last_name", "first_name")[:limit]) if text.strip() else []


def school_staff(actor: Actor, roles: frozenset[Role] = STAFF_ROLES) -> QuerySet[User]:
    """Active staff of the actor's school holding one of `roles` there (never the functional admin)."""
    # One filter() call: school and role must hold for the same membership, not for any two.
    return User.objects.filter(
        is_active=True,
        memberships__school_id=actor.school_id,
        memberships__role__in=list(roles & STAFF_ROLES),
    ).order_by("last_name", "first_name")


def possible_leads(actor: Actor) -> QuerySet[User]:
    return school_staff(actor, SCHOOL_WIDE_ROLES)


def age(pupil: Pupil, on: date | None = None) -> int:
    on = on or timezone.localdate()
    born = pupil.date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def report_initial(dossier: Dossier) -> dict[str, str]:
    """A first draft of the report from what the dossier already holds; the reporter completes it."""
    from haven.meldcode.services import current_text

    texts = [current_text(s) for s in dossier.signals]
    pupil = dossier.case.pupil
    household = [
        _("%(name)s, born %(date)s (%(age)s years)")
        % {"name": pupil.full_name, "date": date_format(pupil.date_of_birth), "age": age(pupil)}
    ]
    for member in pupil.household.all():
        values = {"name": member.name, "relation": member.get_relation_display()}
        if member.lives_with_pupil:
            household.append(_("%(name)s (%(relation)s)") % values)
        else:
            household.append(_("%(name)s (%(relation)s, does not live with the pupil)") % values)
    weighing = dossier.weighing
    consultations = [
        f"{date_format(c.held_on)}: {c.get_consulted_display()} {c.consulted_name}".strip()
        for c in dossier.consultations
    ]
    return {
        "relation_to_family": _("School of the pupil (%(school)s).") % {"school": dossier.case.school},
        "direct_cause": texts[-1]["facts"] if texts else "",
        "facts": "\n\n".join(
            f"{date_format(timezone.localtime(s.observed_at).date())}: {t['facts']}"
            + ("\n" + _("The child said: %(words)s") % {"words": t["child_words"]} if t["child_words"] else "")
            for s, t in zip(dossier.signals, texts, strict=True)
        ),
        "interpretation": "\n".join(t["interpretation"] for t in texts if t["interpretation"]),
        "risk_factors": weighing.risk_factors if weighing else "",
        "protective_factors": weighing.protective_factors if weighing else "",
        "household": "\n".join(household),
        "help_contacts": "\n".join(consultations),
    }
