from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.handover.models import HandoverNotice, HandoverPackage
from haven.meldcode.forms import text
from haven.organisations.models import School

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class NoticeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Add this teacher to the dossier?"),
        choices=[
            (HandoverNotice.Decision.ADDED, _("Yes, add the teacher to the dossier")),
            (HandoverNotice.Decision.NOT_ADDED, _("No, do not add the teacher")),
        ],
        widget=forms.RadioSelect,
    )


class PackageForm(forms.Form):
    parts = forms.MultipleChoiceField(
        label=_("Which parts go along"),
        choices=HandoverPackage.Part.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only what the new school needs to keep the child safe. The pupil's name and date of birth always go along."
        ),
    )
    receiving_school = forms.CharField(label=_("Receiving school"), max_length=200, required=False)
    receiving_school_brin = forms.CharField(
        label=_("BRIN code of the receiving school"),
        max_length=6,
        help_text=_("For example 12AB. Only the school with this BRIN code can import the package."),
    )
    parents_informed = forms.ChoiceField(
        label=_("Do the parents know that this goes to the new school?"), choices=YES_NO, widget=forms.RadioSelect
    )
    parents_informed_how = text(_("How were the parents informed?"), rows=2)
    not_informed_reason = text(_("Why were the parents not informed?"), rows=2)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["parents_informed"] = data["parents_informed"] == "yes"
        return data


class ImportForm(forms.Form):
    package = forms.FileField(
        label=_("Handover package (.json)"),
        help_text=_("The .json file the previous school made with Haven. The PDF is for reading, not for importing."),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if too_large:
            # The upload handler skipped the file as it came in: that is why it is missing.
            self.fields["package"].error_messages["required"] = _(
                "The file is too large for a handover package (at most 2 MB)."
            )


class ConfirmImportForm(forms.Form):
    SAME, NEW, CANCEL = "same", "new", "cancel"

    choice = forms.ChoiceField(
        label=_("Is this the same pupil?"),
        choices=[
            (SAME, _("Yes, this is the same pupil: open the dossier for this pupil")),
            (NEW, _("No, this is another child: add a new pupil")),
            (CANCEL, _("Do not import the package")),
        ],
        widget=forms.RadioSelect,
    )


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.name} ({obj.brin_code}{', ' + obj.city if obj.city else ''})"


class TransferForm(PackageForm):
    """The package form, with the receiving school chosen among the schools that use Haven."""

    field_order = ["receiving", "parts", "parents_informed", "parents_informed_how", "not_informed_reason"]

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["receiving_school"], self.fields["receiving_school_brin"]
        self.fields["receiving"] = SchoolChoiceField(
            label=_("The new school"),
            queryset=schools,
            empty_label=_("Choose the school"),
            help_text=_("Only schools that use Haven. Is the school not in the list? Make a file package instead."),
        )
        self.order_fields(self.field_order)

    def service_arguments(self) -> dict[str, Any]:
        data = super().service_arguments()
        data["receiving_school"] = data.pop("receiving")
        return data


class TransferDecisionForm(forms.Form):
    ACCEPT, REFUSE = "accept", "refuse"

    decision = forms.ChoiceField(
        label=_("Will your school take over this dossier?"),
        choices=[
            (ACCEPT, _("Yes, accept: open the dossier at our school")),
            (REFUSE, _("No, refuse: the pupil does not come to our school")),
        ],
        widget=forms.RadioSelect,
    )
    reason = text(_("Why do you refuse?"), rows=2)
