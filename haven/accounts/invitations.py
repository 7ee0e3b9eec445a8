"""One-time links by e-mail with which a person sets their own password: the invitation and the reset.

Nobody but the owner of an account learns or sets its password: the functional administrator
creates an account without one, Haven mails its owner a link, and the owner chooses it. A lost
password goes the same way. The link's token is random (256 bits), valid for
HAVEN_ACCOUNT_LINK_HOURS, used once, and stored only as its SHA-256: whoever reads the database or
a backup cannot use it. Issuing a new link voids the person's older unused ones.

The mail is content-free: no pupil, no dossier, only that there is an account at Haven for the
school, and the link.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haven.access.policy import Actor
from haven.accounts.audit_actions import AccountAction
from haven.accounts.models import AccountLink, RoleRequest, User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event

# Account mails are Dutch, whatever language the request was in (as the reminders).
MAIL_LANGUAGE = "nl"
# A person who asks for a reset link again within this time gets no second mail: nobody can use
# the form on the sign-in page to flood someone's mailbox.
RESET_REQUEST_INTERVAL = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _school_name(user: User) -> str:
    membership = user.memberships.select_related("school").first()
    if membership is not None:
        return membership.school.name
    pending = user.role_requests.filter(status=RoleRequest.Status.PENDING).select_related("school").first()
    return pending.school.name if pending is not None else ""


def link_url(token: str) -> str:
    return settings.HAVEN_BASE_URL.rstrip("/") + reverse("accounts:password_link", args=[token])


def _message(user: User, purpose: str, url: str, school_name: str, after_approval: bool = False) -> EmailMessage:
    with translation.override(MAIL_LANGUAGE):
        if purpose == AccountLink.Purpose.INVITATION:
            subject = _("Your account at Haven")
        else:
            subject = _("A new password for Haven")
        body = render_to_string(
            "accounts/link_email.txt",
            {
                "name": user.first_name or user.get_username(),
                "username": user.get_username(),
                "school": school_name or _("your school"),
                "url": url,
                "hours": settings.HAVEN_ACCOUNT_LINK_HOURS,
                "invitation": purpose == AccountLink.Purpose.INVITATION,
                "after_approval": after_approval,
            },
        )
    return EmailMessage(subject=subject, body=body, to=[user.email])


def issue_link(user: User, purpose: str, *, school_name: str | None = None, after_approval: bool = False) -> str:
    """Mail `user` a new one-time link. Call inside the transaction of the change that needs it.

    The mail goes last: when the mail server refuses it, the caller's transaction rolls back and
    nothing was issued. Returns the token for the caller's code only (pages never show it).
    """
    if not user.email:
        raise ValidationError({"email": _("This account has no e-mail address. Add one first: the link goes there.")})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccountLink.objects.filter(user=user, used_at__isnull=True).delete()
    AccountLink.objects.create(
        user=user,
        purpose=purpose,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.HAVEN_ACCOUNT_LINK_HOURS),
    )
    school = school_name if school_name is not None else _school_name(user)
    _message(user, purpose, link_url(token), school, after_approval).send()
    return token


def token_hash(token: str) -> str:
    """What a page keeps of a link between requests (the session is readable in the database)."""
    return _hash(token) if token and len(token) <= 100 else ""


def valid_link_by_hash(digest: str) -> AccountLink | None:
    """The unused, unexpired link of an active account for this token's hash; None for anything else."""
    if not digest:
        return None
    return (
        AccountLink.objects.select_related("user")
        .filter(token_hash=digest, used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def set_password_with_link(token: str, password: str) -> User:
    """The owner sets their password with their link; their other sessions end. Refused: ValidationError."""
    return set_password_with_link_hash(token_hash(token), password)


@transaction.atomic
def set_password_with_link_hash(digest: str, password: str) -> User:
    """As set_password_with_link, given the token's hash (what the session keeps)."""
    link = valid_link_by_hash(digest)
    if link is not None:
        # Locked, and checked again: two requests with the same link cannot both use it.
        link = AccountLink.objects.select_for_update().filter(pk=link.pk, used_at__isnull=True).first()
    if link is None:
        raise ValidationError(_("This link is no longer valid. Ask for a new one on the sign-in page."))
    user = link.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    record_event(None, AccountAction.PASSWORD_SET, obj=user, detail={"username": user.username, "via": link.purpose})
    return user


@transaction.atomic
def send_link_by_admin(actor: Actor, user: User) -> str:
    """The functional administrator sends a staff member of their school an invitation or a reset link.

    An account whose owner never chose a password gets the invitation again; any other a reset
    link. The administrator never sees the link. Returns the purpose.
    """
    from haven.accounts.services import school_staff_member

    if school_staff_member(actor, user) is None:
        raise ValidationError(
            _("The role of this account waits for approval. The invitation goes out once it is approved.")
        )
    if not user.is_active:
        raise ValidationError(_("This account is inactive. Activate it first."))
    purpose = AccountLink.Purpose.RESET if user.has_usable_password() else AccountLink.Purpose.INVITATION
    issue_link(user, purpose)
    record_event(actor, AccountAction.LINK_SENT, obj=user, detail={"username": user.username, "purpose": purpose})
    return purpose


@transaction.atomic
def request_reset(username: str) -> None:
    """Someone on the sign-in page asks for a reset link. The caller answers the same, whatever happens here."""
    user = User.objects.filter(username__iexact=username.strip(), is_active=True).exclude(email="").first()
    if user is None:
        record_event(
            None, AccountAction.RESET_REQUESTED, outcome=AuditEvent.Outcome.DENIED, detail={"username": username[:150]}
        )
        return
    recent = AccountLink.objects.filter(
        user=user, used_at__isnull=True, created_at__gt=timezone.now() - RESET_REQUEST_INTERVAL
    )
    if recent.exists():
        return
    purpose = AccountLink.Purpose.RESET if user.has_usable_password() else AccountLink.Purpose.INVITATION
    issue_link(user, purpose)
    record_event(None, AccountAction.RESET_REQUESTED, obj=user, detail={"username": user.username, "purpose": purpose})
