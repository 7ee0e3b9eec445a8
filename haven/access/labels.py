"""The roles' names as people read them (gettext): for choices, pages and the audit log."""

from django.utils.translation import gettext_lazy as _

from haven.access.roles import ANALYST_ROLES, Role

ROLE_CHOICES = [
    (Role.TEACHER.value, _("Teacher")),
    (Role.TEACHING_ASSISTANT.value, _("Teaching assistant")),
    (Role.CARE_COORDINATOR.value, _("Care coordinator (IB)")),
    (Role.SAFEGUARDING_LEAD.value, _("Safeguarding lead (AF)")),
    (Role.SCHOOL_LEADER.value, _("School leader")),
    (Role.FUNCTIONAL_ADMIN.value, _("Functional administrator")),
    (Role.BOARD_ANALYST.value, _("Policy officer of the school board")),
    (Role.MUNICIPALITY_ANALYST.value, _("Policy officer of the municipality")),
]
SCHOOL_ROLE_CHOICES = [(value, label) for value, label in ROLE_CHOICES if Role(value) not in ANALYST_ROLES]
ROLE_LABELS = dict(ROLE_CHOICES)
