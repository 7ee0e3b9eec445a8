"""What the audit log records of itself, and of Haven's own maintenance."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class AuditLogAction(AuditActions):
    # A read, shown in "who viewed this dossier".
    VIEW_ACCESS_LOG = "case.view_access_log", _("Viewed who viewed the dossier")
    # `manage.py rotate_encryption_key` (no actor).
    ENCRYPTION_ROTATE = "encryption.rotate", _("Encryption key rotated")
