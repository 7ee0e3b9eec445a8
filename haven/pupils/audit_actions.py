"""What changes to pupils and their groups record."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class PupilAction(AuditActions):
    SAVE = "pupil.save", _("Pupil saved")
    ADD_MANY = "pupil.add_many", _("Pupils added from a list")
    PLACE = "pupil.place", _("Pupil placed in a group")
    PLACE_GROUP = "pupil.place_group", _("Pupils placed in a group")
    UNPLACE = "pupil.unplace", _("Pupil taken out of a group")
    ADD_HOUSEHOLD_MEMBER = "pupil.add_household_member", _("Household member added")
    REMOVE_HOUSEHOLD_MEMBER = "pupil.remove_household_member", _("Household member removed")
    LINK_SIBLING = "pupil.link_sibling", _("Brother or sister linked")
    UNLINK_SIBLING = "pupil.unlink_sibling", _("Link with a brother or sister removed")
    IMPORT_READ = "pupil.import_read", _("File of the school's administration read")
    IMPORT_APPLY = "pupil.import_apply", _("Pupils imported from the school's administration")
    IMPORT_VIEW = "pupil.import_view", _("Dry run of a pupil import viewed")
    IMPORT_MAPPING = "pupil.import_mapping", _("Column mapping of the pupil import saved")
