"""Role codes. Pure: the policy and the workflow use them without Django."""

from enum import StrEnum


class Role(StrEnum):
    TEACHER = "teacher"
    TEACHING_ASSISTANT = "teaching_assistant"
    CARE_COORDINATOR = "care_coordinator"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    SCHOOL_LEADER = "school_leader"
    FUNCTIONAL_ADMIN = "functional_admin"
    BOARD_ANALYST = "board_analyst"
    MUNICIPALITY_ANALYST = "municipality_analyst"
    REGION_ANALYST = "region_analyst"


# Staff who work with pupils; the functional administrator manages accounts only.
STAFF_ROLES = frozenset(
    {
        Role.TEACHER,
        Role.TEACHING_ASSISTANT,
        Role.CARE_COORDINATOR,
        Role.SAFEGUARDING_LEAD,
        Role.SCHOOL_LEADER,
    }
)
# Roles that see every signal and dossier of their school (need to know for steps 2-5).
SCHOOL_WIDE_ROLES = frozenset({Role.CARE_COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER})
# The protocol default: the AF and the school leader decide about a report and make it.
DEFAULT_PROTOCOL_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER})
# Policy officers of a school board, a municipality or a region: aggregates only, never a pupil.
ANALYST_ROLES = frozenset({Role.BOARD_ANALYST, Role.MUNICIPALITY_ANALYST, Role.REGION_ANALYST})
# Giving someone a role that reads case content needs a second pair of eyes (four eyes): the
# functional administrator asks, an AF or school leader of the same school approves.
ROLES_NEEDING_APPROVAL = SCHOOL_WIDE_ROLES
ROLE_APPROVER_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER})
