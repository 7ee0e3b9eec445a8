"""What the insights (aggregated figures) record."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class InsightsAction(AuditActions):
    REFRESH = "insights.refresh", _("Figures recounted")
    IMPORT_PUBLIC_FIGURES = "insights.import_public_figures", _("Public figures imported")
    # Reads.
    VIEW = "insights.view", _("Viewed the figures")
    EXPORT = "insights.export", _("Downloaded a table of figures")
    REPORT = "insights.report", _("Downloaded the figures report (PDF)")
