"""Template tags through which other apps' pages show this app's parts, each with one line:
the dossier page (repeated care, planned conversations, the verwijsindex), the inbox (a badge
for repeated care, the link to Handle with Care) and the pupil page (brothers and sisters).

The tags only call `haven.signalling.queries` (policy-scoped) with the acting person, in a fixed
number of queries; the page's view has already decided that the person may see the page (and the
dossier page's view loaded the dossier through the policy).
"""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from haven.access.policy import has_permission
from haven.meldcode import repeat
from haven.signalling import forms, queries
from haven.signalling.models import PlannedConversation, ReferralIndexEntry

register = template.Library()


def _actor(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "actor", None)


def repeat_heading(finding: repeat.RepeatFinding) -> str:
    return ngettext(
        "Repeated care: %(count)s dossiers in %(years)s year",
        "Repeated care: %(count)s dossiers in %(years)s years",
        finding.years,
    ) % {"count": finding.count, "years": finding.years}


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
    finding = queries.repeat_findings(actor, {case.pupil_id}, today, school=case.school).get(case.pupil_id)
    records = queries.dossier_signalling(dossier)
    result = CaseSignalling(
        referral_entries=records.referral_entries,
        referral_current=queries.referral_index_state(records.referral_entries),
        planned=records.planned,
        may_plan=has_permission(actor, "conversation.plan"),
    )
    if has_permission(actor, "referral_index.record"):
        result.referral_form = forms.ReferralIndexForm.base_fields
    if finding is not None and finding.is_repeat:
        result.finding = finding
        result.repeat_heading = repeat_heading(finding)
        result.repeat_rows = [
            RepeatRow(d.key, d.opened_on, d.reported, d.sibling, d.key == case.pk) for d in reversed(finding.counted)
        ]
    return result


@register.simple_tag(takes_context=True)
def inbox_repeats(context: template.Context, signals: Any) -> dict[int, repeat.RepeatFinding]:
    """Repeated care for every pupil of the listed signals, in a fixed number of queries."""
    actor = _actor(context)
    if actor is None:
        return {}
    findings = queries.repeat_findings(actor, {s.pupil_id for s in signals}, timezone.localdate())
    return {pk: finding for pk, finding in findings.items() if finding.is_repeat}


@register.inclusion_tag("signalling/_repeat_badge.html")
def repeat_badge(repeats: dict[int, repeat.RepeatFinding], pupil_id: int) -> dict[str, Any]:
    finding = repeats.get(pupil_id)
    return {"finding": finding, "heading": repeat_heading(finding) if finding else ""}


@register.inclusion_tag("signalling/_handle_with_care_link.html", takes_context=True)
def handle_with_care_link(context: template.Context) -> dict[str, Any]:
    return {"show": has_permission(_actor(context), "police_notice.record")}


@register.simple_tag(takes_context=True)
def pupil_siblings(context: template.Context, pupil: Any) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or not has_permission(actor, "school.manage"):
        return {"links": [], "form": None}
    return {
        "links": queries.sibling_links(actor, pupil),
        "form": forms.SiblingForm(pupils=queries.sibling_candidates(actor, pupil), auto_id="id_sibling_%s"),
    }


@register.inclusion_tag("signalling/_repeat_flag.html", takes_context=True)
def repeat_flag(context: template.Context, pupil_id: int, school: Any = None) -> dict[str, Any]:
    """Repeated care for one pupil, spelled out (the triage page): the same rule and finding as
    the dossier page's section and the inbox's badge. `school`: the pupil's, when the page has it."""
    actor = _actor(context)
    finding = None
    if actor is not None:
        findings = queries.repeat_findings(actor, {pupil_id}, timezone.localdate(), school=school)
        finding = findings.get(pupil_id)
    if finding is None or not finding.is_repeat:
        return {"finding": None}
    return {"finding": finding, "heading": repeat_heading(finding)}
