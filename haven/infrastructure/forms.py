from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's ValidationError on a form: on the fields it names when the form has them,
    otherwise on `field` (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)
