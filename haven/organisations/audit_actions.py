"""What the school's own settings record."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class OrganisationAction(AuditActions):
    SCHOOL_BOOTSTRAP = "school.bootstrap", _("School set up in Haven")
    SCHOOL_ADDRESS = "school.address", _("School address changed")
    GROUP_SAVE = "group.save", _("Group saved")
    PROTOCOL_SAVE = "protocol.save", _("School's meldcode protocol changed")
    DUO_IMPORT = "organisations.import_duo", _("Schools, boards and municipalities imported from DUO")
