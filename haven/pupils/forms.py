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


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of the administration"),
        help_text=_("An EDEXML file (.xml, from ParnasSys or ESIS) or a CSV export (from Somtoday or Magister)."),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if too_large:
            # The upload handler skipped the file as it came in: that is why it is missing.
            from haven.pupils.administration.edexml import too_large_message

            self.fields["file"].error_messages["required"] = too_large_message()


class ColumnMappingForm(forms.Form):
    """Which column of the school's CSV export holds which of Haven's fields (saved per school)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from haven.pupils.administration.csv_reader import FIELDS

        for name, label, required, _guesses in FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                required=required,
                max_length=100,
                help_text=_("The column name exactly as in the first row of the file."),
            )


class ImportApplyForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    invite = forms.MultipleChoiceField(
        label=_("Send an account invitation to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, teachers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invite = self.fields["invite"]
        assert isinstance(invite, forms.MultipleChoiceField)
        invite.choices = teachers
