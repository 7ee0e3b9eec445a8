"""What downloading a dossier's documents records (reads, shown in "who viewed this dossier")."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class DocumentAction(AuditActions):
    CHRONOLOGY = "document.chronology", _("Downloaded the chronology (PDF)")
    REPORT = "document.report", _("Downloaded the report to Veilig Thuis (PDF)")
    CONVERSATION = "document.conversation", _("Downloaded a conversation report (PDF)")
