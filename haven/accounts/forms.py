"""Forms of the pages where a person sets their own password or asks for a link to do so."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _


class OwnPasswordForm(forms.Form):
    """Two password fields that must match; the strength is checked by the service."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class ResetRequestForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class PasswordSignInForm(AuthenticationForm):
    """The sign-in page's password step: refused for the staff of a school that turned passwords off."""

    # Django's two fields with their maximum lengths declared (Django sets the username's only when
    # the form is made, the password has none): a longer text is refused before any backend sees it.
    username = UsernameField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        from haven.accounts import sso

        providers = sso.passwords_off_for(user)
        if providers:
            from haven.accounts.audit_actions import AccountAction
            from haven.audit.models import AuditEvent
            from haven.audit.services import record_event

            record_event(
                None,
                AccountAction.PASSWORD_SIGN_IN_REFUSED,
                outcome=AuditEvent.Outcome.DENIED,
                obj=user,
                detail={"username": user.username, "providers": [p.slug for p in providers]},
            )
            raise forms.ValidationError(
                _(
                    "Your school signs in with its own accounts, not with a password. Use the button "
                    "“%(button)s” below."
                ),
                code="passwords_off",
                params={"button": providers[0].name},
            )
