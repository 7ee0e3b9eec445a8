"""Forms of the pages where a person sets their own password or asks for a link to do so."""

from typing import Any

from django import forms
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
