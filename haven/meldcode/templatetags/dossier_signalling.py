"""The template tag of the dossier page's section on signalling around the route: repeated care,
the planned conversations with the parents and the verwijsindex (`meldcode/_dossier_signalling.html`).

The tag only calls policy-scoped queries with the acting person, in a fixed number of queries; the
dossier page's view loaded the dossier through the policy.
"""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils import timezone

from haven.access.policy import has_permission
from haven.external_signals import forms as external_forms
from haven.external_signals import queries as external_queries
from haven.external_signals.models import ReferralIndexEntry
from haven.meldcode import queries as route_queries
from haven.meldcode import repeat, repeated_care
from haven.meldcode.models import PlannedConversation
from haven.meldcode.templatetags.repeated_care import _actor, repeat_heading

register = template.Library()


@dataclass
class RepeatRow:
    case_id: int
    opened_on: Any
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


@register.simple_tag(takes_context=True)
def case_signalling(context: template.Context, case: Any) -> CaseSignalling:
    """The dossier page's part (`d` is the dossier `load_dossier` read, access checked)."""
    actor = _actor(context)
    if actor is None:
        return CaseSignalling()
    dossier = context["d"]
    today = timezone.localdate()
    # The dossier came with its school: its protocol's rule for repeated care is known already.
    finding = repeated_care.repeat_findings(actor, {case.pupil_id}, today, school=case.school).get(case.pupil_id)
    records = route_queries.dossier_signalling(dossier)
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
    return result
