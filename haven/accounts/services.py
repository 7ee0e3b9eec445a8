"""Staff accounts and memberships, managed by the functional administrator."""

import base64
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.guards import require_permission
from haven.access.labels import SCHOOL_ROLE_CHOICES
from haven.access.policy import Actor
from haven.access.roles import ROLE_APPROVER_ROLES, Role
from haven.accounts import invitations, lockout, role_requests
from haven.accounts.audit_actions import AccountAction
from haven.accounts.models import AccountLink, AnalystMembership, Membership, User
from haven.accounts.totp import hash_code
from haven.audit.services import record_event
from haven.infrastructure import concurrency

if TYPE_CHECKING:
    from haven.insights.models import Region
    from haven.organisations.models import Board, Municipality


def school_staff_member(actor: Actor, user: User) -> Membership | None:
    """The account's membership of the actor's school (None while its only tie is a pending role request).

    An account with neither belongs to another school: PermissionDenied.
    """
    require_permission(actor, "school.manage")
    membership = Membership.objects.filter(user=user, school_id=actor.member_school_id).first()
    if membership is None and role_requests.pending(user, actor.member_school_id) is None:
        raise PermissionDenied
    return membership


@transaction.atomic
def create_staff_account(
    actor: Actor, *, username: str, first_name: str, last_name: str, email: str, role: str, invite: bool = True
) -> User:
    """A new account without a password: its owner chooses one through the invitation mailed to them.

    A role that reads case content is only asked for (see haven.accounts.role_requests): until an
    AF or school leader approves it, the account has no membership, and no invitation goes out: the
    approval sends it (to the address the approver saw), see role_requests._grant. `invite=False` is
    for the demo seeder, which sets the published demo password itself.
    """
    require_permission(actor, "school.manage")
    if role not in dict(SCHOOL_ROLE_CHOICES):
        raise ValidationError({"role": _("Choose a role.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    if not email:
        raise ValidationError({"email": _("Fill in the e-mail address: Haven sends the invitation there.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    pending = role_requests.needs_approval(role)
    if pending:
        role_requests.ask(actor, user, actor.member_school_id, role)
    else:
        Membership.objects.create(user=user, school_id=actor.member_school_id, role=role)
    if invite and not pending:
        invitations.issue_link(user, AccountLink.Purpose.INVITATION)
    record_event(
        actor,
        AccountAction.STAFF_CREATE,
        obj=user,
        detail={"username": username, "role": role, "pending_approval": pending},
    )
    return user


@transaction.atomic
def update_staff_account(
    actor: Actor,
    user: User,
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
    phone: str | None = None,
    seen_version: int | None = None,
) -> User:
    """Save the account. Whatever could let it read case content only becomes a request for approval:

    - a role that reads case content (IB, AF, school leader) it does not have yet;
    - switching back on an account with such a role;
    - a new e-mail address of a member of the school (not one's own): the password links go there,
      so a new address would hand the account, and the dossiers it may read, to whoever reads it.
    A role that reads nothing is set at once, and withdraws a pending request. `phone` None keeps
    the phone number as it is.
    """
    membership = school_staff_member(actor, user)
    school_id = actor.member_school_id
    if role not in dict(SCHOOL_ROLE_CHOICES):
        raise ValidationError({"role": _("Choose a role.")})
    current_role = membership.role if membership else None
    if user.pk == actor.user_id and (role != current_role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    leaves = not is_active or (role != current_role and not role_requests.needs_approval(role))
    if (
        membership is not None
        and user.is_active
        and Role(membership.role) in ROLE_APPROVER_ROLES
        and leaves
        and not role_requests.school_has_approver(school_id, exclude_user_id=user.pk)
    ):
        # Otherwise the school has nobody left to approve, and the operator's path would open.
        raise ValidationError(
            _(
                "%(name)s is the last safeguarding lead (AF) or school leader of the school. Ask for that role "
                "for a colleague first; once it is approved, this change can be made."
            )
            % {"name": user}
        )
    user.version = concurrency.claim(User, user.pk, seen_version)
    waiting = role_requests.pending(user, school_id)
    new_role, ask_role = current_role, None
    if role != current_role and role_requests.needs_approval(role):
        ask_role = role
    elif role != current_role:
        if membership is None:
            membership = Membership.objects.create(user=user, school_id=school_id, role=role)
        else:
            membership.role = role
            membership.save(update_fields=["role"])
        role_requests.withdraw(user, school_id)
        new_role, waiting = role, None
    ask_email = ""
    if email.strip().lower() != user.email.strip().lower() and membership is not None and user.pk != actor.user_id:
        ask_email, email = email, user.email
    reactivate = False
    if is_active and not user.is_active and new_role is not None and role_requests.needs_approval(new_role):
        is_active, reactivate = False, True
    if waiting is not None:
        # A new request replaces the pending one: what that one still asked for carries over.
        ask_email = ask_email or waiting.email
        reactivate = reactivate or waiting.reactivate
    if (ask_email or reactivate) and ask_role is None:
        ask_role = waiting.role if waiting is not None else new_role
    if ask_role is not None:
        unchanged = waiting is not None and (waiting.role, waiting.reactivate, waiting.email) == (
            ask_role,
            reactivate,
            ask_email,
        )
        if not unchanged:
            role_requests.ask(actor, user, school_id, ask_role, reactivate=reactivate, email=ask_email)
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    if phone is not None:
        user.phone = phone.strip()
    user.save(update_fields=["first_name", "last_name", "email", "phone", "is_active"])
    record_event(
        actor,
        AccountAction.STAFF_UPDATE,
        obj=user,
        detail={
            "role": membership.role if membership else None,
            "active": is_active,
            "asked_role": ask_role,
            "reactivate": reactivate,
            "asked_new_email": bool(ask_email),
        },
    )
    return user


def set_demo_password(user: User) -> None:
    """Development only: the demo accounts share the published demo password (see seed_demo)."""
    if settings.HAVEN_ENV == "production":
        raise PermissionDenied("The demo password is never set in production.")
    user.set_password(settings.HAVEN_DEMO_PASSWORD)
    user.save(update_fields=["password"])


@transaction.atomic
def sign_out_everywhere(user: User) -> None:
    """End every session of this user: the session hash changes, so Django drops them on their next request."""
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    record_event(None, AccountAction.SIGN_OUT_EVERYWHERE, obj=user, detail={"username": user.username})


@transaction.atomic
def enrol_totp_device(user: User, *, secret_base32: str) -> TOTPDevice:
    """Give a user a confirmed TOTP device with a known secret (used for the demo accounts)."""
    key = base64.b32decode(secret_base32.upper().replace(" ", "")).hex()
    # django-two-factor-auth signs in with the device named "default". Saving moves the key into an
    # encrypted TOTPKey (haven/accounts/totp.py).
    device = TOTPDevice.objects.create(user=user, name="default", key=key, confirmed=True)
    record_event(None, AccountAction.ENROL_TOTP, obj=user, detail={"username": user.username})
    return device


@transaction.atomic
def make_recovery_codes(user: User, count: int) -> list[str]:
    """New recovery codes in place of the old ones: returned once, stored only as an HMAC (haven/accounts/totp.py)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": "backup"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=hash_code(code)) for code in codes])
    record_event(None, AccountAction.RECOVERY_CODES, obj=user, detail={"count": count})
    return codes


@transaction.atomic
def create_analyst_account(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    board: "Board | None" = None,
    municipality: "Municipality | None" = None,
    region: "Region | None" = None,
) -> User:
    """A policy officer of a board, a municipality or a region (a system action: they see aggregates only)."""
    if [board, municipality, region].count(None) != 2:
        raise ValidationError(_("A policy officer belongs to one board, one municipality or one region."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    AnalystMembership.objects.create(user=user, board=board, municipality=municipality, region=region)
    record_event(None, AccountAction.STAFF_CREATE_ANALYST, obj=user, detail={"username": username})
    return user


@transaction.atomic
def lift_lockout(actor: Actor, user: User) -> int:
    """Lift the sign-in locks in force on a colleague's account (the FA or AF of their school); the number
    of addresses. Without a lock nothing changes and nothing is audited (ValidationError): lifting is no
    way to reset the failure count of an account again and again for more guesses."""
    require_permission(actor, "account.unlock")
    if not Membership.objects.filter(user=user, school_id=actor.member_school_id).exists():
        raise PermissionDenied
    addresses = lockout.lift_locks(user.username)
    if not addresses:
        raise ValidationError(
            _("%(name)s has no sign-in lock; nothing was lifted.") % {"name": user.get_full_name() or user.username}
        )
    record_event(
        actor, AccountAction.LOCKOUT_LIFTED, obj=user, detail={"username": user.username, "addresses": addresses}
    )
    return len(addresses)
