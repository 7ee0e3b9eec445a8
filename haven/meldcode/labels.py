"""Short Dutch labels for route codes: timeline events and next actions."""

from django.utils.translation import gettext_lazy as _

from haven.meldcode.workflow import NextAction

LABELS = {
    "signal.log": _("Signal logged"),
    "signal.amend": _("Signal corrected"),
    "signal.attach": _("Signal added to the dossier"),
    "signal.request_look_along": _("Asked the IB/AF to look along"),
    "signal.pick_up_look_along": _("Request to look along picked up"),
    "case.open": _("Dossier opened"),
    "case.consultation": _("Consultation recorded"),
    "case.conversation": _("Conversation recorded"),
    "case.skip_conversation": _("Conversation skipped, with reason"),
    "case.weighing": _("Weighing recorded"),
    "case.acute": _("Acute situation: steps skipped"),
    "case.decision": _("Decision recorded"),
    "case.report_draft": _("Report to Veilig Thuis prepared"),
    "case.report_made": _("Report to Veilig Thuis made"),
    "case.close": _("Dossier closed"),
    "case.reopen": _("Dossier reopened"),
    "case.add_member": _("Member added"),
    "case.remove_member": _("Member removed"),
    "case.change_lead": _("Case lead changed"),
    "case.destroy": _("Dossier destroyed after its retention term"),
}


NEXT_ACTION_LABELS = {
    NextAction.ADD_SIGNAL: _("Log signals"),
    NextAction.RECORD_CONSULTATION: _("Consult"),
    NextAction.RECORD_CONVERSATION: _("Talk with parents and pupil"),
    NextAction.RECORD_WEIGHING: _("Weigh"),
    NextAction.RECORD_DECISION: _("Decide"),
    NextAction.PHONE_AND_REPORT: _("Phone Veilig Thuis now"),
    NextAction.MAKE_REPORT: _("Make the report"),
    NextAction.FOLLOW_HELP: _("Follow the help (question 5)"),
    NextAction.CLOSE_CASE: _("Close with a reason"),
    NextAction.REOPEN_IF_NEEDED: _("Closed"),
}


def label(action: str) -> str:
    return str(LABELS.get(action, action))
