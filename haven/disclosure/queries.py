"""What Haven holds on one pupil, as readable entries, with the AF's withholding applied.

The same builder serves the page where the AF prepares the access (nothing withheld yet, every
item offered for withholding) and the export parents read (only the reviewed items, as they
stood when the access was recorded). Withholding happens here, in Python: a withheld item
reaches the template as its kind, its date and the marker, never with its text, so no template
can show what was withheld.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from haven.access.lookup import scoped_get
from haven.access.policy import Actor
from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.disclosure.audit_actions import DisclosureAction
from haven.disclosure.models import Disclosure
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    Closure,
    Consultation,
    Conversation,
    Decision,
    Report,
    Signal,
    SignalAmendment,
    StepSkip,
    Weighing,
)
from haven.meldcode.workflow import Step
from haven.pupils.models import Pupil


def withheld_marker(reason: str) -> str:
    return _("[withheld: %(reason)s]") % {"reason": reason}


@dataclass
class Version:
    """An earlier or later wording of a logbook entry (the original, or a correction)."""

    title: str
    meta: list[str]
    fields: list[tuple[str, str]]


@dataclass
class Entry:
    item_id: str
    kind: str
    when: date | None
    meta: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    note: str = ""
    withheld: str = ""
    # The prepare page's bound form fields for this item (withhold, reason); set by the view.
    controls: tuple[Any, Any] | None = None


@dataclass
class Section:
    title: str
    entries: list[Entry]


@dataclass
class Dossier:
    case_id: int
    opened_on: date
    sections: list[Section]


@dataclass
class PupilRecord:
    pupil: Pupil
    pupil_fields: list[tuple[str, str]]
    household: list[Entry]
    logbook: list[Entry]
    # Recorded without a dossier: advice asked of Veilig Thuis, and verwijsindex signals.
    advice_requests: list[Entry]
    referral_index: list[Entry]
    dossiers: list[Dossier]
    mentions: list[date]
    case_ids: list[int]
    missing: int = 0

    def entries(self) -> Iterator[Entry]:
        yield from self.household
        yield from self.logbook
        yield from self.advice_requests
        yield from self.referral_index
        for dossier in self.dossiers:
            for section in dossier.sections:
                yield from section.entries

    @property
    def item_ids(self) -> list[str]:
        return [entry.item_id for entry in self.entries()]

    @property
    def state(self) -> str:
        """A fingerprint of everything shown: it changes when anything about the pupil changes."""
        digest = hashlib.sha256()
        digest.update(repr([self.pupil_fields, self.mentions]).encode())
        for entry in self.entries():
            digest.update(repr((entry.item_id, entry.when, entry.meta, entry.fields, entry.versions)).encode())
        return digest.hexdigest()


def item_id(obj: Model) -> str:
    prefix = {
        "householdmember": "household",
        "stepskip": "skip",
        "advicerequest": "advice",
        "referralindexentry": "referral",
    }.get(obj._meta.model_name or "", obj._meta.model_name or "")
    return f"{prefix}-{obj.pk}"


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def _day(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = _local(value)
    return date_format(value, "j F Y")


def _label(model: type[Model], name: str) -> str:
    return str(capfirst(getattr(model._meta.get_field(name), "verbose_name", name)))


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not answered")
    return _("Yes") if value else _("No")


def _texts(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, text) for label, text in pairs if text]


def _signal_fields(source: Any) -> list[tuple[str, str]]:
    labels = {
        "facts": _("Facts"),
        "child_words": _("The child's own words"),
        "context": _("Context"),
        "contradicting_info": _("Information that contradicts the concern"),
        "interpretation": _("Interpretation (not a fact)"),
    }
    return _texts((labels[name], getattr(source, name)) for name in labels)


class _Builder:
    """Builds the entries; `until`, `items`, `withheld` and `reporter_reason` describe an export."""

    def __init__(
        self,
        *,
        until: datetime | None,
        items: set[str] | None,
        withheld: dict[str, str],
        reporter_reason: str,
        reporter_ids: set[int],
    ) -> None:
        self.until = until
        self.items = items
        self.withheld = withheld
        self.reporter_reason = reporter_reason
        self.reporter_ids = reporter_ids
        self.missing = set(items) if items is not None else set()

    def shown(self, obj: Model, created: datetime | None) -> bool:
        """Reviewed for this export and recorded before it; every item offered while preparing."""
        identifier = item_id(obj)
        self.missing.discard(identifier)
        if self.items is not None and identifier not in self.items:
            return False
        return not (self.until is not None and created is not None and created > self.until)

    def after(self, moment: datetime | None) -> bool:
        return self.until is not None and moment is not None and moment > self.until

    def name(self, user: User | None) -> str:
        """A staff name, or the marker where it would reveal who raised the concern."""
        if user is None:
            return ""
        if self.reporter_reason and user.pk in self.reporter_ids:
            return withheld_marker(self.reporter_reason)
        return str(user)

    def entry(self, obj: Model, kind: str, when: date | None, **content: Any) -> Entry:
        identifier = item_id(obj)
        if identifier in self.withheld:
            return Entry(identifier, kind, when, withheld=withheld_marker(self.withheld[identifier]))
        return Entry(identifier, kind, when, **content)

    # The items ------------------------------------------------------------------------------

    def household(self, members: Iterable[Any]) -> list[Entry]:
        entries = []
        for member in members:
            if not self.shown(member, None):
                continue
            relation = member.get_relation_display()
            if not member.lives_with_pupil:
                relation = _("%(relation)s, does not live with the pupil") % {"relation": relation}
            entries.append(self.entry(member, _("Household member"), None, fields=[(member.name, relation)]))
        return entries

    def signal(self, signal: Signal) -> Entry | None:
        if not self.shown(signal, signal.created_at):
            return None
        amendments = [a for a in signal.amendments.all() if not self.after(a.created_at)]
        current: Any = amendments[-1] if amendments else signal
        # The source can name the reporter as surely as a name does ("a parent", "the police").
        source = withheld_marker(self.reporter_reason) if self.reporter_reason else signal.get_source_display()
        meta = [
            _("logged by %(name)s") % {"name": self.name(signal.author)},
            _("source: %(source)s") % {"source": source},
            ", ".join(signal.category_labels()),
        ]
        others = len(signal.other_pupils.all())
        if others:
            meta.append(
                _("other pupils involved: %(count)s (their names are not part of this overview)") % {"count": others}
            )
        fields = _signal_fields(current)
        if signal.status == Signal.Status.NOTED and signal.noted_reason and not self.after(signal.triaged_at):
            fields.append((_("Why no dossier was opened"), signal.noted_reason))
        versions = []
        if amendments:
            versions.append(
                Version(
                    _("Original text"),
                    [_day(signal.created_at)],
                    _signal_fields(signal),
                )
            )
            for amendment in amendments:
                versions.append(
                    Version(
                        _("Correction"),
                        [
                            _day(amendment.created_at),
                            _("by %(name)s") % {"name": self.name(amendment.author)},
                        ],
                        [(_("Reason for the correction"), amendment.reason), *_signal_fields(amendment)],
                    )
                )
        return self.entry(signal, _("Signal"), _local(signal.observed_at), meta=meta, fields=fields, versions=versions)

    def recorded_by(self, record: Any) -> str:
        return _("recorded by %(name)s") % {"name": self.name(record.recorded_by)}

    def consultation(self, c: Consultation) -> Entry:
        meta = [c.get_consulted_display()]
        if c.consulted_name:
            meta.append(c.consulted_name)
        if c.anonymous:
            meta.append(_("anonymous advice"))
        meta.append(self.recorded_by(c))
        fields = _texts([(_("Question"), c.question), (_("Advice"), c.advice), (_("Agreed actions"), c.agreed_actions)])
        return self.entry(c, _("Consultation"), c.held_on, meta=meta, fields=fields)

    def conversation(self, c: Conversation) -> Entry:
        meta = [", ".join(c.participant_labels())]
        if c.participants_detail:
            meta.append(c.participants_detail)
        meta.append(_("face to face") if c.face_to_face else _("not face to face"))
        if c.location:
            meta.append(c.location)
        meta.append(self.recorded_by(c))
        fields = _texts(
            [
                (_("What was shared"), c.shared),
                (_("Their reaction"), c.reaction),
                (_("Agreements"), c.agreements),
                (_("Written report"), c.get_acknowledgement_display()),
            ]
        )
        return self.entry(c, _("Conversation"), c.held_on, meta=meta, fields=fields)

    def skip(self, s: StepSkip) -> Entry:
        steps: dict[int, str] = {
            Step.CONSULTATION: _("Consultation"),
            Step.CONVERSATION: _("Conversation"),
            Step.WEIGHING: _("Weighing"),
        }
        step = steps.get(s.step, str(s.step))
        return self.entry(
            s,
            _("Step skipped: %(step)s") % {"step": step},
            _local(s.recorded_at),
            meta=[s.get_reason_display(), self.recorded_by(s)],
            fields=_texts([(_label(StepSkip, "explanation"), s.explanation)]),
        )

    def weighing(self, w: Weighing) -> Entry:
        fields = _texts(
            [
                (
                    _("1. Suspicion of domestic violence or child abuse?"),
                    f"{_yes_no(w.suspicion)}: {w.suspicion_explanation}",
                ),
                (
                    _("2. Acute or structural unsafety?"),
                    _yes_no(w.unsafety) + (f": {w.unsafety_explanation}" if w.unsafety_explanation else ""),
                ),
                (_("Risk factors"), w.risk_factors),
                (_("Protective factors"), w.protective_factors),
                (_label(Weighing, "safety_score_parents"), str(w.safety_score_parents or "")),
                (_label(Weighing, "safety_score_pupil"), str(w.safety_score_pupil or "")),
            ]
        )
        return self.entry(w, _("Weighing"), _local(w.recorded_at), meta=[self.recorded_by(w)], fields=fields)

    def decision(self, d: Decision) -> Entry:
        answers = " · ".join(
            f"{number}: {_yes_no(value)}"
            for number, value in enumerate((d.suspicion, d.unsafety, d.can_help, d.accepted, d.effective), start=1)
        )
        fields = _texts(
            [
                (_("Decision"), d.get_outcome_display()),
                (_("Answers"), answers),
                (_("Rationale"), d.rationale),
                (_("Differs from the framework's advice because"), d.deviation_justification),
            ]
        )
        return self.entry(d, _("Decision"), _local(d.decided_at), meta=[self.recorded_by(d)], fields=fields)

    def report(self, r: Report) -> Entry:
        if self.after(r.updated_at):
            # Changed after the AF reviewed it: what it says now was never checked for withholding.
            return Entry(
                item_id(r),
                _("Report to Veilig Thuis"),
                _local(r.recorded_at),
                note=_("Changed after this access was prepared; prepare a new access to show it."),
            )
        names = [
            "relation_to_family",
            "pupil_address",
            "household_contacts",
            "direct_cause",
            "facts",
            "interpretation",
            "conversation",
            "risk_factors",
            "protective_factors",
            "household",
            "help_contacts",
            "police_contacts",
            "intervention_risks",
            "expectations",
            "parents_informed_how",
            "not_informed_explanation",
        ]
        fields = _texts((_label(Report, name), getattr(r, name)) for name in names)
        if r.parents_informed is not None:
            fields.insert(-2, (_label(Report, "parents_informed"), _yes_no(r.parents_informed)))
        if r.not_informed_reason:
            fields.append((_label(Report, "not_informed_reason"), r.get_not_informed_reason_display()))
        if r.is_made:
            meta = [
                _("made on %(date)s by %(name)s")
                % {"date": _day(r.made_on) if r.made_on else "", "name": self.name(r.made_by)}
            ]
        else:
            meta = [_("draft, not yet made")]
        return self.entry(r, _("Report to Veilig Thuis"), _local(r.recorded_at), meta=meta, fields=fields)

    def closure(self, c: Closure) -> Entry:
        fields = _texts([(_("Reason"), c.get_reason_display()), (_label(Closure, "explanation"), c.explanation)])
        if c.reopened_at is not None and not self.after(c.reopened_at):
            fields.append(
                (
                    _("Reopened on %(date)s by %(name)s")
                    % {"date": _day(c.reopened_at), "name": self.name(c.reopened_by)},
                    c.reopen_reason,
                )
            )
        # A dossier Haven closed itself has nobody who recorded it.
        meta = [self.recorded_by(c)] if c.recorded_by_id is not None else []
        return self.entry(c, _("Closing"), _local(c.recorded_at), meta=meta, fields=fields)

    def advice_request(self, a: AdviceRequest) -> Entry:
        # Shown like a consultation with Veilig Thuis inside a dossier: the same question and advice.
        meta = [_("anonymous advice")] if a.anonymous else []
        meta.append(self.recorded_by(a))
        fields = _texts([(_("Question"), a.question), (_("Advice"), a.advice)])
        return self.entry(a, _("Advice request to Veilig Thuis"), a.held_on, meta=meta, fields=fields)

    def referral_index_entry(self, r: ReferralIndexEntry) -> Entry:
        return self.entry(r, r.get_action_display(), r.on, meta=[self.recorded_by(r)])


def build_record(
    pupil: Pupil,
    *,
    until: datetime | None = None,
    items: Iterable[str] | None = None,
    withheld: dict[str, str] | None = None,
    reporter_reason: str = "",
) -> PupilRecord:
    """Everything Haven holds on `pupil` at its school. Without arguments: as it stands now, in full."""
    school_id = pupil.school_id
    signals = list(
        Signal.objects.filter(pupil=pupil, school_id=school_id)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "amendments", queryset=SignalAmendment.objects.select_related("author").order_by("created_at", "pk")
            ),
            "other_pupils",
        )
        .order_by("observed_at", "pk")
    )
    cases = list(
        Case.objects.filter(pupil=pupil, school_id=school_id)
        .prefetch_related(
            Prefetch("consultations", queryset=Consultation.objects.select_related("recorded_by")),
            Prefetch("conversations", queryset=Conversation.objects.select_related("recorded_by")),
            Prefetch("stepskips", queryset=StepSkip.objects.select_related("recorded_by")),
            Prefetch("weighings", queryset=Weighing.objects.select_related("recorded_by")),
            Prefetch("decisions", queryset=Decision.objects.select_related("recorded_by")),
            Prefetch("reports", queryset=Report.objects.select_related("recorded_by", "made_by")),
            Prefetch("closures", queryset=Closure.objects.select_related("recorded_by", "reopened_by")),
        )
        .order_by("opened_at", "pk")
    )
    builder = _Builder(
        until=until,
        items=set(items) if items is not None else None,
        withheld=withheld or {},
        reporter_reason=reporter_reason,
        reporter_ids={signal.author_id for signal in signals},
    )
    # An anonymous advice request that names the pupil is included too: Veilig Thuis was not told
    # who it was about, but the school recorded who, so it is the pupil's data all the same.
    advice_requests = (
        AdviceRequest.objects.filter(pupil=pupil, school_id=school_id)
        .select_related("recorded_by")
        .order_by("held_on", "recorded_at", "pk")
    )
    # Only those recorded without a dossier: an entry placed from a dossier belongs to that dossier.
    referral_index = (
        ReferralIndexEntry.objects.filter(pupil=pupil, school_id=school_id, case__isnull=True)
        .select_related("recorded_by")
        .order_by("on", "recorded_at", "pk")
    )
    household = builder.household(pupil.household.all())
    by_case: dict[int | None, list[Entry]] = {}
    for signal in signals:
        entry = builder.signal(signal)
        if entry is not None:
            by_case.setdefault(signal.case_id, []).append(entry)
    dossiers = []
    for case in cases:
        if builder.after(case.opened_at):
            continue
        sections = [
            Section(_("Signals"), by_case.get(case.pk, [])),
            Section(
                _("Consultation"),
                [builder.consultation(c) for c in case.consultations.all() if builder.shown(c, c.recorded_at)],
            ),
            Section(
                _("Conversation"),
                [builder.conversation(c) for c in case.conversations.all() if builder.shown(c, c.recorded_at)],
            ),
            Section(
                _("Steps skipped"),
                [builder.skip(s) for s in case.stepskips.all() if builder.shown(s, s.recorded_at)],
            ),
            Section(
                _("Weighing"), [builder.weighing(w) for w in case.weighings.all() if builder.shown(w, w.recorded_at)]
            ),
            Section(
                _("Decision"), [builder.decision(d) for d in case.decisions.all() if builder.shown(d, d.recorded_at)]
            ),
            Section(
                _("Report to Veilig Thuis"),
                [builder.report(r) for r in case.reports.all() if builder.shown(r, r.recorded_at)],
            ),
            Section(_("Closing"), [builder.closure(c) for c in case.closures.all() if builder.shown(c, c.recorded_at)]),
        ]
        dossiers.append(Dossier(case.pk, _local(case.opened_at), [s for s in sections if s.entries]))
    mentions = (
        Signal.objects.filter(other_pupils=pupil, school_id=school_id)
        .exclude(pupil=pupil)
        .order_by("observed_at")
        .values_list("observed_at", "created_at")
    )
    return PupilRecord(
        pupil=pupil,
        pupil_fields=[
            (_("Name"), pupil.full_name),
            (_("Date of birth"), _day(pupil.date_of_birth)),
            *([(_("Address"), pupil.address)] if pupil.address else []),
            (_("School"), str(pupil.school)),
        ],
        household=household,
        logbook=by_case.get(None, []),
        advice_requests=[builder.advice_request(a) for a in advice_requests if builder.shown(a, a.recorded_at)],
        referral_index=[builder.referral_index_entry(r) for r in referral_index if builder.shown(r, r.recorded_at)],
        dossiers=dossiers,
        mentions=[_local(observed) for observed, created in mentions if not builder.after(created)],
        case_ids=[dossier.case_id for dossier in dossiers],
        missing=len(builder.missing),
    )


def record_for_disclosure(disclosure: Disclosure) -> PupilRecord:
    return build_record(
        disclosure.pupil,
        until=disclosure.made_at,
        items=disclosure.items,
        withheld=disclosure.withheld,
        reporter_reason=disclosure.reporter_reason if disclosure.reporter_identity_withheld else "",
    )


# Access -------------------------------------------------------------------------------------------


def audit_read(actor: Actor, action: str, record: PupilRecord, obj: Model | None = None) -> None:
    """One read event for the pupil, and one per dossier, so each dossier's viewers include this read."""
    record_event(actor, action, kind=AuditEvent.Kind.READ, obj=obj, pupil=record.pupil)
    for case in Case.objects.filter(pk__in=record.case_ids):
        record_event(actor, action, kind=AuditEvent.Kind.READ, obj=obj, case=case)


def get_pupil(actor: Actor, pk: int) -> Pupil:
    """A pupil of the actor's own school; another school's pupil does not seem to exist."""
    return scoped_get(
        actor,
        Pupil.objects.select_related("school").filter(school_id=actor.member_school_id),
        pk,
        action=DisclosureAction.PREPARE,
        about=lambda existing: {"pupil": existing.pk},
    )


def get_disclosure(actor: Actor, pk: int) -> Disclosure:
    return scoped_get(
        actor,
        Disclosure.objects.select_related("pupil__school", "made_by").filter(school_id=actor.member_school_id),
        pk,
        action=DisclosureAction.VIEW,
        about=lambda existing: {"obj": existing, "pupil": existing.pupil_id},
    )


def disclosures_of(pupil: Pupil) -> list[Disclosure]:
    return list(Disclosure.objects.filter(pupil=pupil).select_related("made_by"))
