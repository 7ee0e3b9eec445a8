"""What accounts, sign-in and staff roles record."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class AccountAction(AuditActions):
    SIGN_IN = "account.sign_in", _("Signed in")
    SIGN_IN_FAILED = "account.sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "account.locked_out", _("Sign-in locked after too many attempts")
    LOCKOUT_LIFTED = "account.lockout_lifted", _("Sign-in lock lifted")
    SIGN_OUT_EVERYWHERE = "account.sign_out_everywhere", _("Signed out on every device")
    ENROL_TOTP = "account.enrol_totp", _("Two-factor sign-in turned on")
    RECOVERY_CODES = "account.recovery_codes", _("Recovery codes made")
    PASSWORD_SET = "account.password_set", _("Password set")
    LINK_SENT = "account.link_sent", _("Invitation or password link sent")
    RESET_REQUESTED = "account.reset_requested", _("New password requested")
    STAFF_CREATE = "staff.create", _("Staff member added")
    STAFF_UPDATE = "staff.update", _("Staff member changed")
    STAFF_CREATE_ANALYST = "staff.create_analyst", _("Analyst account added")
    STAFF_ROLE_APPROVED = "staff.role_approved", _("Role approved")
    STAFF_ROLE_REFUSED = "staff.role_refused", _("Role refused")
    STAFF_ROLE_CONFIRMED_BY_OPERATOR = "staff.role_confirmed_by_operator", _("Role confirmed by the operator")
    SSO_LINKED = "account.sso_linked", _("School account linked")
    SSO_UNLINKED = "account.sso_unlinked", _("School account unlinked")
    SSO_REFUSED = "account.sso_refused", _("Sign-in with a school account refused")
    SSO_CODE_FAILED = "account.sso_code_failed", _("Second step after a school account failed")
    PASSWORD_SIGN_IN_REFUSED = (
        "account.password_sign_in_refused",
        _("Password sign-in refused: the school uses its own accounts"),
    )
    SSO_PROVIDER_SAVED = "account.sso_provider_saved", _("Sign-in provider configured")
