"""Sign-ins, failures and lock-outs go into the audit log (NEN 7513 asks for both)."""

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from haven.accounts.audit_actions import AccountAction
from haven.accounts.backends import stored_username
from haven.audit.services import record_event


@receiver(user_logged_in)
def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(None, AccountAction.SIGN_IN, obj=user, detail={"username": user.username})


@receiver(user_login_failed)
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Only the username, and for no existing account only its keyed hash (`stored_username`): the
    # credentials dict also holds the password, and the username field sometimes does too.
    username = stored_username(credentials.get("username") or "") or ""
    record_event(None, AccountAction.SIGN_IN_FAILED, outcome="denied", detail={"username": username})


@receiver(user_locked_out)
def locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    record_event(None, AccountAction.LOCKED_OUT, outcome="denied", detail={"username": username, "address": ip_address})


@receiver(pre_save, sender=AccessAttempt)
def forget_the_form(sender: Any, instance: AccessAttempt, **kwargs: Any) -> None:
    """django-axes keeps the GET and POST data of every failed sign-in and masks only the field names it
    knows; the wizard's `auth-password`, `token-otp_token` and `backup-otp_token` are not among them.
    Blanking both columns before every write keeps any password or code, whatever the field is called,
    out of the database; the lock-out itself needs only the username, address and counts."""
    instance.get_data = ""
    instance.post_data = ""
