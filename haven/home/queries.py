"""Reads for the home page, scoped by the access policy like every read of case data.

The home page shows little of each record (a name, a date, a step and the next action), so these
reads fetch only those columns, and the route facts of all open dossiers come from one query.
"""

from typing import Any, cast

from django.db import models
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from haven.access.policy import Actor
from haven.infrastructure.encryption import EncryptedField
from haven.meldcode import queries
from haven.meldcode.models import (
    Case,
    CaseMember,
    Consultation,
    Conversation,
    Decision,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.meldcode.workflow import CaseFacts, DecisionOutcome, RouteState, Step, route_state


def latest_own_signals(actor: Actor, limit: int = 5) -> list[Signal]:
    """The signals the actor logged, newest first: what the home page lists of them."""
    return list(
        queries.visible_signals(actor)
        .filter(author_id=actor.user_id)
        .select_related("pupil")
        .only("observed_at", "status", "pupil", "pupil__first_name", "pupil__last_name")[:limit]
    )


def _of_case(
    model: type[models.Model],
    select: str,
    output_field: "models.Field[Any, Any]",
    *,
    latest: bool = False,
    user_id: int = 0,
) -> RawSQL:
    """`select` over the outer case's `model` rows (with `latest`: its latest step record; with
    `user_id`: the rows of that user).

    Written out in plain SQL because Django resolves each ORM subquery against the outer query by
    cloning and relabelling both: the ten of `open_cases` cost more than the rest of the home page.
    Only names from the models go into the SQL; values go in as parameters.
    """
    table = model._meta.db_table
    sql = f"SELECT {select} FROM {table} WHERE {table}.case_id = {Case._meta.db_table}.id"  # noqa: S608 - see above
    params: tuple[int, ...] = ()
    if user_id:
        sql += f" AND {table}.user_id = %s"
        params = (user_id,)
    if latest:  # the order of step records (StepRecord.Meta.ordering), last first
        sql += f" ORDER BY {table}.recorded_at DESC, {table}.id DESC LIMIT 1"
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611 - see above


def open_cases(actor: Actor, *, mark_mine: bool = False) -> QuerySet[Case]:
    """The open dossiers the actor sees (newest first), each with what `route_of` needs; with
    `mark_mine`, also `is_mine` (the actor is a member), for "my dossiers" among the school's."""
    counted = {
        "n_signals": Signal,
        "n_consultations": Consultation,
        "n_conversations": Conversation,
        "n_weighings": Weighing,
    }
    counts = {name: _of_case(model, "COUNT(*)", models.IntegerField()) for name, model in counted.items()}
    cases = (
        queries.visible_cases(actor)
        .filter(status=Case.Status.OPEN)
        .select_related("pupil")
        .only("status", "acute", "pupil", "pupil__first_name", "pupil__last_name")
        .annotate(
            **counts,
            # One bit per skipped step: a case skips a step at most once (constraint `one_skip_per_step`).
            skipped_steps=_of_case(StepSkip, "COALESCE(SUM(1 << step), 0)", models.IntegerField()),
            # The outcome is encrypted with its row: its stored value and that row's id, opened in route_of.
            decision_outcome=_of_case(Decision, "outcome", models.TextField(), latest=True),
            decision_id=_of_case(Decision, "id", models.IntegerField(), latest=True),
            decided_at=_of_case(Decision, "recorded_at", models.DateTimeField(), latest=True),
            report_made_on=_of_case(Report, "made_on", models.DateField(), latest=True),
            report_recorded_at=_of_case(Report, "recorded_at", models.DateTimeField(), latest=True),
        )
    )
    if mark_mine:
        cases = cases.annotate(
            is_mine=_of_case(CaseMember, "COUNT(*) > 0", models.BooleanField(), user_id=actor.user_id)
        )
    return cases


_OUTCOME = cast(EncryptedField, Decision._meta.get_field("outcome"))


def route_of(case: Any) -> RouteState:
    """The route state of a case from `open_cases` (with its annotations): the facts of `queries.facts_for`."""
    # Stand-ins for the latest decision and report, so `current_report` decides as on the dossier
    # page (it looks at the latest report only).
    decision = Decision(recorded_at=case.decided_at) if case.decided_at is not None else None
    reports = [Report(made_on=case.report_made_on, recorded_at=case.report_recorded_at)]
    report = queries.current_report(reports if case.report_recorded_at is not None else [], decision)
    return route_state(
        CaseFacts(
            signal_count=case.n_signals,
            consultation_count=case.n_consultations,
            conversation_count=case.n_conversations,
            skipped_steps=frozenset(step for step in Step if case.skipped_steps & (1 << step)),
            has_weighing=case.n_weighings > 0,
            decision_outcome=DecisionOutcome(_OUTCOME.open(case.decision_outcome, case.decision_id))
            if decision is not None
            else None,
            report_made=report is not None and report.is_made,
            acute=case.acute,
            closed=not case.is_open,
        )
    )
