"""The access policy as a specification: who may do what.

The matrix below is the specification, written out by hand. It is for a member of a school whose
protocol is the default one (the AF and the school leader decide about a report and make it).
Columns: T teacher, TA teaching assistant, IB care coordinator, AF safeguarding lead,
SL school leader, FA functional administrator, BA and MA the policy officers of a board and a
municipality (who never hold a role in a school: given one, they get nothing). "x" grants,
"." refuses.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.access.policy import (
    PERMISSIONS,
    Actor,
    can_amend_signal,
    can_decide_role_request,
    can_view_case,
    can_view_signal,
    has_permission,
)
from haven.access.roles import Role

T, TA, IB, AF, SL, FA, BA, MA, RA = (
    Role.TEACHER,
    Role.TEACHING_ASSISTANT,
    Role.CARE_COORDINATOR,
    Role.SAFEGUARDING_LEAD,
    Role.SCHOOL_LEADER,
    Role.FUNCTIONAL_ADMIN,
    Role.BOARD_ANALYST,
    Role.MUNICIPALITY_ANALYST,
    Role.REGION_ANALYST,
)
COLUMNS = (T, TA, IB, AF, SL, FA, BA, MA, RA)

MATRIX = """
permission                  T  TA IB AF SL FA BA MA RA
police_notice.record        .  .  x  x  .  .  .  .  .
support_task.complete       x  x  x  x  x  .  .  .  .
referral_index.record       .  .  x  x  x  .  .  .  .
advice_request.record       .  .  x  x  x  .  .  .  .
conversation.plan           x  x  x  x  x  .  .  .  .
handover.view_notice        x  x  x  x  x  .  .  .  .
handover.decide             .  .  .  x  x  .  .  .  .
handover.export             .  .  .  x  x  .  .  .  .
handover.import             .  .  .  x  x  .  .  .  .
case.follow_up              .  .  x  x  x  .  .  .  .
tasks.view                  x  x  x  x  x  .  .  .  .
dashboard.view              x  x  x  x  x  x  .  .  .
pupil.search                x  x  x  x  x  .  .  .  .
pupil.disclose              .  .  .  x  x  .  .  .  .
signal.create               x  x  x  x  x  .  .  .  .
signal.list_own             x  x  x  x  x  .  .  .  .
signal.view                 x  x  x  x  x  .  .  .  .
signal.amend                x  x  x  x  x  .  .  .  .
signal.request_look_along   x  x  x  x  x  .  .  .  .
inbox.view                  .  .  x  x  x  .  .  .  .
signal.triage               .  .  x  x  x  .  .  .  .
look_along.pick_up          .  .  x  x  x  .  .  .  .
case.list                   x  x  x  x  x  .  .  .  .
case.view                   x  x  x  x  x  .  .  .  .
case.record                 x  x  x  x  x  .  .  .  .
case.weigh                  .  .  x  x  x  .  .  .  .
case.decide                 .  .  .  x  x  .  .  .  .
case.report                 .  .  .  x  x  .  .  .  .
case.close                  .  .  x  x  x  .  .  .  .
case.manage_members         .  .  x  x  x  .  .  .  .
case.view_access_log        .  .  x  x  x  .  .  .  .
school.manage               .  .  .  .  .  x  .  .  .
staff.approve_role          .  .  .  x  x  .  .  .  .
protocol.manage             .  .  .  .  x  x  .  .  .
api.manage_keys             .  .  .  .  .  x  .  .  .
account.manage              x  x  x  x  x  x  x  x  x
account.unlock              .  .  .  x  .  x  .  .  .
insights.view               .  .  .  x  x  .  .  .  .
insights.import_public_figures .  .  .  .  .  .  .  .  .
insights.refresh            .  .  .  x  x  .  .  .  .
"""


def parse(matrix: str) -> dict[str, dict[Role, bool]]:
    header, *rows = matrix.strip().splitlines()
    assert header.split()[1:] == ["T", "TA", "IB", "AF", "SL", "FA", "BA", "MA", "RA"]
    table = {}
    for row in rows:
        permission, *marks = row.split()
        assert len(marks) == len(COLUMNS) and set(marks) <= {"x", "."}, row
        table[permission] = {role: mark == "x" for role, mark in zip(COLUMNS, marks, strict=True)}
    return table


EXPECTED = parse(MATRIX)
# Everything except one's own account settings needs a role in a school.
SCHOOL_BOUND = sorted(p for p in EXPECTED if p != "account.manage")
DEFAULT_PROTOCOL = frozenset({AF, SL})
SCHOOL, OTHER_SCHOOL = 1, 2


def member(role: Role, user_id: int = 10, school_id: int | None = SCHOOL, **protocol) -> Actor:
    return Actor(
        user_id=user_id,
        school_id=school_id,
        role=role,
        decision_roles=protocol.get("decision_roles", DEFAULT_PROTOCOL),
        report_roles=protocol.get("report_roles", DEFAULT_PROTOCOL),
    )


def test_the_matrix_names_every_permission_and_no_other():
    assert set(EXPECTED) == set(PERMISSIONS)


def test_the_matrix_has_a_column_for_every_role():
    assert set(COLUMNS) == set(Role)


CELLS = [(permission, role) for permission in EXPECTED for role in COLUMNS]


@pytest.mark.parametrize(("permission", "role"), CELLS, ids=[f"{p}-{r.value}" for p, r in CELLS])
def test_member_of_a_school(permission, role):
    assert has_permission(member(role), permission) is EXPECTED[permission][role]


SCHOOL_BOUND_CELLS = [(p, r) for p, r in CELLS if p in SCHOOL_BOUND]


@pytest.mark.parametrize(
    ("permission", "role"), SCHOOL_BOUND_CELLS, ids=[f"{p}-{r.value}" for p, r in SCHOOL_BOUND_CELLS]
)
def test_without_a_school_nothing_is_allowed(permission, role):
    assert has_permission(member(role, school_id=None), permission) is False


@pytest.mark.parametrize("permission", SCHOOL_BOUND)
def test_a_school_without_a_role_allows_nothing(permission):
    actor = Actor(user_id=10, school_id=SCHOOL, role=None, decision_roles=DEFAULT_PROTOCOL)
    assert has_permission(actor, permission) is False


@pytest.mark.parametrize("permission", SCHOOL_BOUND)
def test_a_user_without_any_membership_is_allowed_nothing(permission):
    assert has_permission(Actor(user_id=10), permission) is False


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_anonymous_is_allowed_nothing(permission):
    assert has_permission(None, permission) is False


@pytest.mark.parametrize("permission", ["", "case", "case.delete", "CASE.VIEW", "case.view ", "admin", "*"])
@pytest.mark.parametrize("role", COLUMNS)
def test_an_unknown_permission_is_refused(permission, role):
    assert has_permission(member(role), permission) is False


@given(permission=st.text(max_size=30).filter(lambda p: p not in PERMISSIONS), role=st.sampled_from(COLUMNS))
def test_deny_by_default(permission, role):
    assert has_permission(member(role), permission) is False


# Deciding and reporting follow the school's protocol. ---------------------------------------------

# (decision_roles, report_roles) -> roles that may decide, roles that may report.
PROTOCOLS = {
    "default: AF and school leader": ({AF, SL}, {AF, SL}, {AF, SL}, {AF, SL}),
    "IB decides, AF reports": ({IB}, {AF}, {IB}, {AF}),
    "school leader decides, IB and AF report": ({SL}, {IB, AF}, {SL}, {IB, AF}),
    "all three decide and report": ({IB, AF, SL}, {IB, AF, SL}, {IB, AF, SL}, {IB, AF, SL}),
    "nobody (protocol not set up)": (set(), set(), set(), set()),
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("role", COLUMNS)
def test_deciding_and_reporting_follow_the_protocol(protocol, role):
    decision_roles, report_roles, deciders, reporters = PROTOCOLS[protocol]
    actor = member(role, decision_roles=frozenset(decision_roles), report_roles=frozenset(report_roles))
    assert has_permission(actor, "case.decide") is (role in deciders)
    assert has_permission(actor, "case.report") is (role in reporters)


def test_a_school_whose_protocol_lets_the_ib_decide():
    protocol = {"decision_roles": frozenset({IB, AF}), "report_roles": frozenset({AF})}
    ib = member(IB, **protocol)
    assert has_permission(ib, "case.decide")
    assert has_permission(ib, "case.weigh")
    assert not has_permission(ib, "case.report")
    assert has_permission(member(AF, **protocol), "case.report")
    assert not has_permission(member(SL, **protocol), "case.decide")


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("role", [IB, AF, SL])
def test_weighing_belongs_to_the_ib_af_and_school_leader_whatever_the_protocol(protocol, role):
    """DOMAIN.md step 4: in a school the weighing moves from the teacher to the IB / AF / school leader.

    Weighing answers framework questions 1-2; who *decides about a report* (questions 3-5) is what
    the protocol settles.
    """
    decision_roles, report_roles, _deciders, _reporters = PROTOCOLS[protocol]
    actor = member(role, decision_roles=frozenset(decision_roles), report_roles=frozenset(report_roles))
    assert has_permission(actor, "case.weigh")


@pytest.mark.parametrize("permission", ["case.decide", "case.report", "case.weigh"])
def test_a_protocol_role_without_a_school_grants_nothing(permission):
    actor = member(AF, school_id=None, decision_roles=frozenset({AF}), report_roles=frozenset({AF}))
    assert has_permission(actor, permission) is False


@pytest.mark.parametrize("permission", ["case.decide", "case.report"])
def test_a_role_outside_the_protocol_may_not_decide_or_report_even_as_school_leader(permission):
    actor = member(SL, decision_roles=frozenset({AF}), report_roles=frozenset({AF}))
    assert has_permission(actor, permission) is False


# Object rules: dossiers. --------------------------------------------------------------------------

ME = 10
SOMEONE_ELSE = 11

# role -> (own school & member, own school & not member, other school & member, other school & not member)
CASE_VIEW = {
    T: (True, False, False, False),
    TA: (True, False, False, False),
    IB: (True, True, False, False),
    AF: (True, True, False, False),
    SL: (True, True, False, False),
    FA: (False, False, False, False),
    BA: (False, False, False, False),
    MA: (False, False, False, False),
    RA: (False, False, False, False),
}
PLACES = [(SCHOOL, True), (SCHOOL, False), (OTHER_SCHOOL, True), (OTHER_SCHOOL, False)]
PLACE_IDS = ["own-member", "own-not-member", "other-member", "other-not-member"]


def test_the_case_table_covers_every_role():
    assert set(CASE_VIEW) == set(Role)


@pytest.mark.parametrize("role", COLUMNS)
@pytest.mark.parametrize("place", range(4), ids=PLACE_IDS)
def test_can_view_case(role, place):
    case_school, is_member = PLACES[place]
    members = {ME, SOMEONE_ELSE} if is_member else {SOMEONE_ELSE}
    assert can_view_case(member(role, user_id=ME), case_school, members) is CASE_VIEW[role][place]


@pytest.mark.parametrize("role", COLUMNS)
def test_no_case_without_a_school(role):
    assert can_view_case(member(role, user_id=ME, school_id=None), SCHOOL, {ME}) is False


def test_no_case_without_a_role():
    assert can_view_case(Actor(user_id=ME, school_id=SCHOOL), SCHOOL, {ME}) is False


@pytest.mark.parametrize("members", [set(), [], (), frozenset()])
def test_a_teacher_sees_no_case_with_no_members(members):
    assert can_view_case(member(T, user_id=ME), SCHOOL, members) is False


def test_member_ids_may_be_any_collection():
    teacher = member(T, user_id=ME)
    assert can_view_case(teacher, SCHOOL, [SOMEONE_ELSE, ME])
    assert can_view_case(teacher, SCHOOL, (ME,))
    assert can_view_case(teacher, SCHOOL, frozenset({ME}))


# Object rules: signals (logbook entries). ---------------------------------------------------------

AUTHOR, IN_CASE, NOT_IN_CASE, NO_CASE = "author", "case member", "not a case member", "not in a case"
RELATIONS = (AUTHOR, IN_CASE, NOT_IN_CASE, NO_CASE)

# role -> relation -> (own school, other school)
SIGNAL_VIEW = {
    T: {AUTHOR: (True, False), IN_CASE: (True, False), NOT_IN_CASE: (False, False), NO_CASE: (False, False)},
    TA: {AUTHOR: (True, False), IN_CASE: (True, False), NOT_IN_CASE: (False, False), NO_CASE: (False, False)},
    IB: {AUTHOR: (True, False), IN_CASE: (True, False), NOT_IN_CASE: (True, False), NO_CASE: (True, False)},
    AF: {AUTHOR: (True, False), IN_CASE: (True, False), NOT_IN_CASE: (True, False), NO_CASE: (True, False)},
    SL: {AUTHOR: (True, False), IN_CASE: (True, False), NOT_IN_CASE: (True, False), NO_CASE: (True, False)},
    FA: {AUTHOR: (False, False), IN_CASE: (False, False), NOT_IN_CASE: (False, False), NO_CASE: (False, False)},
    BA: {AUTHOR: (False, False), IN_CASE: (False, False), NOT_IN_CASE: (False, False), NO_CASE: (False, False)},
    MA: {AUTHOR: (False, False), IN_CASE: (False, False), NOT_IN_CASE: (False, False), NO_CASE: (False, False)},
    RA: {AUTHOR: (False, False), IN_CASE: (False, False), NOT_IN_CASE: (False, False), NO_CASE: (False, False)},
}


def signal_facts(relation: str) -> tuple[int, set[int] | None]:
    """(author_id, case_member_ids) for the actor ME."""
    return {
        AUTHOR: (ME, None),
        IN_CASE: (SOMEONE_ELSE, {SOMEONE_ELSE, ME}),
        NOT_IN_CASE: (SOMEONE_ELSE, {SOMEONE_ELSE}),
        NO_CASE: (SOMEONE_ELSE, None),
    }[relation]


def test_the_signal_table_covers_every_role():
    assert set(SIGNAL_VIEW) == set(Role)


@pytest.mark.parametrize("role", COLUMNS)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("school", [SCHOOL, OTHER_SCHOOL], ids=["own-school", "other-school"])
def test_can_view_signal(role, relation, school):
    author_id, case_members = signal_facts(relation)
    expected = SIGNAL_VIEW[role][relation][0 if school == SCHOOL else 1]
    assert can_view_signal(member(role, user_id=ME), school, author_id, case_members) is expected


@pytest.mark.parametrize("role", COLUMNS)
def test_no_signal_without_a_school(role):
    assert can_view_signal(member(role, user_id=ME, school_id=None), SCHOOL, ME, {ME}) is False


def test_an_author_sees_their_signal_also_inside_a_case_they_are_not_a_member_of():
    assert can_view_signal(member(T, user_id=ME), SCHOOL, ME, {SOMEONE_ELSE}) is True


def test_an_empty_case_membership_grants_nothing_to_a_teacher():
    assert can_view_signal(member(T, user_id=ME), SCHOOL, SOMEONE_ELSE, set()) is False


# role -> (author at own school, not author at own school, author at other school, not author at other)
SIGNAL_AMEND = {
    T: (True, False, False, False),
    TA: (True, False, False, False),
    IB: (True, True, False, False),
    AF: (True, True, False, False),
    SL: (True, True, False, False),
    FA: (False, False, False, False),
    BA: (False, False, False, False),
    MA: (False, False, False, False),
    RA: (False, False, False, False),
}
AMEND_PLACES = [(SCHOOL, ME), (SCHOOL, SOMEONE_ELSE), (OTHER_SCHOOL, ME), (OTHER_SCHOOL, SOMEONE_ELSE)]
AMEND_IDS = ["own-author", "own-not-author", "other-author", "other-not-author"]


def test_the_amend_table_covers_every_role():
    assert set(SIGNAL_AMEND) == set(Role)


@pytest.mark.parametrize("role", COLUMNS)
@pytest.mark.parametrize("place", range(4), ids=AMEND_IDS)
def test_can_amend_signal(role, place):
    school, author = AMEND_PLACES[place]
    assert can_amend_signal(member(role, user_id=ME), school, author) is SIGNAL_AMEND[role][place]


@pytest.mark.parametrize("role", COLUMNS)
def test_no_amending_without_a_school(role):
    assert can_amend_signal(member(role, user_id=ME, school_id=None), SCHOOL, ME) is False


# Properties over arbitrary actors. ----------------------------------------------------------------

roles = st.none() | st.sampled_from(COLUMNS)
role_sets = st.frozensets(st.sampled_from(COLUMNS))
school_ids = st.none() | st.integers(1, 3)
user_ids = st.integers(1, 5)
actors = st.builds(
    Actor, user_id=user_ids, school_id=school_ids, role=roles, decision_roles=role_sets, report_roles=role_sets
)


@given(actor=actors, case_school=st.integers(1, 3), members=st.frozensets(user_ids))
def test_the_functional_admin_and_outsiders_never_see_a_case(actor, case_school, members):
    if actor.role in (None, FA) or actor.school_id != case_school:
        assert can_view_case(actor, case_school, members) is False


@given(
    actor=actors,
    school=st.integers(1, 3),
    author=user_ids,
    case_members=st.none() | st.frozensets(user_ids),
)
def test_the_functional_admin_and_outsiders_never_see_or_amend_a_signal(actor, school, author, case_members):
    if actor.role in (None, FA) or actor.school_id != school:
        assert can_view_signal(actor, school, author, case_members) is False
        assert can_amend_signal(actor, school, author) is False


@given(actor=actors, school=st.integers(1, 3), author=user_ids, case_members=st.none() | st.frozensets(user_ids))
def test_whoever_may_amend_a_signal_may_view_it(actor, school, author, case_members):
    if can_amend_signal(actor, school, author):
        assert can_view_signal(actor, school, author, case_members)


@given(actor=actors, case_school=st.integers(1, 3), members=st.frozensets(user_ids))
def test_whoever_sees_a_case_holds_case_view(actor, case_school, members):
    if can_view_case(actor, case_school, members):
        assert has_permission(actor, "case.view")


@given(actor=actors, permission=st.sampled_from(sorted(PERMISSIONS)))
def test_no_school_or_no_role_means_no_permission(actor, permission):
    # Except one's own account settings (two-factor sign-in, sessions): every signed-in person has those.
    if (actor.school_id is None or actor.role is None) and permission != "account.manage":
        assert has_permission(actor, permission) is False


def test_every_signed_in_person_manages_their_own_account():
    assert has_permission(Actor(user_id=1), "account.manage") is True
    assert has_permission(None, "account.manage") is False


# set_protocol only lets the IB, the AF and the school leader hold the decision or the report.
protocol_role_sets = st.frozensets(st.sampled_from([IB, AF, SL]))


@given(
    school_id=st.integers(1, 3),
    decision_roles=protocol_role_sets,
    report_roles=protocol_role_sets,
    permission=st.sampled_from(sorted(PERMISSIONS)),
)
def test_the_functional_admin_has_no_case_or_signal_permission_under_any_protocol(
    school_id, decision_roles, report_roles, permission
):
    actor = Actor(user_id=ME, school_id=school_id, role=FA, decision_roles=decision_roles, report_roles=report_roles)
    if permission.startswith(("case.", "signal.", "inbox.", "look_along.")):
        assert has_permission(actor, permission) is False


@given(
    role=st.sampled_from([T, TA]),
    decision_roles=protocol_role_sets,
    report_roles=protocol_role_sets,
)
def test_teachers_and_assistants_never_weigh_decide_or_report_under_any_protocol(role, decision_roles, report_roles):
    actor = member(role, decision_roles=decision_roles, report_roles=report_roles)
    for permission in ("case.weigh", "case.decide", "case.report"):
        assert has_permission(actor, permission) is False


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        # ... and the API keys of their own organisation (haven.api).
        (
            Actor(user_id=1, role=BA, board_id=7),
            {"account.manage", "dashboard.view", "insights.view", "api.manage_keys"},
        ),
        (
            Actor(user_id=1, role=MA, municipality_id=3),
            {"account.manage", "dashboard.view", "insights.view", "insights.import_public_figures", "api.manage_keys"},
        ),
        (
            Actor(user_id=1, role=RA, region_id=4),
            {"account.manage", "dashboard.view", "insights.view", "insights.import_public_figures", "api.manage_keys"},
        ),
        (Actor(user_id=1, role=BA), {"account.manage"}),  # no board: no aggregates
        (Actor(user_id=1, role=RA, municipality_id=3), {"account.manage"}),  # a region officer needs a region
        (Actor(user_id=1, role=MA, board_id=7), {"account.manage"}),  # a municipality officer needs a municipality
    ],
)
def test_policy_officers_see_aggregates_and_nothing_else(actor, allowed):
    assert {p for p in PERMISSIONS if has_permission(actor, p)} == allowed


# Four eyes on roles that read case content (finding 2 of issue 10).
ADMIN_ID, SUBJECT_ID = 20, 30


@pytest.mark.parametrize("role", COLUMNS)
def test_only_an_af_or_school_leader_of_the_school_decides_a_role_request(role):
    allowed = can_decide_role_request(member(role), SCHOOL, ADMIN_ID, SUBJECT_ID)
    assert allowed is (role in (AF, SL))


@pytest.mark.parametrize("role", [AF, SL])
def test_a_role_request_is_not_decided_by_another_school_the_requester_or_the_subject(role):
    assert can_decide_role_request(member(role, school_id=OTHER_SCHOOL), SCHOOL, ADMIN_ID, SUBJECT_ID) is False
    assert can_decide_role_request(member(role, user_id=ADMIN_ID), SCHOOL, ADMIN_ID, SUBJECT_ID) is False
    assert can_decide_role_request(member(role, user_id=SUBJECT_ID), SCHOOL, ADMIN_ID, SUBJECT_ID) is False
    # A request made by the operator on the server (no requester) is still decided by someone else.
    assert can_decide_role_request(member(role), SCHOOL, None, SUBJECT_ID) is True
