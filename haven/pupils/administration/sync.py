"""The services of the pupil import: read an upload, plan it (the dry run), apply it.

`sync` is the one entry point for the pages, `manage.py import_pupils` and the API. Every read and
write takes a fixed number of queries, whatever the number of pupils (bulk queries; invitations
aside, which mail one account each). Applying is one transaction with one audit event holding the
counts; running it again with the same file changes nothing and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.lookup import scoped_get
from haven.access.policy import Actor
from haven.access.roles import Role
from haven.accounts.models import Membership
from haven.audit.services import record_event
from haven.organisations.models import Group, School
from haven.pupils.administration import csv_reader, edexml
from haven.pupils.administration.plan import Plan, plan
from haven.pupils.administration.records import CurrentPupil, CurrentState, FileRefused, Incoming
from haven.pupils.audit_actions import PupilAction
from haven.pupils.models import GroupPlacement, ImportColumnMapping, Pupil, PupilImport
from haven.pupils.signals import placed_in_bulk


def _check_school(actor: Actor | None, school: School) -> None:
    """The school's functional administrator, or nobody (the command, run by the operator)."""
    if actor is None:
        return
    require_permission(actor, "school.manage")
    if actor.member_school_id != school.pk:
        raise PermissionDenied


def column_mapping(school: School) -> dict[str, str]:
    saved = ImportColumnMapping.objects.filter(school=school).first()
    return dict(saved.columns) if saved is not None else {}


@transaction.atomic
def save_column_mapping(actor: Actor, school: School, columns: dict[str, str]) -> ImportColumnMapping:
    _check_school(actor, school)
    known = {name for name, *_rest in csv_reader.FIELDS}
    cleaned = {name: value.strip()[:100] for name, value in columns.items() if name in known and value.strip()}
    missing = [str(label) for name, label, required, _guess in csv_reader.FIELDS if required and name not in cleaned]
    if missing:
        raise ValidationError(_("Name the column for: %(fields)s.") % {"fields": ", ".join(missing)})
    mapping, _created = ImportColumnMapping.objects.update_or_create(school=school, defaults={"columns": cleaned})
    record_event(actor, PupilAction.IMPORT_MAPPING, obj=mapping, detail={"columns": cleaned})
    return mapping


def is_xml(data: bytes) -> bool:
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<")


def read_file(school: School, data: bytes, today: dt.date, filename: str = "") -> tuple[str, Incoming]:
    """(source, what the file says); FileRefused with a Dutch message for a file that cannot be read.
    A file named .xml, or one that starts with "<", is read as EDEXML; anything else as CSV."""
    if is_xml(data) or filename.lower().endswith(".xml"):
        incoming = edexml.parse_edexml(data, today)
        if incoming.brin and incoming.brin != school.brin_code.upper():
            raise FileRefused(
                _("This file is of the school with BRIN code %(file)s, not of %(school)s (%(brin)s).")
                % {"file": incoming.brin, "school": school.name, "brin": school.brin_code}
            )
        return PupilImport.Source.EDEXML, incoming
    mapping = column_mapping(school)
    if not mapping:
        mapping = csv_reader.guess_mapping(csv_reader.read_headers(data))
    return PupilImport.Source.CSV, csv_reader.parse_csv(data, mapping, today)


def current_state(school: School, school_year: str) -> CurrentState:
    """What Haven has of the school for this school year, in four queries."""
    placed = dict(
        GroupPlacement.objects.filter(pupil__school=school, school_year=school_year).values_list(
            "pupil_id", "group__name"
        )
    )
    pupils = [
        CurrentPupil(
            pk=pk,
            key=key,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=born,
            group=placed.get(pk, ""),
            left_on=left_on,
        )
        for pk, key, first_name, last_name, born, left_on in Pupil.objects.filter(school=school)
        .order_by("pk")
        .values_list("pk", "administration_key", "first_name", "last_name", "date_of_birth", "left_on")
    ]
    groups: dict[str, set[str]] = {
        name: set()
        for name in Group.objects.filter(school=school, school_year=school_year).values_list("name", flat=True)
    }
    for name, email in Group.teachers.through.objects.filter(
        group__school=school, group__school_year=school_year
    ).values_list("group__name", "user__email"):
        groups[name].add((email or "").lower())
    accounts: dict[str, int] = {}
    for email, user_id in (
        Membership.objects.filter(school=school, user__is_active=True)
        .exclude(user__email="")
        .order_by("pk")
        .values_list("user__email", "user_id")
    ):
        accounts.setdefault(email.lower(), user_id)
    return CurrentState(
        school_year=school_year,
        pupils=pupils,
        groups={name: frozenset(emails) for name, emails in groups.items()},
        accounts=accounts,
    )


def make_plan(school: School, incoming: Incoming, today: dt.date | None = None) -> Plan:
    today = today or timezone.localdate()
    return plan(current_state(school, incoming.school_year), incoming, today)


@transaction.atomic
def upload(actor: Actor, school: School, data: bytes, filename: str) -> PupilImport:
    """Read an upload and keep what it says (encrypted) for the dry run; FileRefused changes nothing."""
    _check_school(actor, school)
    source, incoming = read_file(school, data, timezone.localdate(), filename)
    pending = PupilImport.objects.create(
        school=school,
        created_by_id=actor.user_id,
        source=source,
        filename=filename[:200],
        content=incoming.to_json(),
    )
    record_event(
        actor,
        PupilAction.IMPORT_READ,
        obj=pending,
        detail={"source": source, "pupils": len(incoming.pupils), "rejected": len(incoming.rejected)},
    )
    return pending


def pending_import(actor: Actor, pk: int) -> PupilImport:
    """An upload of the actor's own school; another school's is a 404, and the attempt is audited."""
    require_permission(actor, "school.manage")
    scoped = PupilImport.objects.filter(school_id=actor.member_school_id)
    return scoped_get(actor, scoped, pk, action=PupilAction.IMPORT_VIEW)


@dataclass(frozen=True)
class Applied:
    plan: Plan
    invited: int

    @property
    def counts(self) -> dict[str, int]:
        return {**self.plan.counts(), "invited": self.invited}


@transaction.atomic
def apply_plan(
    actor: Actor | None,
    school: School,
    plan: Plan,
    *,
    invite: Collection[str] = (),
    source: str = "",
    pending: PupilImport | None = None,
    via: dict[str, object] | None = None,
) -> Applied:
    """Write the plan: one transaction, one audit event with the counts.

    `invite` holds the keys of the file's teachers without an account whom the administrator ticked:
    each gets a teacher's account and the invitation to set a password (haven.accounts.invitations).
    `via` joins the event's detail (the API: the key's id).
    """
    _check_school(actor, school)
    if not plan.can_apply:
        raise ValidationError(
            _("The file has rejected rows. Correct them in the administration and upload the file again.")
        )
    year = plan.school_year
    today = plan.today
    # One import of a school at a time: a second one (a double click, the cron during the page's
    # apply) waits here, then finds that the plan no longer holds and changes nothing. A plan that
    # changes nothing (the nightly rerun) has nothing to guard: it only records its event.
    if plan.incoming is not None and not (plan.changes_nothing and not invite):
        School.objects.select_for_update().filter(pk=school.pk).first()
        again = make_plan(school, plan.incoming, today)
        if again.fingerprint() != plan.fingerprint():
            raise ValidationError(_("The pupils changed since this page was shown. Check what the import changes now."))
    groups = dict(Group.objects.filter(school=school, school_year=year).values_list("name", "pk"))
    new_groups = [
        Group(school=school, school_year=year, name=g.name) for g in plan.groups_added if g.name not in groups
    ]
    if new_groups:
        Group.objects.bulk_create(new_groups)
        groups = dict(Group.objects.filter(school=school, school_year=year).values_list("name", "pk"))

    added = Pupil.objects.bulk_create(
        [
            Pupil(
                school=school,
                administration_key=p.key,
                first_name=p.first_name,
                last_name=p.last_name,
                date_of_birth=p.date_of_birth,
            )
            for p in plan.added
        ]
    )
    if plan.added and any(p.pk is None for p in added):  # a database without RETURNING: read them back
        ids = dict(
            Pupil.objects.filter(school=school, administration_key__in=[p.key for p in plan.added]).values_list(
                "administration_key", "pk"
            )
        )
        for pupil in added:
            pupil.pk = ids[pupil.administration_key]

    updates = []
    for change in plan.changed:
        pupil = Pupil(pk=change.pupil.pk, school=school)
        pupil.administration_key = change.incoming.key
        pupil.first_name = change.incoming.first_name
        pupil.last_name = change.incoming.last_name
        pupil.date_of_birth = change.incoming.date_of_birth
        pupil.left_on = None
        pupil.version = F("version") + 1
        updates.append(pupil)
    if updates:
        Pupil.objects.bulk_update(
            updates, ["administration_key", "first_name", "last_name", "date_of_birth", "left_on", "version"]
        )
    if plan.left:
        Pupil.objects.filter(school=school, pk__in=[p.pk for p in plan.left]).update(
            left_on=today, version=F("version") + 1
        )

    # Placements in the file's school year; those of earlier years stay, they are the pupil's history.
    placing = [(pupil.pk, p.group) for pupil, p in zip(added, plan.added, strict=True) if p.group]
    moved = [c for c in plan.changed if "group" in c.fields]
    if moved:
        GroupPlacement.objects.filter(pupil_id__in=[c.pupil.pk for c in moved], school_year=year).delete()
        placing += [(c.pupil.pk, c.incoming.group) for c in moved if c.incoming.group]
    if placing:
        GroupPlacement.objects.bulk_create(
            [GroupPlacement(pupil_id=pk, group_id=groups[name], school_year=year) for pk, name in placing]
        )

    teachers = list(plan.teachers_added)
    invited = _invite(actor, plan, invite, teachers)
    if teachers:
        Through = Group.teachers.through
        Through.objects.bulk_create(
            [Through(group_id=groups[name], user_id=user_id) for name, user_id in teachers if name in groups],
            ignore_conflicts=True,
        )
    if placing or teachers:
        # Bulk inserts send no post_save: say so once for the school year (haven.handover listens).
        placed_in_bulk.send(sender=GroupPlacement, school=school, school_year=year, today=today)

    counts = {**plan.counts(), "invited": invited}
    if pending is not None:
        pending.applied_at = timezone.now()
        pending.applied_by_id = actor.user_id if actor else None
        pending.counts = counts
        pending.save(update_fields=["applied_at", "applied_by", "counts"])
    record_event(
        actor,
        PupilAction.IMPORT_APPLY,
        obj=pending,
        school_id=school.pk,
        detail={"source": source, "school_year": year, **counts, **(via or {})},
    )
    return Applied(plan=plan, invited=invited)


def _invite(actor: Actor | None, plan: Plan, invite: Collection[str], teachers: list[tuple[str, int]]) -> int:
    """Accounts with an invitation for the ticked teachers without one; their groups join `teachers`."""
    from haven.accounts import services as account_services
    from haven.accounts.models import User

    chosen = [line.teacher for line in plan.teachers if line.account_id is None and line.teacher.key in invite]
    if not chosen:
        return 0
    if actor is None:
        raise ValidationError(_("Invitations are sent from the import page, by the functional administrator."))
    for teacher in chosen:
        if not teacher.email:
            raise ValidationError(
                _("%(name)s has no e-mail address in the file: no invitation can be sent.")
                % {"name": f"{teacher.first_name} {teacher.last_name}"}
            )
        if User.objects.filter(username__iexact=teacher.email).exists():
            raise ValidationError(
                _("There is already an account %(email)s (at another school?). Add it by hand under Staff.")
                % {"email": teacher.email}
            )
        user = account_services.create_staff_account(
            actor,
            username=teacher.email,
            first_name=teacher.first_name,
            last_name=teacher.last_name,
            email=teacher.email,
            role=Role.TEACHER,
        )
        teachers += [(name, user.pk) for name in teacher.groups]
    return len(chosen)


def sync(
    actor: Actor | None,
    school: School,
    data: bytes,
    *,
    dry_run: bool,
    invite: Collection[str] = (),
    today: dt.date | None = None,
    filename: str = "",
    via: dict[str, object] | None = None,
) -> Plan:
    """Read, plan and (unless `dry_run`) apply a file in one call: the command's and the API's way in.

    Returns the plan; it is applied only when it can be (`plan.can_apply`: no rejected rows).
    FileRefused for a file that cannot be read."""
    _check_school(actor, school)
    today = today or timezone.localdate()
    source, incoming = read_file(school, data, today, filename)
    result = make_plan(school, incoming, today)
    if not dry_run and result.can_apply:
        apply_plan(actor, school, result, invite=invite, source=source, via=via)
    return result
