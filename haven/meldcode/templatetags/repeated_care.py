"""Template tags through which pages show repeated care (hermelding), each with one line: the
inbox (a badge per pupil) and the triage page (the flag, spelled out). The dossier page's section
is `dossier_signalling`.

The tags only call `haven.meldcode.repeated_care` (policy-scoped) with the acting person, in a
fixed number of queries; the page's view has already decided that the person may see the page.
"""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from haven.meldcode import repeat, repeated_care

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


@register.simple_tag(takes_context=True)
def inbox_repeats(context: template.Context, signals: Any) -> dict[int, repeat.RepeatFinding]:
    """Repeated care for every pupil of the listed signals, in a fixed number of queries."""
    actor = _actor(context)
    if actor is None:
        return {}
    findings = repeated_care.repeat_findings(actor, {s.pupil_id for s in signals}, timezone.localdate())
    return {pk: finding for pk, finding in findings.items() if finding.is_repeat}


@register.inclusion_tag("meldcode/_repeat_badge.html")
def repeat_badge(repeats: dict[int, repeat.RepeatFinding], pupil_id: int) -> dict[str, Any]:
    finding = repeats.get(pupil_id)
    return {"finding": finding, "heading": repeat_heading(finding) if finding else ""}


@register.inclusion_tag("meldcode/_repeat_flag.html", takes_context=True)
def repeat_flag(context: template.Context, pupil_id: int, school: Any = None) -> dict[str, Any]:
    """Repeated care for one pupil, spelled out (the triage page): the same rule and finding as
    the dossier page's section and the inbox's badge. `school`: the pupil's, when the page has it."""
    actor = _actor(context)
    finding = None
    if actor is not None:
        findings = repeated_care.repeat_findings(actor, {pupil_id}, timezone.localdate(), school=school)
        finding = findings.get(pupil_id)
    if finding is None or not finding.is_repeat:
        return {"finding": None}
    return {"finding": finding, "heading": repeat_heading(finding)}
