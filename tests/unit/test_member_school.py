"""`Actor.member_school_id`: school-scoped code gets the member's school, never a missing one.

Every school permission requires a school (`_member`), so code behind one may rely on it; an actor
without a school (a policy officer, someone without a role) fails loudly instead of silently
reading or writing rows of no school.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.access.policy import PERMISSIONS, Actor
from haven.access.roles import Role

# What a person without a school may do: their own account, and the aggregates of their organisation.
# The policy officers' permissions: their board, municipality or region, not a school (haven.api
# scopes a key page by the organisation, never through `member_school_id`).
WITHOUT_SCHOOL = {
    "account.manage",
    "dashboard.view",
    "insights.view",
    "insights.import_public_figures",
    "api.manage_keys",
}
SCHOOL_PERMISSIONS = sorted(set(PERMISSIONS) - WITHOUT_SCHOOL)


def test_a_member_has_the_school_of_the_membership() -> None:
    assert Actor(user_id=1, school_id=7, role=Role.SAFEGUARDING_LEAD).member_school_id == 7


@pytest.mark.parametrize("role", [None, Role.BOARD_ANALYST, Role.MUNICIPALITY_ANALYST, Role.REGION_ANALYST])
def test_an_actor_without_a_school_is_refused(role: Role | None) -> None:
    with pytest.raises(PermissionError):
        Actor(user_id=1, role=role, board_id=3, municipality_id=4, region_id=5).member_school_id  # noqa: B018


@given(role=st.sampled_from(list(Role)), permission=st.sampled_from(SCHOOL_PERMISSIONS))
def test_no_school_permission_lets_an_actor_without_a_school_through(role: Role, permission: str) -> None:
    """What makes `member_school_id` safe to use behind a school permission."""
    decision_roles = report_roles = frozenset(Role)
    actor = Actor(
        user_id=1,
        role=role,
        decision_roles=decision_roles,
        report_roles=report_roles,
        board_id=3,
        municipality_id=4,
        region_id=5,
    )
    assert not PERMISSIONS[permission](actor)
