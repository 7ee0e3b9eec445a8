from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, error: ValidationError, field: str | None = None) -> None:
    """Show a service's ValidationError on a form: on the fields it names when the form has them,
    otherwise on `field` (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's (multiple) model choice field `name`, typed as one: to set the rows it offers.

    `form.fields` holds plain `Field`s for the type checker; this is the one place that narrows.
    """
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field.")
    return field
