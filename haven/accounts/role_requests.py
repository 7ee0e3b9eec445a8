"""Four eyes on roles that read case content: the request, the approval or refusal, the operator's confirmation.

The functional administrator manages accounts but must never read a dossier, nor make himself (or
an account he controls) someone who can. So giving an account the role IB, AF or school leader,
switching such an account back on, and giving a member of the school a new e-mail address (where
the links to set a password go) is only a request (`RoleRequest`); it takes effect when an AF or
school leader of the same school approves it, who is neither the one who asked nor the one who
gets it. A new school has nobody to approve: its first AF (or school leader) is confirmed by
whoever runs the installation, on the server (`manage.py confirm_role_grant`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.policy import Actor, can_decide_role_request, has_permission
from haven.access.roles import ROLE_APPROVER_ROLES, ROLES_NEEDING_APPROVAL, Role
from haven.accounts.models import AccountLink, Membership, RoleRequest, User
from haven.audit.services import record_event


def needs_approval(role: str) -> bool:
    return Role(role) in ROLES_NEEDING_APPROVAL


def pending(user: User, school_id: int) -> RoleRequest | None:
    return RoleRequest.objects.filter(user=user, school_id=school_id, status=RoleRequest.Status.PENDING).first()


def ask(
    actor: Actor | None, user: User, school_id: int, role: str, *, reactivate: bool = False, email: str = ""
) -> RoleRequest:
    """Record the request, replacing an earlier pending one for this account and school.

    Not a service on its own: the account services call it inside their transaction and audit event.
    """
    RoleRequest.objects.filter(user=user, school_id=school_id, status=RoleRequest.Status.PENDING).update(
        status=RoleRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    return RoleRequest.objects.create(
        user=user,
        school_id=school_id,
        role=role,
        reactivate=reactivate,
        email=email,
        requested_by_id=actor.user_id if actor else None,
        requested_at=timezone.now(),
    )


def withdraw(user: User, school_id: int) -> bool:
    """Withdraw a pending request (the administrator chose a role that needs no approval). Part of a service."""
    return bool(
        RoleRequest.objects.filter(user=user, school_id=school_id, status=RoleRequest.Status.PENDING).update(
            status=RoleRequest.Status.WITHDRAWN, decided_at=timezone.now()
        )
    )


def requests_to_decide(actor: Actor) -> QuerySet[RoleRequest]:
    """The pending requests of the actor's school that the actor may decide; none for anyone else."""
    if not has_permission(actor, "staff.approve_role"):
        return RoleRequest.objects.none()
    return (
        RoleRequest.objects.filter(school_id=actor.school_id, status=RoleRequest.Status.PENDING)
        .exclude(user_id=actor.user_id)
        .exclude(requested_by_id=actor.user_id)
        .select_related("user", "requested_by")
        .order_by("requested_at", "pk")
    )


def _locked_pending(request_pk: int) -> RoleRequest:
    request = RoleRequest.objects.select_for_update().select_related("user").filter(pk=request_pk).first()
    if request is None:
        raise PermissionDenied
    if request.status != RoleRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided or withdrawn."))
    return request


def _grant(request: RoleRequest) -> None:
    Membership.objects.update_or_create(user=request.user, school_id=request.school_id, defaults={"role": request.role})
    user = request.user
    if request.reactivate:
        user.is_active = True
    if request.email:
        user.email = request.email
        # Links sent to the old address no longer set this account's password.
        AccountLink.objects.filter(user=user, used_at__isnull=True).delete()
    user.save(update_fields=["is_active", "email"])


def _close(request: RoleRequest, status: str, decided_by_id: int | None) -> None:
    request.status = status
    request.decided_by_id = decided_by_id
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])


def _detail(request: RoleRequest) -> dict[str, object]:
    return {
        "username": request.user.username,
        "role": request.role,
        "reactivate": request.reactivate,
        "new_email": bool(request.email),
        "requested_by": request.requested_by_id,
    }


def _decide(actor: Actor, request_pk: int, *, approve: bool) -> RoleRequest:
    request = _locked_pending(request_pk)
    if not can_decide_role_request(actor, request.school_id, request.requested_by_id, request.user_id):
        raise PermissionDenied
    if approve:
        _grant(request)
    _close(request, RoleRequest.Status.APPROVED if approve else RoleRequest.Status.REFUSED, actor.user_id)
    record_event(
        actor,
        "staff.role_approved" if approve else "staff.role_refused",
        obj=request.user,
        school_id=request.school_id,
        detail=_detail(request),
    )
    return request


@transaction.atomic
def approve(actor: Actor, request_pk: int) -> RoleRequest:
    return _decide(actor, request_pk, approve=True)


@transaction.atomic
def refuse(actor: Actor, request_pk: int) -> RoleRequest:
    return _decide(actor, request_pk, approve=False)


def school_has_approver(school_id: int) -> bool:
    return Membership.objects.filter(
        school_id=school_id, role__in=[r.value for r in ROLE_APPROVER_ROLES], user__is_active=True
    ).exists()


@transaction.atomic
def confirm_by_operator(request_pk: int) -> RoleRequest:
    """The installation's operator confirms the first AF or school leader of a school that has neither.

    A school that has an active AF or school leader decides in Haven itself: refused here.
    """
    request = _locked_pending(request_pk)
    if Role(request.role) not in ROLE_APPROVER_ROLES:
        raise ValidationError(_("On the server, only the first AF or school leader of a school is confirmed."))
    if school_has_approver(request.school_id):
        raise ValidationError(_("This school already has an AF or school leader: they approve the request in Haven."))
    _grant(request)
    _close(request, RoleRequest.Status.APPROVED, None)
    record_event(
        None,
        "staff.role_confirmed_by_operator",
        obj=request.user,
        school_id=request.school_id,
        detail=_detail(request),
    )
    return request
