"""Writes of organisation data (groups, protocol settings), each with its audit event."""

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.access.roles import STAFF_ROLES, Role
from haven.accounts.models import User
from haven.audit.services import record_event
from haven.infrastructure import concurrency
from haven.meldcode import retention
from haven.organisations.audit_actions import OrganisationAction
from haven.organisations.models import Group, School


def _teachers_of_school(actor: Actor, teachers: Iterable[User]) -> list[User]:
    teachers = list(teachers)
    allowed = set(
        User.objects.filter(
            pk__in=[t.pk for t in teachers],
            memberships__school_id=actor.member_school_id,
            memberships__role__in=STAFF_ROLES,
        ).values_list("pk", flat=True)
    )
    if any(t.pk not in allowed for t in teachers):
        raise ValidationError({"teachers": _("Only staff of this school can teach a group.")})
    return teachers


@transaction.atomic
def save_group(
    actor: Actor,
    *,
    name: str,
    school_year: str,
    teachers: Iterable[User] = (),
    group: Group | None = None,
    seen_version: int | None = None,
) -> Group:
    require_permission(actor, "school.manage")
    teachers = _teachers_of_school(actor, teachers)
    duplicate = Group.objects.filter(school_id=actor.member_school_id, school_year=school_year, name=name)
    if group is not None:
        duplicate = duplicate.exclude(pk=group.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("This school already has a group with this name in that school year.")})
    if group is None:
        group = Group(school_id=actor.member_school_id)
    elif group.school_id != actor.school_id:
        raise PermissionDenied
    else:
        group.version = concurrency.claim(Group, group.pk, seen_version)
    group.name = name
    group.school_year = school_year
    group.save()
    group.teachers.set(teachers)
    record_event(actor, OrganisationAction.GROUP_SAVE, obj=group, detail={"name": name, "school_year": school_year})
    return group


@transaction.atomic
def set_protocol(
    actor: Actor,
    school: School,
    *,
    decision_roles: Iterable[str],
    report_roles: Iterable[str],
    retention_years: int | None = None,
    inactivity_weeks: int | None = None,
    seen_version: int | None = None,
) -> School:
    """Save the school's protocol; `retention_years=None` keeps the current retention term."""
    require_permission(actor, "protocol.manage")
    if school.pk != actor.school_id:
        raise PermissionDenied
    school.version = concurrency.claim(School, school.pk, seen_version)
    staff = {r.value for r in STAFF_ROLES} - {Role.TEACHER.value, Role.TEACHING_ASSISTANT.value}
    decision_roles, report_roles = sorted(set(decision_roles)), sorted(set(report_roles))
    for name, roles in (("decision_roles", decision_roles), ("report_roles", report_roles)):
        if not roles:
            raise ValidationError({name: _("Choose at least one role.")})
        if not set(roles) <= staff:
            raise ValidationError({name: _("Only the IB, the AF and the school leader can hold this responsibility.")})
    if retention_years is not None and not retention.MIN_YEARS <= retention_years <= retention.MAX_YEARS:
        raise ValidationError(
            {
                "retention_years": _("Choose a retention term from %(min)s to %(max)s years.")
                % {"min": retention.MIN_YEARS, "max": retention.MAX_YEARS}
            }
        )
    if inactivity_weeks is not None and not (
        School.MIN_INACTIVITY_WEEKS <= inactivity_weeks <= School.MAX_INACTIVITY_WEEKS
    ):
        raise ValidationError(
            {
                "inactivity_weeks": _("Choose from %(min)s to %(max)s weeks.")
                % {"min": School.MIN_INACTIVITY_WEEKS, "max": School.MAX_INACTIVITY_WEEKS}
            }
        )
    if inactivity_weeks is not None:
        school.inactivity_weeks = inactivity_weeks
    school.decision_roles = decision_roles
    school.report_roles = report_roles
    if retention_years is not None:
        school.retention_years = retention_years
    school.save(update_fields=["decision_roles", "report_roles", "retention_years", "inactivity_weeks"])
    record_event(
        actor,
        OrganisationAction.PROTOCOL_SAVE,
        obj=school,
        detail={
            "decision": decision_roles,
            "report": report_roles,
            "retention_years": school.retention_years,
            "inactivity_weeks": school.inactivity_weeks,
        },
    )
    return school


POSTAL_CODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")


@transaction.atomic
def set_school_address(actor: Actor, school: School, *, street_address: str, postal_code: str, city: str) -> School:
    """The school's visiting address, which a report to Veilig Thuis names; empty parts are allowed."""
    require_permission(actor, "protocol.manage")
    if school.pk != actor.school_id:
        raise PermissionDenied
    postal_code = postal_code.strip().upper()
    if postal_code and not POSTAL_CODE.match(postal_code):
        raise ValidationError(
            {"postal_code": _("Write the postcode as four digits and two letters, for example 1234 AB.")}
        )
    if len(postal_code) == 6:
        postal_code = f"{postal_code[:4]} {postal_code[4:]}"
    school.street_address, school.postal_code, school.city = street_address.strip(), postal_code, city.strip()
    school.save(update_fields=["street_address", "postal_code", "city"])
    record_event(actor, OrganisationAction.SCHOOL_ADDRESS, obj=school)
    return school
