"""The only code that writes handover data. Each verb checks, writes in one transaction and
records its audit event in that same transaction; bad input raises ValidationError (Dutch) and
writes nothing.

New school year: `create_handover_notices` tells the new teachers of a pupil with an open or
recently closed dossier that there is one (it runs from the management command, and for one
placement from the receivers in `haven.handover.receivers`); the AF decides per teacher.
Change of school: `make_package` records what goes along; `import_package` opens the dossier
at the receiving school. Between two Haven schools: `send_transfer` sends the package in Haven,
the receiving AF accepts it (`accept_transfer`: the same import as an uploaded package) or refuses
it (`refuse_transfer`).
"""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.access.roles import STAFF_ROLES
from haven.accounts.models import Membership, User
from haven.audit.services import record_event
from haven.handover import schema, signing
from haven.handover.audit_actions import HandoverAction
from haven.handover.models import HandoverImport, HandoverNotice, HandoverPackage, PendingImport, Transfer
from haven.meldcode import services as route
from haven.meldcode.models import (
    Case,
    CaseMember,
    Consultation,
    Conversation,
    Decision,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.meldcode.retention import add_years
from haven.organisations.bootstrap import BRIN_PATTERN
from haven.organisations.models import Group, School
from haven.pupils.models import GroupPlacement, Pupil

# A dossier closed less than this many years ago still goes along to the new teacher.
RECENTLY_CLOSED_YEARS = 1


# New school year: notices to new teachers ------------------------------------------------------


def needs_handover(case: Case, today: date) -> bool:
    """Open, or closed within the last year (its closures prefetched)."""
    if case.is_open:
        return True
    closed_on = route.latest_closing_date(case)
    return closed_on is not None and closed_on > add_years(today, -RECENTLY_CLOSED_YEARS)


def _notify(school: School, placements: list[GroupPlacement], today: date) -> list[HandoverNotice]:
    """Notices for the teachers of these placements' groups who are not yet in the pupil's dossier."""
    if not placements:
        return []
    cases: dict[int, list[Case]] = {}
    for case in Case.objects.filter(school=school, pupil_id__in={p.pupil_id for p in placements}).prefetch_related(
        "closures", "memberships"
    ):
        if needs_handover(case, today):
            cases.setdefault(case.pupil_id, []).append(case)
    if not cases:
        return []
    staff = set(
        Membership.objects.filter(school=school, role__in=list(STAFF_ROLES), user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    existing = set(
        HandoverNotice.objects.filter(case__in=[c for cs in cases.values() for c in cs]).values_list(
            "case_id", "teacher_id", "school_year"
        )
    )
    created = []
    for placement in placements:
        group = placement.group
        for case in cases.get(placement.pupil_id, []):
            members = {m.user_id for m in case.memberships.all()}
            for teacher in group.teachers.all():
                key = (case.pk, teacher.pk, placement.school_year)
                if teacher.pk not in staff or teacher.pk in members or key in existing:
                    continue
                notice = HandoverNotice.objects.create(
                    school=school,
                    pupil_id=placement.pupil_id,
                    case=case,
                    teacher=teacher,
                    group=group,
                    school_year=placement.school_year,
                )
                existing.add(key)
                # A system action: nobody acts, the placement (or the command) brings it about.
                record_event(
                    None,
                    HandoverAction.NOTICE,
                    obj=notice,
                    case=case,
                    school_id=school.pk,
                    detail={"teacher": str(teacher), "group": str(group), "school_year": placement.school_year},
                )
                created.append(notice)
    return created


@transaction.atomic
def create_handover_notices(school: School, school_year: str, *, today: date | None = None) -> list[HandoverNotice]:
    """Notices for every pupil placed in `school_year` at `school`; running it again adds nothing."""
    placements = list(
        GroupPlacement.objects.filter(group__school=school, school_year=school_year)
        .select_related("group")
        .prefetch_related("group__teachers")
        .order_by("pk")
    )
    return _notify(school, placements, today or timezone.localdate())


def latest_school_year(school_id: int) -> str | None:
    return (
        Group.objects.filter(school_id=school_id).order_by("-school_year").values_list("school_year", flat=True).first()
    )


@transaction.atomic
def notices_for_placements(placements: list[GroupPlacement]) -> list[HandoverNotice]:
    """The hook for a placement or a new teacher of a group: only for the school's latest school year."""
    created: list[HandoverNotice] = []
    for placement in placements:
        school = placement.group.school
        if placement.school_year == latest_school_year(school.pk):
            created += _notify(school, [placement], timezone.localdate())
    return created


@transaction.atomic
def mark_notice_read(actor: Actor, notice: HandoverNotice) -> HandoverNotice:
    if notice.teacher_id != actor.user_id:
        raise PermissionDenied(_("This notice is not addressed to you."))
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        record_event(actor, HandoverAction.NOTICE_READ, obj=notice, case=notice.case)
    return notice


@transaction.atomic
def decide_notice(actor: Actor, notice: HandoverNotice, *, add: bool) -> HandoverNotice:
    """The AF's decision: add the new teacher to the dossier, or not. Recorded either way."""
    require_permission(actor, "handover.decide")
    if notice.school_id != actor.school_id:
        raise ValidationError(_("This notice is not about your school."))
    notice = HandoverNotice.objects.select_for_update().select_related("case", "teacher").get(pk=notice.pk)
    if notice.decision:
        raise ValidationError(_("This has already been decided."))
    if add and not notice.case.memberships.filter(user=notice.teacher).exists():
        route.add_case_member(actor, notice.case, notice.teacher)
    notice.decision = HandoverNotice.Decision.ADDED if add else HandoverNotice.Decision.NOT_ADDED
    notice.decided_by_id = actor.user_id
    notice.decided_at = timezone.now()
    notice.save(update_fields=["decision", "decided_by", "decided_at"])
    record_event(
        actor,
        HandoverAction.DECIDE,
        obj=notice,
        case=notice.case,
        detail={"decision": notice.decision, "teacher": str(notice.teacher)},
    )
    return notice


# Change of school: the package -----------------------------------------------------------------


def package_data(package: HandoverPackage) -> dict[str, Any]:
    """The package as JSON-ready data, rendered from the dossier as it stood when it was made, and signed."""
    from haven.meldcode.queries import read_dossier

    # The package's dossier was scoped when the package was made or opened (`queries.package` reads
    # it with its pupil and school); its records are read once, as the dossier page reads them.
    return signing.sign(
        schema.build(
            read_dossier(package.case, timeline=False).prefetched_case(),
            parts=package.parts,
            made_at=package.made_at,
            made_by=str(package.made_by),
            receiving_school=package.receiving_school,
            receiving_school_brin=package.receiving_school_brin,
            parents_informed=package.parents_informed,
            parents_informed_how=package.parents_informed_how,
            not_informed_reason=package.not_informed_reason,
        )
    )


@transaction.atomic
def make_package(
    actor: Actor,
    case: Case,
    *,
    parts: list[str],
    parents_informed: bool | None,
    parents_informed_how: str = "",
    not_informed_reason: str = "",
    receiving_school: str = "",
    receiving_school_brin: str = "",
) -> HandoverPackage:
    require_permission(actor, "handover.export")
    if case.school_id != actor.school_id:
        raise ValidationError(_("This dossier is not a dossier of your school."))
    receiving_brin = receiving_school_brin.strip().upper()
    if not BRIN_PATTERN.match(receiving_brin):
        raise ValidationError(
            {"receiving_school_brin": _("A BRIN code is two digits and two letters, for example 12AB.")}
        )
    if receiving_brin == case.school.brin_code.upper():
        raise ValidationError({"receiving_school_brin": _("This is the BRIN code of your own school.")})
    if not parts or set(parts) - set(schema.PARTS):
        raise ValidationError({"parts": _("Choose which parts of the dossier go along.")})
    if parents_informed is None:
        raise ValidationError({"parents_informed": _("Say whether the parents know about the handover.")})
    if parents_informed and not parents_informed_how.strip():
        raise ValidationError({"parents_informed_how": _("Say how the parents were informed.")})
    if not parents_informed and not not_informed_reason.strip():
        raise ValidationError({"not_informed_reason": _("Give the reason the parents were not informed.")})
    package = HandoverPackage.objects.create(
        school_id=actor.school_id,
        case=case,
        made_by_id=actor.user_id,
        parts=[p for p in schema.PARTS if p in parts],
        receiving_school=receiving_school.strip(),
        receiving_school_brin=receiving_brin,
        parents_informed=parents_informed,
        parents_informed_how=parents_informed_how.strip() if parents_informed else "",
        not_informed_reason="" if parents_informed else not_informed_reason.strip(),
    )
    package.refresh_from_db()  # made_at as stored, to the microsecond the database keeps
    # What this Haven writes, another Haven must read: refuse a package that would not import.
    schema.parse(json.loads(json.dumps(package_data(package))))
    record_event(
        actor,
        HandoverAction.PACKAGE,
        obj=package,
        case=case,
        detail={
            "parts": package.parts,
            "parents_informed": parents_informed,
            "receiving_school": package.receiving_school,
            "receiving_brin": package.receiving_school_brin,
        },
    )
    return package


# Change of school: the import ------------------------------------------------------------------


@dataclass
class Received:
    """A package that was read within bounds, checked against the schema, and whose signature holds."""

    package: schema.Package
    origin: signing.Installation


def read_package(content: bytes) -> Received:
    """Decode, verify and check an uploaded package file; ValidationError (Dutch) when it is not one."""
    raw = schema.decode(content)
    schema.check_version(raw)
    # The signature before the content: a forged or altered package is named as such.
    origin = signing.verify(raw)
    return Received(package=schema.parse(raw), origin=origin)


def _check_importable(received: Received, school: School) -> None:
    """Refuse a package of the importing school itself, one made for another school, one whose signer
    does not speak for the school it names, and one imported before."""
    sending = received.package["sending_school"]
    if sending["brin"] == school.brin_code.upper():
        raise ValidationError(_("This package comes from your own school; it can only be imported by another school."))
    receiving = received.package["receiving_school"]
    if receiving["brin"] != school.brin_code.upper():
        raise ValidationError(
            _(
                "This package was made for another school (BRIN code %(brin)s), not for your school (BRIN code "
                "%(own)s). It has not been imported. Ask the sending school to make a package for your school."
            )
            % {"brin": receiving["brin"], "own": school.brin_code.upper()}
        )
    origin = received.origin
    if origin.brins is None:
        speaks_for_it = School.objects.filter(brin_code__iexact=sending["brin"]).exists()
    else:
        speaks_for_it = sending["brin"] in origin.brins
    if not speaks_for_it:
        raise ValidationError(
            _(
                "This package says it comes from %(school)s (BRIN code %(brin)s), but it is signed by "
                "%(installation)s, which does not speak for that school. It has not been imported."
            )
            % {"school": sending["name"], "brin": sending["brin"], "installation": origin.name}
        )
    if HandoverImport.objects.filter(
        school=school, sending_school_brin=sending["brin"], package_created_at=received.package["created_at"]
    ).exists():
        raise ValidationError(_("This package has already been imported."))


@dataclass
class Imported:
    case: Case
    pupil_created: bool
    signed_by: str


def _candidate(school: School, pupil: dict[str, Any]) -> Pupil | None:
    """A pupil of the school with the package pupil's name and date of birth: perhaps the same child."""
    return (
        Pupil.objects.filter(
            school=school,
            first_name__iexact=pupil["first_name"],
            last_name__iexact=pupil["last_name"],
            date_of_birth=pupil["date_of_birth"],
        )
        .order_by("pk")
        .first()
    )


def _create_pupil(actor: Actor, school: School, pupil: dict[str, Any]) -> Pupil:
    # Created by the handover itself, not through the functional administrator's pupil management:
    # the AF cannot manage pupils, and the pupil is new to this school because of this package.
    created = Pupil.objects.create(
        school=school,
        first_name=pupil["first_name"],
        last_name=pupil["last_name"],
        date_of_birth=pupil["date_of_birth"],
    )
    record_event(actor, HandoverAction.CREATE_PUPIL, obj=created, pupil=created, detail={"source": "handover"})
    return created


@transaction.atomic
def receive_package(actor: Actor, content: bytes) -> Imported | PendingImport:
    """Import an uploaded package into a new dossier for a new pupil; or, when the school already has a
    pupil of that name and date of birth, hold it until the AF confirms whether it is the same child."""
    require_permission(actor, "handover.import")
    received = read_package(content)
    school = School.objects.get(pk=actor.member_school_id)
    _check_importable(received, school)
    package = received.package
    candidate = _candidate(school, package["pupil"])
    if candidate is None:
        return _import(actor, school, received, pupil=None)
    key = {"school": school, "sending_school_brin": package["sending_school"]["brin"]}
    key["package_created_at"] = package["created_at"]
    waiting = PendingImport.objects.filter(**key).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            pending = PendingImport.objects.create(
                **key,
                uploaded_by_id=actor.user_id,
                candidate=candidate,
                signed_by=received.origin.name,
                content=content.decode("utf-8"),
            )
    except IntegrityError:  # a colleague uploaded the same package at the same moment
        return PendingImport.objects.get(**key)
    record_event(
        actor,
        HandoverAction.HOLD_IMPORT,
        obj=pending,
        pupil=candidate,
        detail={"sending_brin": key["sending_school_brin"], "signed_by": pending.signed_by},
    )
    return pending


@transaction.atomic
def confirm_import(actor: Actor, pending: PendingImport, *, same_pupil: bool) -> Imported:
    """The AF's answer to a held package: its pupil is `pending.candidate`, or a new pupil."""
    require_permission(actor, "handover.import")
    if pending.school_id != actor.school_id:
        raise ValidationError(_("This package was not uploaded at your school."))
    locked = PendingImport.objects.select_for_update().filter(pk=pending.pk).select_related("candidate").first()
    if locked is None:
        raise ValidationError(_("This has already been decided."))
    # Checked again: the trusted keys, or the pupil's dossiers, may have changed since the upload.
    received = read_package(locked.content.encode("utf-8"))
    school = School.objects.get(pk=actor.member_school_id)
    _check_importable(received, school)
    imported = _import(actor, school, received, pupil=locked.candidate if same_pupil else None)
    transfer = Transfer.objects.select_for_update().filter(pending=locked).first()
    if transfer is not None:
        _accepted(actor, transfer, imported.case)
    locked.delete()
    return imported


@transaction.atomic
def cancel_import(actor: Actor, pending: PendingImport) -> None:
    """Not now: the held package is removed; nothing was imported."""
    require_permission(actor, "handover.import")
    if pending.school_id != actor.school_id:
        raise ValidationError(_("This package was not uploaded at your school."))
    locked = PendingImport.objects.select_for_update().filter(pk=pending.pk).first()
    if locked is None:
        raise ValidationError(_("This has already been decided."))
    record_event(
        actor,
        HandoverAction.CANCEL_IMPORT,
        obj=locked,
        pupil=locked.candidate_id,
        detail={"sending_brin": locked.sending_school_brin, "signed_by": locked.signed_by},
    )
    locked.delete()


def _import(actor: Actor, school: School, received: Received, *, pupil: Pupil | None) -> Imported:
    """Open the dossier of a package from another school, with its records: for `pupil` as the AF
    confirmed, or for a new pupil. Runs inside the caller's transaction."""
    package = received.package
    sending = package["sending_school"]
    pupil_created = pupil is None
    if pupil is None:
        pupil = _create_pupil(actor, school, package["pupil"])
    if Case.objects.filter(pupil=pupil, status=Case.Status.OPEN).exists():
        raise ValidationError(
            _("This pupil already has an open dossier at your school. Add what matters to that dossier instead.")
        )
    lead = User.objects.get(pk=actor.user_id)
    now = timezone.now()
    case = Case.objects.create(school=school, pupil=pupil, lead=lead, opened_by=lead, acute=package["dossier"]["acute"])
    CaseMember.objects.create(case=case, user=lead, added_by=lead)
    by = {"recorded_by": lead}
    counts: dict[str, int] = {}
    for record in package.records("signals"):
        Signal.objects.create(
            school=school,
            pupil=pupil,
            author=lead,
            observed_at=record["observed_at"],
            source=record["source"],
            categories=record["categories"],
            **{name: record[name] for name in Signal.TEXT_FIELDS},
            status=Signal.Status.IN_CASE,
            case=case,
            triaged_by=lead,
            triaged_at=now,
        )
    for record in package.records("consultations"):
        fields = {k: v for k, v in record.items() if k != "recorded_by"}
        Consultation.objects.create(case=case, **by, **fields)
    for record in package.records("conversations"):
        fields = {k: v for k, v in record.items() if k != "recorded_by"}
        Conversation.objects.create(case=case, **by, **fields)
    for record in package["skipped_steps"]:
        StepSkip.objects.create(
            case=case, **by, step=record["step"], reason=record["reason"], explanation=record["explanation"]
        )
    for record in package.records("weighing"):
        fields = {k: v for k, v in record.items() if k not in ("recorded_by", "recorded_at")}
        Weighing.objects.create(case=case, **by, **fields)
    for record in package.records("decisions"):
        Decision.objects.create(
            case=case,
            **by,
            **record["answers"],
            advice=record["advice"],
            outcome=record["outcome"],
            rationale=record["rationale"],
            deviation_justification=record["deviation_justification"],
            decided_at=record["decided_at"],
        )
    for record in package.records("reports"):
        fields = {k: v for k, v in record.items() if k not in ("recorded_by", "recorded_at", "made_by")}
        Report.objects.create(case=case, **by, **fields)
    for part in package.parts:
        counts[part] = len(package.records(part))
    counts["skipped_steps"] = len(package["skipped_steps"])
    parents = package["parents"]
    try:
        with transaction.atomic():
            HandoverImport.objects.create(
                school=school,
                case=case,
                imported_by=lead,
                sending_school_name=sending["name"],
                sending_school_brin=sending["brin"],
                handed_over_on=package["date"],
                package_created_at=package["created_at"],
                parts=package.parts,
                counts=counts,
                pupil_created=pupil_created,
                parents_informed=parents["informed"],
                parents_informed_how=parents["how"] if parents["informed"] else "",
                not_informed_reason="" if parents["informed"] else parents["reason_not_informed"],
                signed_by=received.origin.name,
            )
    except IntegrityError as error:  # the same package, imported at the same moment by a colleague
        raise ValidationError(_("This package has already been imported.")) from error
    record_event(
        actor,
        HandoverAction.IMPORT,
        obj=case,
        case=case,
        detail={
            "sending_school": sending["name"],
            "sending_brin": sending["brin"],
            "handed_over_on": package["date"].isoformat(),
            "parts": package.parts,
            "counts": counts,
            "pupil_created": pupil_created,
            # The AF's answer when the school had a pupil of this name and date of birth.
            "pupil_confirmed": not pupil_created,
            "signed_by": received.origin.name,
        },
    )
    return Imported(case=case, pupil_created=pupil_created, signed_by=received.origin.name)


# Between two Haven schools: the tracked transfer ------------------------------------------------


@transaction.atomic
def send_transfer(
    actor: Actor,
    case: Case,
    *,
    receiving_school: School,
    parts: list[str],
    parents_informed: bool | None,
    parents_informed_how: str = "",
    not_informed_reason: str = "",
) -> Transfer:
    """Make the handover package for a school that uses Haven and send it there in Haven."""
    from haven.handover.queries import transfer_schools

    require_permission(actor, "handover.export")
    if not transfer_schools(actor).filter(pk=receiving_school.pk).exists():
        raise ValidationError({"receiving_school": _("Choose a school that uses Haven, other than your own.")})
    if Transfer.objects.filter(
        package__case=case, receiving_school=receiving_school, status=Transfer.Status.SENT
    ).exists():
        raise ValidationError(
            {"receiving_school": _("This dossier has already been sent to this school; it has not been picked up yet.")}
        )
    package = make_package(
        actor,
        case,
        parts=parts,
        parents_informed=parents_informed,
        parents_informed_how=parents_informed_how,
        not_informed_reason=not_informed_reason,
        receiving_school=receiving_school.name,
        receiving_school_brin=receiving_school.brin_code,
    )
    transfer = Transfer.objects.create(
        package=package, sending_school_id=case.school_id, receiving_school=receiving_school, sent_by_id=actor.user_id
    )
    record_event(
        actor,
        HandoverAction.TRANSFER_SEND,
        obj=transfer,
        case=case,
        detail={"receiving_school": receiving_school.name, "receiving_brin": receiving_school.brin_code},
    )
    return transfer


def _waiting(actor: Actor, transfer: Transfer) -> Transfer:
    """The transfer, locked, when it is for the actor's school and still waiting; else ValidationError."""
    if transfer.receiving_school_id != actor.member_school_id:
        raise ValidationError(_("This transfer is not for your school."))
    locked = (
        Transfer.objects.select_for_update()
        .select_related("package__made_by", "package__case__school", "package__case__pupil", "sending_school")
        .get(pk=transfer.pk)
    )
    if locked.status != Transfer.Status.SENT:
        raise ValidationError(_("This has already been decided."))
    return locked


def _accepted(actor: Actor, transfer: Transfer, case: Case) -> None:
    transfer.status = Transfer.Status.ACCEPTED
    transfer.decided_by_id = actor.user_id
    transfer.decided_at = timezone.now()
    transfer.received_case = case
    transfer.pending = None
    transfer.save(update_fields=["status", "decided_by", "decided_at", "received_case", "pending"])
    record_event(
        actor,
        HandoverAction.TRANSFER_ACCEPT,
        obj=transfer,
        case=case,
        detail={"sending_brin": transfer.sending_school.brin_code},
    )


@transaction.atomic
def accept_transfer(actor: Actor, transfer: Transfer) -> Imported | PendingImport:
    """Open the dossier at the receiving school, exactly as importing the package file would (the same
    checks, the same new dossier marked as handed over). When the school has a pupil of the same name
    and date of birth, the package waits for the AF's answer (`confirm_import`), which completes it."""
    require_permission(actor, "handover.import")
    locked = _waiting(actor, transfer)
    if locked.pending_id is not None:
        return PendingImport.objects.get(pk=locked.pending_id)
    content = json.dumps(package_data(locked.package)).encode("utf-8")
    result = receive_package(actor, content)
    if isinstance(result, PendingImport):
        locked.pending = result
        locked.save(update_fields=["pending"])
        return result
    _accepted(actor, locked, result.case)
    return result


@transaction.atomic
def refuse_transfer(actor: Actor, transfer: Transfer, *, reason: str) -> Transfer:
    """Not for this school (the pupil did not come, or went elsewhere): refused with the reason the sender reads."""
    require_permission(actor, "handover.import")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, so the sending school knows what to do.")})
    locked = _waiting(actor, transfer)
    if locked.pending_id is not None:
        cancel_import(actor, PendingImport.objects.get(pk=locked.pending_id))
    locked.status = Transfer.Status.REFUSED
    locked.decided_by_id = actor.user_id
    locked.decided_at = timezone.now()
    locked.refusal_reason = reason.strip()
    locked.pending = None
    locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason", "pending"])
    record_event(
        actor, HandoverAction.TRANSFER_REFUSE, obj=locked, detail={"sending_brin": locked.sending_school.brin_code}
    )
    return locked
