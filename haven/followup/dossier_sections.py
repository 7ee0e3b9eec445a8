"""The dossier page's follow-up section (see haven/meldcode/sections.py): feedback from Veilig
Thuis on each report made, help plans and their evaluation moments."""

from collections.abc import Mapping, Sequence
from typing import Any

from haven.access.policy import Actor, has_permission
from haven.followup.queries import dossier_follow_up, dossier_reads
from haven.meldcode.queries import Dossier
from haven.meldcode.sections import Section


def load(actor: Actor, dossier: Dossier, rows: Sequence[list[Any]]) -> Mapping[str, Any] | None:
    section = dossier_follow_up(actor, dossier, rows)
    case = dossier.case
    decision, report = dossier.decision, dossier.report
    # A report is pending when the latest decision is to report and its report is not made yet.
    report_pending = decision is not None and decision.reports and not (report is not None and report.is_made)
    return {
        "s": section,
        "may_follow_up": has_permission(actor, "case.follow_up"),
        "report_again": case.is_open
        and section.latest_report is not None
        and not report_pending
        and has_permission(actor, "case.decide"),
    }


SECTION = Section(name="followup", order=20, template="followup/_section.html", load=load, reads=dossier_reads)
