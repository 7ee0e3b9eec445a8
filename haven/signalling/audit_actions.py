"""What haven.signalling records: sibling links, Handle with Care, the verwijsindex, planned conversations."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class SignallingAction(AuditActions):
    PUPIL_LINK_SIBLING = "pupil.link_sibling", _("Brother or sister linked")
    PUPIL_UNLINK_SIBLING = "pupil.unlink_sibling", _("Link with a brother or sister removed")
    PROTOCOL_REPEAT_RULE = "protocol.repeat_rule", _("Rule for repeated reports changed")
    POLICE_NOTICE_RECORD = "police_notice.record", _("Police notice (Handle with Care) recorded")
    SUPPORT_TASK_DONE = "support_task.done", _("Support offered (Handle with Care)")
    REFERRAL_INDEX_PLACED = "referral_index.placed", _("Signal placed in the verwijsindex")
    REFERRAL_INDEX_ENDED = "referral_index.ended", _("Signal in the verwijsindex ended")
    REFERRAL_INDEX_DESTROY = "referral_index.destroy", _("Verwijsindex entry destroyed after its retention term")
    CONVERSATION_PLAN = "conversation.plan", _("Conversation with the parents planned")
    CONVERSATION_PLAN_CANCEL = "conversation.plan_cancel", _("Planned conversation cancelled")
    # Reads.
    SUPPORT_TASK_VIEW = "support_task.view", _("Viewed a support task (Handle with Care)")
    REFERRAL_INDEX_LIST = "referral_index.list", _("Viewed the verwijsindex entries without a dossier")
