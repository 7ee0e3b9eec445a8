"""What haven.external_signals records: Handle with Care police notices and the verwijsindex."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class ExternalSignalAction(AuditActions):
    POLICE_NOTICE_RECORD = "police_notice.record", _("Police notice (Handle with Care) recorded")
    POLICE_NOTICE_RECEIVE = (
        "police_notice.receive",
        _("Police notice (Handle with Care) received, to be matched by hand"),
    )
    POLICE_NOTICE_MATCH = "police_notice.match", _("Police notice (Handle with Care) matched to a pupil by hand")
    POLICE_NOTICE_DISMISS = "police_notice.dismiss", _("Police notice (Handle with Care) about no pupil of the school")
    SUPPORT_TASK_DONE = "support_task.done", _("Support offered (Handle with Care)")
    REFERRAL_INDEX_PLACED = "referral_index.placed", _("Signal placed in the verwijsindex")
    REFERRAL_INDEX_ENDED = "referral_index.ended", _("Signal in the verwijsindex ended")
    REFERRAL_INDEX_DESTROY = "referral_index.destroy", _("Verwijsindex entry destroyed after its retention term")
    # Reads.
    SUPPORT_TASK_VIEW = "support_task.view", _("Viewed a support task (Handle with Care)")
    POLICE_NOTICE_INTAKE_LIST = "police_notice.intake_list", _("Viewed the police notices waiting to be matched")
    REFERRAL_INDEX_LIST = "referral_index.list", _("Viewed the verwijsindex entries without a dossier")
