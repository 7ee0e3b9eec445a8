"""Staff accounts and memberships, managed by the functional administrator."""

import base64

from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.policy import Actor
from haven.accounts.models import SCHOOL_ROLE_CHOICES, AnalystMembership, Membership, User
from haven.accounts.totp import hash_code
from haven.audit.services import record_event
from haven.core import concurrency
from haven.organisations.services import require


@transaction.atomic
def create_staff_account(
    actor: Actor, *, username: str, first_name: str, last_name: str, email: str, role: str, password: str
) -> User:
    require(actor, "school.manage")
    if role not in dict(SCHOOL_ROLE_CHOICES):
        raise ValidationError({"role": _("Choose a role.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, school_id=actor.school_id, role=role)
    record_event(actor, "staff.create", obj=user, detail={"username": username, "role": role})
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
    seen_version: int | None = None,
) -> User:
    require(actor, "school.manage")
    membership = Membership.objects.filter(user=user, school_id=actor.school_id).first()
    if membership is None:
        raise PermissionDenied
    if role not in dict(SCHOOL_ROLE_CHOICES):
        raise ValidationError({"role": _("Choose a role.")})
    if user.pk == actor.user_id and (role != membership.role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    user.version = concurrency.claim(User, user.pk, seen_version)
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    user.save(update_fields=["first_name", "last_name", "email", "is_active"])
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    record_event(actor, "staff.update", obj=user, detail={"role": role, "active": is_active})
    return user


@transaction.atomic
def set_staff_password(actor: Actor, user: User, password: str) -> None:
    require(actor, "school.manage")
    if not Membership.objects.filter(user=user, school_id=actor.school_id).exists():
        raise PermissionDenied
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor, "staff.set_password", obj=user)


@transaction.atomic
def sign_out_everywhere(user: User) -> None:
    """End every session of this user: the session hash changes, so Django drops them on their next request."""
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    record_event(None, "account.sign_out_everywhere", obj=user, detail={"username": user.username})


@transaction.atomic
def enrol_totp_device(user: User, *, secret_base32: str) -> TOTPDevice:
    """Give a user a confirmed TOTP device with a known secret (used for the demo accounts)."""
    key = base64.b32decode(secret_base32.upper().replace(" ", "")).hex()
    # django-two-factor-auth signs in with the device named "default". Saving moves the key into an
    # encrypted TOTPKey (haven/accounts/totp.py).
    device = TOTPDevice.objects.create(user=user, name="default", key=key, confirmed=True)
    record_event(None, "account.enrol_totp", obj=user, detail={"username": user.username})
    return device


@transaction.atomic
def make_recovery_codes(user: User, count: int) -> list[str]:
    """New recovery codes in place of the old ones: returned once, stored only as an HMAC (haven/accounts/totp.py)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": "backup"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=hash_code(code)) for code in codes])
    record_event(None, "account.recovery_codes", obj=user, detail={"count": count})
    return codes


@transaction.atomic
def create_analyst_account(
    *, username: str, first_name: str, last_name: str, email: str, password: str, board=None, municipality=None
) -> User:  # type: ignore[no-untyped-def]
    """A policy officer of a board or a municipality (a system action: they see aggregates only)."""
    if (board is None) == (municipality is None):
        raise ValidationError(_("A policy officer belongs to one board or one municipality."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    AnalystMembership.objects.create(user=user, board=board, municipality=municipality)
    record_event(None, "staff.create_analyst", obj=user, detail={"username": username})
    return user


@transaction.atomic
def lift_lockout(actor: Actor, user: User) -> int:
    """Lift every sign-in lock on a colleague's account (the FA or AF of their school); the number of addresses."""
    require(actor, "account.unlock")
    if not Membership.objects.filter(user=user, school_id=actor.school_id).exists():
        raise PermissionDenied
    attempts = AccessAttempt.objects.filter(username=user.username)
    addresses = sorted({a for a in attempts.values_list("ip_address", flat=True) if a})
    attempts.delete()
    record_event(actor, "account.lockout_lifted", obj=user, detail={"username": user.username, "addresses": addresses})
    return len(addresses)
