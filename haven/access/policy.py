"""The access policy as pure rules: who may do what, per role, school and case membership.

Deny by default: a permission that is not listed here is refused, and every view names the
permission it needs (see `haven.access.decorators.requires`). Object-level rules take plain
facts about the object so they stay testable without a database; `haven.*.queries` applies the
same rules as queryset filters.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from haven.access.roles import ANALYST_ROLES, ROLE_APPROVER_ROLES, SCHOOL_WIDE_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    school_id: int | None = None
    role: Role | None = None
    decision_roles: frozenset[Role] = field(default_factory=frozenset)
    report_roles: frozenset[Role] = field(default_factory=frozenset)
    # For analysts: the board, municipality or region whose aggregates they may see.
    board_id: int | None = None
    municipality_id: int | None = None
    region_id: int | None = None

    @property
    def member_school_id(self) -> int:
        """The school of a school member, for code that runs only after a permission that requires
        membership (every school permission does; analysts and people without a role have no school)."""
        if self.school_id is None:
            raise PermissionError("This actor is not a member of a school.")
        return self.school_id

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_whole_school(self) -> bool:
        return self.role in SCHOOL_WIDE_ROLES

    @property
    def may_decide(self) -> bool:
        return self.role is not None and self.role in self.decision_roles

    @property
    def may_report(self) -> bool:
        return self.role is not None and self.role in self.report_roles


def _signed_in(actor: Actor) -> bool:
    """Any signed-in person: their own account settings, whatever their role."""
    return True


def _analyst(actor: Actor) -> bool:
    if actor.role == Role.BOARD_ANALYST:
        return actor.board_id is not None
    if actor.role == Role.REGION_ANALYST:
        return actor.region_id is not None
    return actor.role == Role.MUNICIPALITY_ANALYST and actor.municipality_id is not None


def _insights_reader(actor: Actor) -> bool:
    """Analysts see their organisation's suppressed figures; the AF and the school leader their own
    school's exact figures (they may read its dossiers anyway)."""
    if _analyst(actor):
        return True
    return _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER)


def _public_figures_importer(actor: Actor) -> bool:
    """Public figures are per municipality: the municipality's and the region's policy officers import them."""
    return _analyst(actor) and actor.role in (Role.MUNICIPALITY_ANALYST, Role.REGION_ANALYST)


def _member_or_analyst(actor: Actor) -> bool:
    return _member(actor) or _analyst(actor)


def _member(actor: Actor) -> bool:
    """A role in a school (analysts never are: they belong to a board or a municipality)."""
    return actor.role is not None and actor.role not in ANALYST_ROLES and actor.school_id is not None


def _staff(actor: Actor) -> bool:
    return _member(actor) and actor.is_staff


def _school_wide(actor: Actor) -> bool:
    return _member(actor) and actor.sees_whole_school


# The protocol picks who decides and reports, but only ever from the school-wide roles: a
# misconfigured protocol must not hand case decisions to a teacher or the functional admin.
def _decider(actor: Actor) -> bool:
    return _school_wide(actor) and actor.may_decide


def _reporter(actor: Actor) -> bool:
    return _school_wide(actor) and actor.may_report


def _functional_admin(actor: Actor) -> bool:
    return _member(actor) and actor.role == Role.FUNCTIONAL_ADMIN


def _protocol_manager(actor: Actor) -> bool:
    return _member(actor) and actor.role in (Role.FUNCTIONAL_ADMIN, Role.SCHOOL_LEADER)


def can_view_access_log(actor: Actor, case_school_id: int, lead_id: int) -> bool:
    """Who viewed a dossier: the AF and the school leader of its school, and its case lead (an IB)."""
    if not _school_wide(actor) or actor.school_id != case_school_id:
        return False
    return actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER) or actor.user_id == lead_id


def _role_approver(actor: Actor) -> bool:
    return _member(actor) and actor.role in ROLE_APPROVER_ROLES


def can_decide_role_request(actor: Actor, school_id: int, requested_by_id: int | None, subject_id: int) -> bool:
    """Four eyes: an AF or school leader of the school, who neither asked for the role nor receives it."""
    if not _role_approver(actor) or actor.school_id != school_id:
        return False
    return actor.user_id not in (requested_by_id, subject_id)


PERMISSIONS: dict[str, Callable[[Actor], bool]] = {
    # Roles that read case content (IB, AF, school leader) take effect only once an AF or school
    # leader of the school approves them; `can_decide_role_request` narrows this per request.
    "staff.approve_role": _role_approver,
    # Handover (haven.handover): a new teacher reads the notice addressed to them (that a pupil has a
    # dossier, never what it holds); the AF and the school leader decide on adding that teacher, make the
    # package for another school and import one from another school.
    "handover.view_notice": _staff,
    "handover.decide": lambda actor: _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER),
    "handover.export": lambda actor: _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER),
    "handover.import": lambda actor: _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER),
    # Follow-up of a report and help plans with their evaluations (haven.followup): the school-wide roles.
    "case.follow_up": _school_wide,
    # haven.external_signals. Handle with Care: the AF or the IB records a police notice about a pupil.
    "police_notice.record": lambda actor: (
        _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.CARE_COORDINATOR)
    ),
    # The support task after a police notice: staff, for the tasks given to them only.
    "support_task.complete": _staff,
    # Placing (and ending) a signal in the verwijsindex is the school's decision, not a teacher's.
    "referral_index.record": _school_wide,
    # Planning the conversation with the parents: whoever may record it (members, school-wide roles).
    "conversation.plan": _staff,
    # "My tasks" (haven.tasks): every staff member of a school, for their own tasks only.
    "tasks.view": _staff,
    # Role level: AF, school leader and IB; per dossier `can_view_access_log` narrows the IB to its lead.
    "case.view_access_log": _school_wide,
    # Parents' right of access: the AF (and the school leader) decide what is withheld, not the IB.
    "pupil.disclose": lambda actor: _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER),
    "account.manage": _signed_in,
    # Lifting a sign-in lock of a colleague: the functional administrator, and the AF (who must be able
    # to get a colleague back in during an acute case). It reveals and changes no case content.
    "account.unlock": lambda actor: _member(actor) and actor.role in (Role.FUNCTIONAL_ADMIN, Role.SAFEGUARDING_LEAD),
    "dashboard.view": _member_or_analyst,
    "insights.view": _insights_reader,
    "insights.import_public_figures": _public_figures_importer,
    # Recounting the figures now (instead of at night): the AF and the school leader, their own school only.
    "insights.refresh": lambda actor: _member(actor) and actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER),
    # An advice request to Veilig Thuis (or a verwijsindex signal) recorded before or without a dossier.
    "advice_request.record": _school_wide,
    "pupil.search": _staff,
    "signal.create": _staff,
    "signal.list_own": _staff,
    "signal.view": _staff,
    "signal.amend": _staff,
    "signal.request_look_along": _staff,
    "inbox.view": _school_wide,
    "signal.triage": _school_wide,
    "look_along.pick_up": _school_wide,
    "case.list": _staff,
    "case.view": _staff,
    "case.record": _staff,
    "case.weigh": _school_wide,
    "case.decide": _decider,
    "case.report": _reporter,
    "case.close": _school_wide,
    "case.manage_members": _school_wide,
    "school.manage": _functional_admin,
    # API keys (haven.api) of one's own organisation: the school's functional administrator, and the
    # policy officer of a board, a municipality or a region. They also read the API's documentation.
    "api.manage_keys": lambda actor: _functional_admin(actor) or _analyst(actor),
    "protocol.manage": _protocol_manager,
}


def has_permission(actor: Actor | None, permission: str) -> bool:
    if actor is None:
        return False
    rule = PERMISSIONS.get(permission)
    return rule is not None and rule(actor)


def can_view_case(actor: Actor, case_school_id: int, member_ids: Collection[int]) -> bool:
    if not _staff(actor) or actor.school_id != case_school_id:
        return False
    return actor.sees_whole_school or actor.user_id in member_ids


def can_view_signal(
    actor: Actor, signal_school_id: int, author_id: int, case_member_ids: Collection[int] | None
) -> bool:
    """Own signals, signals in a dossier one is a member of, or all of the school's when school-wide."""
    if not _staff(actor) or actor.school_id != signal_school_id:
        return False
    if actor.sees_whole_school or actor.user_id == author_id:
        return True
    return case_member_ids is not None and actor.user_id in case_member_ids


def can_amend_signal(actor: Actor, signal_school_id: int, author_id: int) -> bool:
    """Only the author or a school-wide role corrects a logbook entry."""
    if not _staff(actor) or actor.school_id != signal_school_id:
        return False
    return actor.sees_whole_school or actor.user_id == author_id
