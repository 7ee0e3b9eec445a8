"""The dossier page's section on signalling around the route (see haven/meldcode/sections.py):
repeated care, the planned conversations with the parents and the verwijsindex, through
policy-scoped queries (`meldcode.repeated_care`, `meldcode.queries`, `external_signals.queries`)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from haven.access.policy import Actor, has_permission
from haven.external_signals import forms as external_forms
from haven.external_signals import queries as external_queries
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import repeat, repeated_care
from haven.meldcode.models import Case, PlannedConversation
from haven.meldcode.queries import Dossier, dossier_signalling, dossier_signalling_reads
from haven.meldcode.sections import Read, Section
from haven.meldcode.templatetags.repeated_care import repeat_heading


@dataclass
class RepeatRow:
    case_id: int
    opened_on: date
    reported: bool
    sibling: str | None
    current: bool


@dataclass
class CaseSignalling:
    finding: repeat.RepeatFinding | None = None
    repeat_heading: str = ""
    repeat_rows: list[RepeatRow] = field(default_factory=list)
    referral_entries: list[ReferralIndexEntry] = field(default_factory=list)
    referral_current: ReferralIndexEntry | None = None
    # The fields of the verwijsindex form when the person may record (the template writes them
    # out). The form starts empty: what the school did and when is chosen, never preset, so that
    # one click cannot record a placement that did not happen.
    referral_form: dict[str, Any] | None = None
    planned: list[PlannedConversation] = field(default_factory=list)
    may_plan: bool = False


def reads(actor: Actor, case: Case) -> list[Read]:
    # The dossier came with its school: its protocol's rule for repeated care is known already.
    return dossier_signalling_reads(case) + repeated_care.dossier_repeat_read(actor, case, timezone.localdate())


def load(actor: Actor, dossier: Dossier, rows: Sequence[list[Any]]) -> Mapping[str, Any] | None:
    case = dossier.case
    entries, plans, *around = rows
    finding = repeated_care.dossier_repeat_finding(case, around[0], timezone.localdate()) if around else None
    records = dossier_signalling(dossier, entries, plans)
    result = CaseSignalling(
        referral_entries=records.referral_entries,
        referral_current=external_queries.referral_index_state(records.referral_entries),
        planned=records.planned,
        may_plan=has_permission(actor, "conversation.plan"),
    )
    if has_permission(actor, "referral_index.record"):
        result.referral_form = external_forms.ReferralIndexForm.base_fields
    if finding is not None and finding.is_repeat:
        result.finding = finding
        result.repeat_heading = repeat_heading(finding)
        result.repeat_rows = [
            RepeatRow(d.key, d.opened_on, d.reported, d.sibling, d.key == case.pk) for d in reversed(finding.counted)
        ]
    return {"sg": result}


SECTION = Section(name="signalling", order=10, template="meldcode/_dossier_signalling.html", load=load, reads=reads)
