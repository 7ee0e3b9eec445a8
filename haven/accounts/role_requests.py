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
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.policy import Actor, can_decide_role_request, has_permission
from haven.access.roles import ROLE_APPROVER_ROLES, ROLES_NEEDING_APPROVAL, Role
from haven.accounts import invitations
from haven.accounts.audit_actions import AccountAction
from haven.accounts.models import AccountLink, ExternalIdentity, Membership, RoleRequest, User
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
        RoleRequest.objects.filter(school_id=actor.member_school_id, status=RoleRequest.Status.PENDING)
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


def address_for(request: RoleRequest) -> str:
    """The address the approver sees and approves: the fresh invitation goes there."""
    return request.email or request.user.email


def _grant(request: RoleRequest) -> None:
    """Apply the request, and start the account afresh under the approver's eyes.

    Whatever was set on the account before the approval (a password, an authenticator, recovery
    codes, a linked school account, a session) may have been set by whoever asked for the role,
    through an address he controlled at the time. So all of it goes: the password becomes unusable,
    the TOTP and recovery devices and the linked school accounts are deleted, every session ends,
    and a new invitation goes to the address the approver saw. Only its owner can then set the
    password and the second step.
    """
    Membership.objects.update_or_create(user=request.user, school_id=request.school_id, defaults={"role": request.role})
    user = request.user
    if request.reactivate:
        user.is_active = True
    user.email = address_for(request)
    user.set_unusable_password()
    user.save(update_fields=["is_active", "email", "password"])
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ExternalIdentity.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    if user.email:
        # Also voids every older link, to whatever address it went.
        invitations.issue_link(user, AccountLink.Purpose.INVITATION, after_approval=True)
    else:
        AccountLink.objects.filter(user=user, used_at__isnull=True).delete()


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


def _decide(actor: Actor, request_pk: int, *, approve: bool, shown_email: str | None = None) -> RoleRequest:
    request = _locked_pending(request_pk)
    if not can_decide_role_request(actor, request.school_id, request.requested_by_id, request.user_id):
        raise PermissionDenied
    if approve and shown_email is not None and shown_email.strip().lower() != address_for(request).strip().lower():
        raise ValidationError(
            _(
                "The e-mail address of this account changed after you opened the page. Nothing has been "
                "approved: check the request again."
            )
        )
    if approve:
        _grant(request)
    _close(request, RoleRequest.Status.APPROVED if approve else RoleRequest.Status.REFUSED, actor.user_id)
    record_event(
        actor,
        AccountAction.STAFF_ROLE_APPROVED if approve else AccountAction.STAFF_ROLE_REFUSED,
        obj=request.user,
        school_id=request.school_id,
        detail=_detail(request),
    )
    return request


@transaction.atomic
def approve(actor: Actor, request_pk: int, *, shown_email: str | None = None) -> RoleRequest:
    """Approve; `shown_email` is the address the approver's page showed (the view always passes it)."""
    return _decide(actor, request_pk, approve=True, shown_email=shown_email)


@transaction.atomic
def refuse(actor: Actor, request_pk: int) -> RoleRequest:
    return _decide(actor, request_pk, approve=False)


def school_has_approver(school_id: int, *, exclude_user_id: int | None = None) -> bool:
    """Whether the school has an active AF or school leader (other than `exclude_user_id`)."""
    approvers = Membership.objects.filter(
        school_id=school_id, role__in=[r.value for r in ROLE_APPROVER_ROLES], user__is_active=True
    )
    if exclude_user_id is not None:
        approvers = approvers.exclude(user_id=exclude_user_id)
    return approvers.exists()


def school_had_approver(school_id: int) -> bool:
    """Whether the school ever had an AF or school leader: a membership with that role (even of an
    account switched off) or an approved request for it, which stays in the history."""
    roles = [r.value for r in ROLE_APPROVER_ROLES]
    return (
        Membership.objects.filter(school_id=school_id, role__in=roles).exists()
        or RoleRequest.objects.filter(school_id=school_id, role__in=roles, status=RoleRequest.Status.APPROVED).exists()
    )


@transaction.atomic
def confirm_by_operator(request_pk: int, *, had_approvers_reason: str = "") -> RoleRequest:
    """The installation's operator confirms the first AF or school leader of a school that has neither.

    A school that has an active AF or school leader decides in Haven itself: refused here. A school
    that HAD one (its approvers left, or were taken away) is refused too, unless the operator gives
    the reason he checked with the school (`had_approvers_reason`, kept in the audit event): the
    administrator must not be able to empty a school of approvers and so reach the operator.
    """
    request = _locked_pending(request_pk)
    if Role(request.role) not in ROLE_APPROVER_ROLES:
        raise ValidationError(_("On the server, only the first AF or school leader of a school is confirmed."))
    if school_has_approver(request.school_id):
        raise ValidationError(_("This school already has an AF or school leader: they approve the request in Haven."))
    if school_had_approver(request.school_id) and not had_approvers_reason.strip():
        raise ValidationError(
            _(
                "This school had an AF or school leader before. Check with the school's board who this is, "
                "and give the reason with --school-had-approvers-reason."
            )
        )
    _grant(request)
    _close(request, RoleRequest.Status.APPROVED, None)
    detail = _detail(request)
    if had_approvers_reason.strip():
        detail["had_approvers_reason"] = had_approvers_reason.strip()
    record_event(
        None,
        AccountAction.STAFF_ROLE_CONFIRMED_BY_OPERATOR,
        obj=request.user,
        school_id=request.school_id,
        detail=detail,
    )
    return request
