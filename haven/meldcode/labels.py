"""Short Dutch labels for route codes: timeline events and next actions."""

from django.utils.translation import gettext_lazy as _

from haven.meldcode.workflow import NextAction

LABELS = {
    # haven.external_signals, and the planned conversations (haven.meldcode)
    "police_notice.record": _("Police notice (Handle with Care) recorded"),
    "referral_index.placed": _("Signal placed in the verwijsindex"),
    "referral_index.ended": _("Signal in the verwijsindex ended"),
    "conversation.plan": _("Conversation with the parents planned"),
    "conversation.plan_cancel": _("Planned conversation cancelled"),
    "support_task.done": _("Support offered (Handle with Care)"),
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
    "handover.notice": _("Handover: a new teacher was told there is a dossier"),
    "handover.notice_read": _("Handover: the new teacher read the notice"),
    "handover.decide": _("Handover: decided whether to add the new teacher"),
    "handover.package": _("Handover package prepared for another school"),
    "handover.import": _("Dossier received from another school (handover)"),
    # Reads (shown in "who viewed this dossier", never on the timeline).
    "document.chronology": _("Downloaded the chronology (PDF)"),
    "document.report": _("Downloaded the report to Veilig Thuis (PDF)"),
    "document.conversation": _("Downloaded a conversation report (PDF)"),
    "handover.view_notice": _("Opened the handover notice"),
    "handover.download": _("Downloaded the handover package"),
    "followup.feedback_agreed": _("Agreement about feedback from Veilig Thuis recorded"),
    "followup.lead": _("Who leads the follow-up recorded"),
    "followup.feedback": _("Feedback from Veilig Thuis recorded"),
    "followup.plan": _("Help plan recorded"),
    "followup.evaluation": _("Question 5 answered at an evaluation moment"),
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
