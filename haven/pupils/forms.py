"""Forms of the pupil data. They parse input; the rules live in services.py."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.forms import model_choice_field
from haven.pupils.models import Pupil


class SiblingForm(forms.Form):
    sibling = forms.ModelChoiceField(
        label=_("Brother or sister at this school"),
        queryset=Pupil.objects.none(),
        empty_label=_("Choose a pupil"),
        error_messages={"invalid_choice": _("Choose a pupil of your school.")},
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sibling").queryset = pupils
