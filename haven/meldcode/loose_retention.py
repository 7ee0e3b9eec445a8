"""Retention of the records kept without a dossier: advice requests and verwijsindex entries.

An `AdviceRequest` and a `ReferralIndexEntry` recorded without a dossier are about a pupil (or,
for an anonymous advice request without a pupil, about a situation at the school) just as a
dossier is, so they must not be kept for ever either. The rule is the pure
`retention.record_is_past_term`: the school's term counted from the record's own date, and
longer while the pupil still has a dossier that is kept. Entries placed from a dossier are not
handled here: they go with their dossier (`services.destroy_case`, by cascade).

As `services.destroy_case` for dossiers: a system action with no person, one transaction per
record, the row locked and the rule checked again first, and one audit event written before the
row goes that says what kind of record went, from when, and why, never what it said.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from haven.audit.services import record_event
from haven.external_signals.audit_actions import ExternalSignalAction
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import retention
from haven.meldcode.audit_actions import MeldcodeAction
from haven.meldcode.models import AdviceRequest, Case
from haven.meldcode.services import latest_closing_date

LooseRecord = AdviceRequest | ReferralIndexEntry


def dated(record: LooseRecord) -> date:
    """The record's own date, from which its term counts."""
    return record.held_on if isinstance(record, AdviceRequest) else record.on


def _terms(cases: QuerySet[Case]) -> dict[int, list[retention.DossierTerm]]:
    """Per pupil, the terms of their dossiers among `cases`."""
    terms: dict[int, list[retention.DossierTerm]] = defaultdict(list)
    for case in cases.prefetch_related("closures").order_by("pk"):
        terms[case.pupil_id].append(retention.DossierTerm(is_open=case.is_open, closed_on=latest_closing_date(case)))
    return terms


def records_past_retention(*, school_id: int, years: int, today: date) -> list[LooseRecord]:
    """The school's advice requests and verwijsindex entries without a dossier past their term.

    Advice requests first, then verwijsindex entries, each oldest first.
    """
    # The database narrows the candidates generously (a day of slack for 29 February); the pure
    # rule decides, to the day, with the pupil's dossiers beside it.
    bound = retention.add_years(today, -years) + timedelta(days=2)
    advice = AdviceRequest.objects.filter(school_id=school_id, held_on__lt=bound).order_by("held_on", "pk")
    entries = ReferralIndexEntry.objects.filter(school_id=school_id, case__isnull=True, on__lt=bound).order_by(
        "on", "recorded_at", "pk"
    )
    # Only the dossiers of the pupils those records name: subqueries, so no list of ids is sent.
    cases = Case.objects.filter(school_id=school_id).filter(
        Q(pupil_id__in=advice.values("pupil_id")) | Q(pupil_id__in=entries.values("pupil_id"))
    )
    terms = _terms(cases)
    candidates: list[LooseRecord] = [*advice, *entries]
    return [
        record
        for record in candidates
        if retention.record_is_past_term(
            dated=dated(record),
            years=years,
            today=today,
            dossiers=terms.get(record.pupil_id, []) if record.pupil_id is not None else [],
        )
    ]


@transaction.atomic
def destroy_record(record: LooseRecord, *, reason: str, years: int, today: date) -> bool:
    """Destroy one advice request or verwijsindex entry without a dossier that is past its term.

    Refused (ValidationError, nothing changed) when it is not past its term as things stand now:
    the pupil may have had a dossier opened or reopened since the record was selected. False when
    the record is gone already (another run destroyed it first).
    """
    if not reason.strip():
        raise ValidationError(_("Give the reason the record is destroyed."))
    locked = type(record).objects.select_for_update().filter(pk=record.pk).first()
    if locked is None:
        return False
    record = locked
    if isinstance(record, ReferralIndexEntry) and record.case_id is not None:
        raise ValidationError(_("A verwijsindex entry of a dossier goes with its dossier."))
    dossiers: list[retention.DossierTerm] = []
    if record.pupil_id is not None:
        cases = Case.objects.filter(school_id=record.school_id, pupil_id=record.pupil_id)
        dossiers = _terms(cases).get(record.pupil_id, [])
    if not retention.record_is_past_term(dated=dated(record), years=years, today=today, dossiers=dossiers):
        raise ValidationError(_("This record is still within its retention term."))
    if isinstance(record, AdviceRequest):
        action: str = MeldcodeAction.ADVICE_REQUEST_DESTROY
        detail = {"reason": reason.strip(), "held_on": record.held_on.isoformat()}
    else:
        action = ExternalSignalAction.REFERRAL_INDEX_DESTROY
        detail = {"reason": reason.strip(), "on": record.on.isoformat(), "action": record.action}
    # Before the row goes, and only what the record's own event said of it: the date (and for the
    # verwijsindex whether the signal was placed or ended), never the question or the advice.
    record_event(None, action, obj=record, pupil=record.pupil_id, school_id=record.school_id, detail=detail)
    record.delete()
    return True
