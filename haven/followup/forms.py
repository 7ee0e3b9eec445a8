"""Forms for the follow-up. They parse and describe input; the rules live in services.py and rules.py.

Field names are the services' keyword arguments, so a service's ValidationError lands on the field.
"""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.followup.models import ReportFollowUp
from haven.meldcode.forms import DECISION_QUESTIONS, YES_NO, ConfirmDateMixin, DateInput, as_bool, text, today_field


def date_field(label: Any, help_text: Any = "", required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, help_text=help_text, required=required, widget=DateInput())


class DatesWidget(forms.Widget):
    """Several date inputs under one name, in a fieldset: fill in as many as needed (no JavaScript)."""

    use_fieldset = True

    def __init__(self, count: int = 4, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.count = count

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return list(data.getlist(name)) if hasattr(data, "getlist") else list(data.get(name) or [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        values = [v.isoformat() if isinstance(v, date) else str(v) for v in (value or []) if v]
        values += [""] * max(self.count - len(values), 1 if len(values) >= self.count else 0)
        base_id = (attrs or {}).get("id", f"id_{name}")
        inputs = format_html_join(
            "",
            '<div class="haven-date-list__item"><input type="date" class="utrecht-textbox utrecht-textbox--html-input"'
            ' name="{}" id="{}" value="{}" aria-label="{}"></div>',
            (
                (name, f"{base_id}_{index}", value, gettext("Evaluation moment %(n)s") % {"n": index + 1})
                for index, value in enumerate(values)
            ),
        )
        return format_html('<div class="haven-date-list">{}</div>', inputs)


class DatesField(forms.Field):
    """One or more dates; empty inputs are ignored, duplicates merged, the result sorted."""

    widget = DatesWidget
    default_error_messages = {"invalid": forms.DateField.default_error_messages["invalid"]}

    def to_python(self, value: Any) -> list[date]:
        dates = set()
        for item in value or []:
            if isinstance(item, date):
                dates.add(item)
                continue
            if not str(item).strip():
                continue
            try:
                dates.add(date.fromisoformat(str(item).strip()))
            except ValueError as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        return sorted(dates)


class FeedbackAgreementForm(forms.Form):
    feedback_agreed_on = date_field(
        _("When will Veilig Thuis give feedback?"),
        _("The date agreed with Veilig Thuis. Ask for it when you make the report."),
    )
    feedback_agreed_how = text(
        _("How will Veilig Thuis inform the school?"), _("For example: by phone to the AF."), required=True
    )


class LeadForm(forms.Form):
    lead = forms.ChoiceField(
        label=_("Who leads the follow-up?"), choices=ReportFollowUp.Lead.choices, widget=forms.RadioSelect
    )
    lead_contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    lead_contact_details = forms.CharField(
        label=_("Phone or e-mail"), required=False, max_length=300, help_text=_("How the school reaches them.")
    )


class FeedbackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the investigation"), choices=ReportFollowUp.Outcome.choices, widget=forms.RadioSelect
    )
    follow_up_started = text(_("The follow-up Veilig Thuis started"), _("Who does what now, for the family."))
    school_expectations = text(_("What Veilig Thuis expects from the school"))
    feedback_received_on = today_field(_("Feedback received on"))


class HelpPlanForm(ConfirmDateMixin):
    confirm_date_after = "starts_on"
    description = text(_("What help?"), _("What will be offered, and what it should achieve."), required=True)
    provided_by = forms.CharField(
        label=_("By whom?"),
        max_length=300,
        help_text=_("For example: school social work, the local team, the school doctor."),
    )
    agreed_with_parents = forms.ChoiceField(
        label=_("Has the help been agreed with the parents?"), choices=YES_NO, widget=forms.RadioSelect
    )
    parents_agreement = text(_("How was it agreed with the parents (or why not)?"), rows=2)
    starts_on = today_field(_("The help starts on"))
    ends_on = date_field(_("End of the term"), _("By when should the help lead to the safety and wellbeing needed?"))
    evaluations = DatesField(
        label=_("Evaluation moments"),
        help_text=_("One or more dates within the term. At each, answer question 5: does the help work?"),
        error_messages={"required": _("Plan at least one evaluation moment.")},
    )

    def clean_agreed_with_parents(self) -> bool | None:
        return as_bool(self.cleaned_data.get("agreed_with_parents"))


class EvaluationForm(forms.Form):
    effective = forms.ChoiceField(
        label=DECISION_QUESTIONS["effective"],
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("No: the framework advises to report to Veilig Thuis. Yes: close the dossier and keep monitoring."),
    )
    explanation = text(
        _("Explanation"), _("What do you see, and what do the parents and the pupil say?"), required=True
    )
    answered_on = today_field(_("Evaluated on"))

    def clean_effective(self) -> bool | None:
        return as_bool(self.cleaned_data.get("effective"))
