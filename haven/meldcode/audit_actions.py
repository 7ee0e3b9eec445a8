"""What the meldcode route records in the audit log: signals, dossiers and their steps."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class MeldcodeAction(AuditActions):
    SIGNAL_LOG = "signal.log", _("Signal logged")
    SIGNAL_AMEND = "signal.amend", _("Signal corrected")
    SIGNAL_ATTACH = "signal.attach", _("Signal added to the dossier")
    SIGNAL_NOTE = "signal.note", _("Signal noted: no dossier needed")
    SIGNAL_REQUEST_LOOK_ALONG = "signal.request_look_along", _("Asked the IB/AF to look along")
    SIGNAL_PICK_UP_LOOK_ALONG = "signal.pick_up_look_along", _("Request to look along picked up")
    CASE_OPEN = "case.open", _("Dossier opened")
    CASE_CONSULTATION = "case.consultation", _("Consultation recorded")
    CASE_CONVERSATION = "case.conversation", _("Conversation recorded")
    CASE_SKIP_CONVERSATION = "case.skip_conversation", _("Conversation skipped, with reason")
    CASE_WEIGHING = "case.weighing", _("Weighing recorded")
    CASE_ACUTE = "case.acute", _("Acute situation: steps skipped")
    CASE_DECISION = "case.decision", _("Decision recorded")
    CASE_REPORT_DRAFT = "case.report_draft", _("Report to Veilig Thuis prepared")
    CASE_REPORT_MADE = "case.report_made", _("Report to Veilig Thuis made")
    CASE_CLOSE = "case.close", _("Dossier closed")
    CASE_REOPEN = "case.reopen", _("Dossier reopened")
    CASE_ADD_MEMBER = "case.add_member", _("Member added")
    CASE_REMOVE_MEMBER = "case.remove_member", _("Member removed")
    CASE_CHANGE_LEAD = "case.change_lead", _("Case lead changed")
    CASE_DESTROY = "case.destroy", _("Dossier destroyed after its retention term")
    ADVICE_REQUEST_RECORD = "advice_request.record", _("Advice request to Veilig Thuis recorded")
    ADVICE_REQUEST_DESTROY = "advice_request.destroy", _("Advice request destroyed after its retention term")
    CONVERSATION_PLAN = "conversation.plan", _("Conversation with the parents planned")
    CONVERSATION_PLAN_CANCEL = "conversation.plan_cancel", _("Planned conversation cancelled")
    PROTOCOL_REPEAT_RULE = "protocol.repeat_rule", _("Rule for repeated reports changed")
    # Reads (shown in "who viewed this dossier", never on the timeline).
    CASE_VIEW = "case.view", _("Viewed the dossier")
    SIGNAL_VIEW = "signal.view", _("Viewed a signal")
    ADVICE_REQUEST_LIST = "advice_request.list", _("Viewed the advice requests")
