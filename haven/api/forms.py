"""The form of a new API key; the rules live in services.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.api.scopes import ALLOWED_SCOPES, OrganisationKind, Scope

SCOPE_LABELS = {
    Scope.INTAKE: _("Handle with Care: send police notices"),
    Scope.SYNC: _("Pupil sync from the school's administration"),
    Scope.AGGREGATES: _("Aggregates: the monitoring's tables"),
}


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Who uses the key, e.g. “Politie Zonnedal”."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )

    def __init__(self, *args: Any, kind: OrganisationKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scopes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(s), SCOPE_LABELS[s]) for s in Scope if s in ALLOWED_SCOPES[kind]]
