from typing import Any

from django import template

from haven.access.policy import has_permission
from haven.followup.queries import dossier_follow_up

register = template.Library()


@register.inclusion_tag("followup/_section.html", takes_context=True)
def followup_section(context: Any) -> dict[str, Any]:
    """The follow-up part of the dossier page (`d` is the dossier `load_dossier` read, access checked)."""
    actor = context["request"].actor
    dossier = context["d"]
    section = dossier_follow_up(actor, dossier)
    case = dossier.case
    decision, report = dossier.decision, dossier.report
    # A report is pending when the latest decision is to report and its report is not made yet.
    report_pending = decision is not None and decision.reports and not (report is not None and report.is_made)
    return {
        "s": section,
        "case": case,
        "may_follow_up": has_permission(actor, "case.follow_up"),
        "report_again": case.is_open
        and section.latest_report is not None
        and not report_pending
        and has_permission(actor, "case.decide"),
    }
