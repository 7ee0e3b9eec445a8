"""Writes of pupil data by the functional administrator, each with its audit event."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.audit.services import record_event
from haven.infrastructure import concurrency
from haven.organisations.models import Group
from haven.pupils.audit_actions import PupilAction
from haven.pupils.dates import EARLIEST_YEARS, birth_date_problem
from haven.pupils.models import GroupPlacement, HouseholdMember, Pupil, Sibling


@transaction.atomic
def save_pupil(
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    address: str | None = None,
    pupil: Pupil | None = None,
    seen_version: int | None = None,
) -> Pupil:
    """Add or change a pupil. `address` None keeps the address as it is (encrypted at rest)."""
    require_permission(actor, "school.manage")
    if not first_name.strip() or not last_name.strip():
        raise ValidationError(_("First and last name are required."))
    _check_birth(date_of_birth, timezone.localdate())
    if pupil is None:
        pupil = Pupil(school_id=actor.member_school_id)
    elif pupil.school_id != actor.school_id:
        raise PermissionDenied
    else:
        pupil.version = concurrency.claim(Pupil, pupil.pk, seen_version)
    pupil.first_name, pupil.last_name, pupil.date_of_birth = first_name.strip(), last_name.strip(), date_of_birth
    if address is not None:
        pupil.address = address.strip()
    pupil.save()
    record_event(actor, PupilAction.SAVE, obj=pupil, pupil=pupil)
    return pupil


def _check_birth(date_of_birth: dt.date, today: dt.date) -> None:
    if birth_date_problem(date_of_birth, today=today):
        raise ValidationError(
            {
                "date_of_birth": _(
                    "The date of birth must lie in the past, and not more than %(years)s years ago. Check the year."
                )
                % {"years": EARLIEST_YEARS}
            }
        )


@transaction.atomic
def add_pupils(actor: Actor, rows: Sequence[tuple[str, str, dt.date]]) -> list[Pupil]:
    """New pupils at once (a new school year's intake, as the school's administration system lists
    them: first name, last name, date of birth): `save_pupil`'s checks for every row, nothing written
    when one fails, in a fixed number of queries with one audit event naming the pupils."""
    require_permission(actor, "school.manage")
    today = timezone.localdate()
    pupils = []
    for first_name, last_name, date_of_birth in rows:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(_("First and last name are required."))
        _check_birth(date_of_birth, today)
        pupils.append(
            Pupil(
                school_id=actor.member_school_id,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                date_of_birth=date_of_birth,
            )
        )
    created = Pupil.objects.bulk_create(pupils)
    record_event(actor, PupilAction.ADD_MANY, detail={"pupils": [pupil.pk for pupil in created]})
    return created


@transaction.atomic
def place_pupil(actor: Actor, pupil: Pupil, group: Group) -> GroupPlacement:
    """Place a pupil in a group for that group's school year, replacing an earlier placement that year."""
    require_permission(actor, "school.manage")
    if pupil.school_id != actor.school_id or group.school_id != actor.school_id:
        raise ValidationError(_("The pupil and the group must belong to your school."))
    placement, _created = GroupPlacement.objects.update_or_create(
        pupil=pupil, school_year=group.school_year, defaults={"group": group}
    )
    record_event(actor, PupilAction.PLACE, obj=pupil, pupil=pupil, detail={"group": str(group)})
    return placement


@transaction.atomic
def place_pupils(actor: Actor, pupils: Sequence[Pupil], group: Group) -> list[GroupPlacement]:
    """Place a whole class at once (the class list of a new school year), replacing each pupil's
    earlier placement that year: `place_pupil` for many pupils in a fixed number of queries.

    One audit event for the group, naming the pupils placed. In a group with teachers every new
    placement is announced with `post_save`, as saving it one by one would, so what listens to
    placements (handover notices to the group's teachers) sees each of them. A group without
    teachers has nobody to tell yet: giving it teachers later is announced by the group itself
    (`m2m_changed` of its teachers), which covers all its placements.
    """
    require_permission(actor, "school.manage")
    if group.school_id != actor.school_id or any(pupil.school_id != actor.school_id for pupil in pupils):
        raise ValidationError(_("The pupil and the group must belong to your school."))
    ids = list(dict.fromkeys(pupil.pk for pupil in pupils))
    GroupPlacement.objects.filter(pupil_id__in=ids, school_year=group.school_year).delete()
    placements = GroupPlacement.objects.bulk_create(
        [GroupPlacement(pupil_id=pk, group=group, school_year=group.school_year) for pk in ids]
    )
    using = router.db_for_write(GroupPlacement)
    for placement in placements if group.teachers.exists() else ():
        post_save.send(
            sender=GroupPlacement, instance=placement, created=True, update_fields=None, raw=False, using=using
        )
    record_event(actor, PupilAction.PLACE_GROUP, obj=group, detail={"group": str(group), "pupils": ids})
    return placements


@transaction.atomic
def add_household_member(
    actor: Actor, pupil: Pupil, *, name: str, relation: str, lives_with_pupil: bool
) -> HouseholdMember:
    require_permission(actor, "school.manage")
    if pupil.school_id != actor.school_id:
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": _("A name is required.")})
    if relation not in HouseholdMember.Relation.values:
        raise ValidationError({"relation": _("Choose a relation.")})
    member = HouseholdMember.objects.create(
        pupil=pupil, name=name.strip(), relation=relation, lives_with_pupil=lives_with_pupil
    )
    record_event(actor, PupilAction.ADD_HOUSEHOLD_MEMBER, obj=member, pupil=pupil)
    return member


@transaction.atomic
def remove_household_member(actor: Actor, member: HouseholdMember) -> None:
    require_permission(actor, "school.manage")
    if member.pupil.school_id != actor.school_id:
        raise PermissionDenied
    record_event(actor, PupilAction.REMOVE_HOUSEHOLD_MEMBER, obj=member, pupil=member.pupil_id)
    member.delete()


@transaction.atomic
def save_pupil_with_group(
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    group: Group | None,
    address: str | None = None,
    pupil: Pupil | None = None,
    seen_version: int | None = None,
) -> Pupil:
    """The pupil form in one transaction: the pupil's details and their current group.

    The current group is the placement in the latest school year. Choosing no group removes that
    placement; placements in earlier years stay, they are the pupil's history.
    """
    pupil = save_pupil(
        actor,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        address=address,
        pupil=pupil,
        seen_version=seen_version,
    )
    current = pupil.placements.select_related("group").order_by("-school_year").first()
    if group is not None:
        if current is None or current.group_id != group.pk:
            place_pupil(actor, pupil, group)
    elif current is not None:
        record_event(actor, PupilAction.UNPLACE, obj=pupil, pupil=pupil, detail={"group": str(current.group)})
        current.delete()
    return pupil


# Siblings ------------------------------------------------------------------------------------------


@transaction.atomic
def link_siblings(actor: Actor, pupil: Pupil, sibling: Pupil) -> Sibling:
    require_permission(actor, "school.manage")
    if pupil.school_id != actor.school_id or sibling.school_id != actor.school_id:
        raise ValidationError({"sibling": _("Both pupils must be pupils of your school.")})
    if pupil.pk == sibling.pk:
        raise ValidationError({"sibling": _("A pupil cannot be their own brother or sister.")})
    first, second = sorted((pupil.pk, sibling.pk))
    if Sibling.objects.filter(pupil_a_id=first, pupil_b_id=second).exists():
        raise ValidationError({"sibling": _("These pupils are already linked as brothers or sisters.")})
    link = Sibling.objects.create(
        school_id=actor.school_id, pupil_a_id=first, pupil_b_id=second, created_by_id=actor.user_id
    )
    record_event(actor, PupilAction.LINK_SIBLING, obj=link, pupil=pupil, detail={"sibling": sibling.pk})
    return link


@transaction.atomic
def unlink_siblings(actor: Actor, link: Sibling, pupil: Pupil) -> None:
    require_permission(actor, "school.manage")
    if link.school_id != actor.school_id or pupil.pk not in (link.pupil_a_id, link.pupil_b_id):
        raise PermissionDenied
    record_event(actor, PupilAction.UNLINK_SIBLING, obj=link, pupil=pupil, detail={"sibling": link.other(pupil.pk)})
    link.delete()
