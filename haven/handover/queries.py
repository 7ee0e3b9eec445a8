"""Reads of handover data, scoped to the actor: another school's notice or package does not seem
to exist (404), and the attempt is logged like any denied read of case data."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from haven.access.lookup import scoped_get
from haven.access.policy import Actor, has_permission
from haven.access.roles import Role
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.handover.audit_actions import HandoverAction
from haven.handover.models import HandoverImport, HandoverNotice, HandoverPackage, PendingImport, Transfer
from haven.infrastructure.prepared import ActorQuery, PreparedQuery
from haven.meldcode.models import Case
from haven.meldcode.queries import Dossier
from haven.meldcode.sections import Read
from haven.organisations.models import School


def _about_case(existing: Any) -> dict[str, Any]:
    return {"obj": existing, "case": existing.case}


def notice_for_teacher(actor: Actor, pk: int) -> HandoverNotice:
    """A notice addressed to the actor; nobody else's (also not the AF's: she has the decision page)."""
    notice = scoped_get(
        actor,
        HandoverNotice.objects.filter(school_id=actor.member_school_id, teacher_id=actor.user_id).select_related(
            "pupil", "group", "case__lead"
        ),
        pk,
        action=HandoverAction.VIEW_NOTICE,
        about=_about_case,
        unscoped=HandoverNotice.objects.select_related("case"),
    )
    record_event(actor, HandoverAction.VIEW_NOTICE, kind=AuditEvent.Kind.READ, obj=notice, case=notice.case)
    return notice


def notice_for_decision(actor: Actor, pk: int) -> HandoverNotice:
    return scoped_get(
        actor,
        HandoverNotice.objects.filter(school_id=actor.member_school_id).select_related(
            "pupil", "group", "teacher", "case__lead", "decided_by"
        ),
        pk,
        action=HandoverAction.DECIDE,
        about=_about_case,
        unscoped=HandoverNotice.objects.select_related("case"),
    )


def package(actor: Actor, pk: int) -> HandoverPackage:
    return scoped_get(
        actor,
        HandoverPackage.objects.filter(school_id=actor.member_school_id).select_related(
            "case__pupil", "case__school", "made_by"
        ),
        pk,
        action=HandoverAction.VIEW_PACKAGE,
        about=_about_case,
        unscoped=HandoverPackage.objects.select_related("case"),
    )


def pending_import(actor: Actor, pk: int) -> PendingImport:
    """A package held at the actor's school for the AF's answer; reading it is audited (it names a pupil)."""
    found = scoped_get(
        actor,
        PendingImport.objects.filter(school_id=actor.member_school_id)
        .select_related("candidate__school")
        .prefetch_related("candidate__groups"),
        pk,
        action=HandoverAction.VIEW_PENDING_IMPORT,
        about=lambda existing: {"obj": existing, "pupil": existing.candidate_id},
    )
    record_event(actor, HandoverAction.VIEW_PENDING_IMPORT, kind=AuditEvent.Kind.READ, obj=found, pupil=found.candidate)
    return found


def transfer_schools(actor: Actor) -> QuerySet[School]:
    """The schools a dossier can be sent to in Haven: those with an active AF or school leader (who
    can accept it), other than the actor's own. Schools only known from DUO's files are not among them."""
    return (
        School.objects.filter(
            memberships__role__in=[Role.SAFEGUARDING_LEAD.value, Role.SCHOOL_LEADER.value],
            memberships__user__is_active=True,
        )
        .exclude(pk=actor.member_school_id)
        .distinct()
        .order_by("name", "brin_code")
    )


def _about_transfer(existing: Any) -> dict[str, Any]:
    return {"obj": existing}


def sent_transfer(actor: Actor, pk: int) -> Transfer:
    """A transfer the actor's school sent: its receipt (accepted, refused and why, or still waiting)."""
    return scoped_get(
        actor,
        Transfer.objects.filter(sending_school_id=actor.member_school_id).select_related(
            "package__case__pupil", "package__case__school", "receiving_school", "sent_by", "decided_by"
        ),
        pk,
        action=HandoverAction.VIEW_TRANSFER,
        about=lambda existing: {"obj": existing, "case": existing.package.case},
        unscoped=Transfer.objects.select_related("package__case"),
    )


def received_transfer(actor: Actor, pk: int) -> Transfer:
    """A transfer sent to the actor's school; reading it is audited (it names a pupil of another school)."""
    found = scoped_get(
        actor,
        Transfer.objects.filter(receiving_school_id=actor.member_school_id).select_related(
            "package__case__pupil", "package__made_by", "sending_school", "sent_by", "decided_by", "received_case"
        ),
        pk,
        action=HandoverAction.VIEW_TRANSFER,
        about=_about_transfer,
    )
    record_event(actor, HandoverAction.VIEW_TRANSFER, kind=AuditEvent.Kind.READ, obj=found)
    return found


def _waiting_transfers_query(actor: Actor) -> QuerySet[Transfer]:
    mine = Q(pk__in=[])
    if has_permission(actor, "handover.import"):
        mine |= Q(receiving_school_id=actor.member_school_id)
    if has_permission(actor, "handover.export"):
        mine |= Q(sending_school_id=actor.member_school_id)
    return (
        Transfer.objects.filter(mine, status=Transfer.Status.SENT)
        .select_related("package__case__pupil", "sending_school", "receiving_school")
        .order_by("sent_at", "pk")
    )


# Prepared (haven/infrastructure/prepared.py): the transfers' tasks are read on every home page.
_waiting_transfers = ActorQuery(_waiting_transfers_query)


def waiting_transfers(actor: Actor) -> list[Transfer]:
    """The transfers still waiting that concern the actor's school, sent or to receive (for the tasks)."""
    concerned = has_permission(actor, "handover.import") or has_permission(actor, "handover.export")
    if actor.school_id is None or not concerned:
        return []
    return _waiting_transfers(actor)


@dataclass
class CaseHandover:
    """What the dossier page shows about handover, for this actor."""

    imported: HandoverImport | None
    notices: list[HandoverNotice] = field(default_factory=list)
    packages: list[HandoverPackage] = field(default_factory=list)
    may_export: bool = False
    may_decide: bool = False

    @property
    def shown(self) -> bool:
        return bool(self.imported or self.notices or self.packages or self.may_export)


# Fixed-shape reads by case, prepared: the page does not pay Django's query compilation for each
# (see haven/infrastructure/prepared.py).
_import_of = PreparedQuery(lambda case_id: HandoverImport.objects.filter(case_id=case_id))
_notices_of = PreparedQuery(lambda case_id: HandoverNotice.objects.filter(case_id=case_id).order_by("pk"))
# With the transfer, when the package was sent in Haven: the section shows whether it was picked up.
_packages_of = PreparedQuery(
    lambda case_id: (
        HandoverPackage.objects.filter(case_id=case_id)
        .select_related("transfer__receiving_school")
        .order_by("-made_at")
    )
)


def dossier_reads(actor: Actor, case: Case) -> list[Read]:
    """What the handover section reads for this person, sent with the dossier's own reads."""
    reads: list[PreparedQuery[Any]] = [_import_of]
    reads += [_notices_of] if has_permission(actor, "handover.decide") else []
    reads += [_packages_of] if has_permission(actor, "handover.export") else []
    return [(read, [case.pk]) for read in reads]


def for_case(actor: Actor, dossier: Dossier, rows: Sequence[list[Any]]) -> CaseHandover:
    """The dossier has been scoped (the dossier page read it through `load_dossier`); `rows` are
    those of `dossier_reads`."""
    may_decide = has_permission(actor, "handover.decide")
    may_export = has_permission(actor, "handover.export")
    found = iter(rows)
    imported = next(iter(next(found)), None)  # a case has at most one (one-to-one)
    result = CaseHandover(imported=imported, may_decide=may_decide, may_export=may_export)
    result.notices = next(found) if may_decide else []
    result.packages = next(found) if may_export else []
    dossier.attach_people(
        ([(imported, "imported_by")] if imported is not None else [])
        + [(notice, field) for notice in result.notices for field in ("teacher", "decided_by")]
        + [(package, "made_by") for package in result.packages]
    )
    return result
