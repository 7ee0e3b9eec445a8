"""What the parents' right of access records."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class DisclosureAction(AuditActions):
    PUPIL_DISCLOSE = "pupil.disclose", _("Disclosure to the parents made")
    # Reads.
    PREPARE = "disclosure.prepare", _("Prepared a disclosure to the parents")
    VIEW = "disclosure.view", _("Viewed a disclosure to the parents")
