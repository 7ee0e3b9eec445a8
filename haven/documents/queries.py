"""What the PDF exports read: a dossier's records, scoped by the policy, and its chronology.

The views first ask `haven.meldcode.queries` for the dossier (`load_dossier`, the one loader of
a dossier, with `Dossier.prefetched_case()` for its records; `get_case`) or `get_conversation`
here for the object, so a dossier outside the actor's scope answers 404 and the attempt is logged.
Each export is one audited read event of its own ("document.*").
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Model
from django.utils import timezone

from haven.access.lookup import scoped_get
from haven.access.policy import Actor
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.documents.audit_actions import DocumentAction
from haven.meldcode.models import Case, Conversation, Report
from haven.meldcode.queries import current_report, visible_cases
from haven.meldcode.services import current_text


def report_for_export(case: Case) -> Report | None:
    """The report of the current decision, or else the last one made (as the print page shows)."""
    reports = list(case.reports.order_by("recorded_at", "pk").select_related("made_by"))
    decision = case.decisions.order_by("recorded_at", "pk").last()
    return current_report(reports, decision) or (reports[-1] if reports else None)


def get_conversation(actor: Actor, pk: int) -> Conversation:
    """A conversation in a dossier the actor may see; otherwise 404, and the attempt is logged."""
    return scoped_get(
        actor,
        Conversation.objects.filter(case__in=visible_cases(actor)).select_related(
            "case__pupil", "case__school", "recorded_by"
        ),
        pk,
        action=DocumentAction.CONVERSATION,
        about=lambda existing: {"obj": existing, "case": existing.case},
        unscoped=Conversation.objects.select_related("case"),
    )


def audit_export(actor: Actor, action: str, case: Case, obj: Model | None = None) -> None:
    """Reading an export is reading the dossier: one read event, shown in "who viewed this dossier"."""
    record_event(actor, action, kind=AuditEvent.Kind.READ, obj=obj or case, case=case)


# The chronology ---------------------------------------------------------------------------------


@dataclass
class Entry:
    """One moment in the dossier's story. `kind` picks the template block; `obj` is the record."""

    day: date
    moment: time | None
    kind: str
    obj: Any
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[date, time]:
        return (self.day, self.moment or time.min)


def _at(value: datetime) -> tuple[date, time]:
    local = timezone.localtime(value)
    return local.date(), local.time().replace(second=0, microsecond=0)


class _DayEntry(Entry):
    """An entry known by its day only (held on, made on); it sorts by when it was recorded that day,
    or at the end of its day when it was recorded later. Its time is not shown: it is not known."""

    def __init__(self, day: date, recorded_at: datetime, kind: str, obj: Any) -> None:
        super().__init__(day, None, kind, obj)
        recorded_day, recorded_time = _at(recorded_at)
        self.order = recorded_time if recorded_day == day else time.max

    @property
    def sort_key(self) -> tuple[date, time]:
        return (self.day, self.order)


def chronology(case: Case) -> list[Entry]:
    """Everything in the dossier in date order: the day a thing happened, not the day it was typed.

    Signals count from when they were observed, consultations and conversations from the day they
    were held, decisions from when they were taken and reports from the day they were made; the
    rest from when it was recorded. Within a day, records keep the order in which they were recorded.
    """
    entries: list[Entry] = [Entry(*_at(case.opened_at), "opened", case)]
    for signal in case.signals.all():
        amendments = list(signal.amendments.all())
        entries.append(
            Entry(*_at(signal.observed_at), "signal", signal, {"text": current_text(signal), "amendments": amendments})
        )
    for consultation in case.consultations.all():
        entries.append(_DayEntry(consultation.held_on, consultation.recorded_at, "consultation", consultation))
    for conversation in case.conversations.all():
        entries.append(_DayEntry(conversation.held_on, conversation.recorded_at, "conversation", conversation))
    for skip in case.stepskips.all():
        entries.append(Entry(*_at(skip.recorded_at), "skip", skip))
    for weighing in case.weighings.all():
        entries.append(Entry(*_at(weighing.recorded_at), "weighing", weighing))
    for decision in case.decisions.all():
        entries.append(Entry(*_at(decision.decided_at), "decision", decision))
    for report in case.reports.all():
        if report.made_on is not None:
            entries.append(_DayEntry(report.made_on, report.updated_at, "report", report))
        else:
            entries.append(Entry(*_at(report.recorded_at), "report", report))
    for closure in case.closures.all():
        entries.append(Entry(*_at(closure.recorded_at), "closure", closure))
        if closure.reopened_at is not None:
            entries.append(Entry(*_at(closure.reopened_at), "reopening", closure))
    # sorted() is stable: within one moment, the order above (and the records' own order) stays.
    return sorted(entries, key=lambda entry: entry.sort_key)
