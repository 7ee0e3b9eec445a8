"""What the reminders of "My tasks" record."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class TaskAction(AuditActions):
    REMINDERS_SENT = "reminders.sent", _("Reminders sent")
