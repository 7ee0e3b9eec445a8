"""What a handover between schools records."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class HandoverAction(AuditActions):
    NOTICE = "handover.notice", _("Handover: a new teacher was told there is a dossier")
    NOTICE_READ = "handover.notice_read", _("Handover: the new teacher read the notice")
    DECIDE = "handover.decide", _("Handover: decided whether to add the new teacher")
    PACKAGE = "handover.package", _("Handover package prepared for another school")
    IMPORT = "handover.import", _("Dossier received from another school (handover)")
    CREATE_PUPIL = "handover.create_pupil", _("Handover: pupil added from another school's package")
    HOLD_IMPORT = "handover.hold_import", _("Handover: package held until the AF confirms the pupil")
    CANCEL_IMPORT = "handover.cancel_import", _("Handover: held package removed, nothing imported")
    TRANSFER_SEND = "handover.transfer_send", _("Handover sent in Haven to another Haven school")
    TRANSFER_ACCEPT = "handover.transfer_accept", _("Handover from another Haven school accepted")
    TRANSFER_REFUSE = "handover.transfer_refuse", _("Handover from another Haven school refused")
    # Reads.
    VIEW_NOTICE = "handover.view_notice", _("Opened the handover notice")
    DOWNLOAD = "handover.download", _("Downloaded the handover package")
    VIEW_PACKAGE = "handover.view_package", _("Opened a handover package")
    VIEW_PENDING_IMPORT = "handover.view_pending_import", _("Opened a held handover package")
    VIEW_TRANSFER = "handover.view_transfer", _("Opened a handover sent in Haven")
