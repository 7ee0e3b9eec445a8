"""Forms of the functional administrator's pages and the protocol settings.

The forms parse and check the shape of the input; the rules (a date of birth in the past, a unique
username, a unique group name per school year) live in the services, whose
ValidationErrors the views add to these forms.
"""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from haven.access.labels import ROLE_LABELS, SCHOOL_ROLE_CHOICES
from haven.access.roles import Role
from haven.accounts.models import User
from haven.infrastructure.forms import model_choice_field
from haven.meldcode import repeat, retention
from haven.organisations.models import Group, School
from haven.pupils.models import HouseholdMember

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Roles that can hold the meldcode responsibilities of the protocol, in the order staff know them.
PROTOCOL_ROLES = [Role.CARE_COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER]
TEACHING_ROLES = [Role.TEACHER, Role.TEACHING_ASSISTANT]

SCHOOL_YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{4})$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The HTML date input always sends and expects ISO dates, whatever the language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PupilForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, help_text=_('Including a prefix such as "de" or "van".')
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("Street and number, postcode and town. Stored encrypted; used in a report to Veilig Thuis."),
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("No group"),
        help_text=_("The pupil's current group. A placement earlier in the same school year is replaced."),
    )

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "group").queryset = Group.objects.filter(school_id=school_id).order_by(
            "-school_year", "name"
        )


class HouseholdMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.ChoiceField(
        label=_("Relation to the pupil"), choices=[("", _("Choose a relation")), *HouseholdMember.Relation.choices]
    )
    lives_with_pupil = forms.BooleanField(label=_("Lives with the pupil"), required=False, initial=True)


class TeacherChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


def teachers_of_school(school_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__school_id=school_id, memberships__role__in=TEACHING_ROLES)
        .distinct()
        .order_by("last_name", "first_name")
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("For example Groep 5 or Groep 7/8."))
    school_year = forms.CharField(
        label=_("School year"),
        max_length=9,
        help_text=_("For example 2026-2027."),
        validators=[
            RegexValidator(SCHOOL_YEAR_PATTERN, _("Write the school year as two years, for example 2026-2027."))
        ],
    )
    teachers = TeacherChoiceField(
        label=_("Teachers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Teachers and teaching assistants of this school who teach this group."),
    )

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "teachers").queryset = teachers_of_school(school_id)

    def clean_school_year(self) -> str:
        school_year: str = self.cleaned_data["school_year"]
        match = SCHOOL_YEAR_PATTERN.match(school_year)
        if match and int(match.group(2)) != int(match.group(1)) + 1:
            raise forms.ValidationError(_("The second year must follow the first, for example 2026-2027."))
        return school_year


class StaffCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to sign in. Letters, digits and @ . + - _ only."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email address"), help_text=_("Haven sends the invitation to set a password to this address.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=SCHOOL_ROLE_CHOICES)


class StaffUpdateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Optional. Filled in as the reporter's number in a report to Veilig Thuis."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=SCHOOL_ROLE_CHOICES)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive account can no longer sign in. Its history is kept."),
    )


def _protocol_choices() -> list[tuple[str, "StrOrPromise"]]:
    return [(role.value, ROLE_LABELS[role.value]) for role in PROTOCOL_ROLES]


class ProtocolForm(forms.Form):
    decision_roles = forms.MultipleChoiceField(
        label=_("Who decides whether to make a report"),
        choices=_protocol_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
        help_text=_("Only staff in these roles can weigh a case and take the decision of steps 4 and 5."),
    )
    report_roles = forms.MultipleChoiceField(
        label=_("Who makes the report to Veilig Thuis"),
        choices=_protocol_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
        help_text=_("Only staff in these roles can record the report to Veilig Thuis."),
    )
    # Not required, so that a form without it keeps the school's current term.
    retention_years = forms.IntegerField(
        label=_("How long closed dossiers are kept (years)"),
        required=False,
        min_value=retention.MIN_YEARS,
        max_value=retention.MAX_YEARS,
    )
    # Not required either: a form without it keeps the school's current number of weeks.
    inactivity_weeks = forms.IntegerField(
        label=_("Weeks without activity before a dossier appears in My tasks"),
        required=False,
        min_value=School.MIN_INACTIVITY_WEEKS,
        max_value=School.MAX_INACTIVITY_WEEKS,
        help_text=_(
            "An open dossier without any change for this many weeks appears in the tasks of its case lead "
            "and of the safeguarding lead (AF), who also get a reminder by e-mail."
        ),
    )
    # The school's address (a report to Veilig Thuis names it); a form without them keeps it.
    street_address = forms.CharField(label=_("Street and number"), required=False, max_length=200)
    postal_code = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    city = forms.CharField(label=_("Town or city"), required=False, max_length=100)
    # Repeated care (haven.meldcode.repeat); not required, so a form without them keeps the rule.
    repeat_threshold = forms.IntegerField(
        label=_("Repeated care: number of dossiers"),
        required=False,
        min_value=repeat.MIN_THRESHOLD,
        max_value=repeat.MAX_THRESHOLD,
        help_text=_("The dossiers of a pupil and their brothers and sisters count together. The default is 3."),
    )
    repeat_years = forms.IntegerField(
        label=_("Repeated care: within how many years"),
        required=False,
        min_value=repeat.MIN_YEARS,
        max_value=repeat.MAX_YEARS,
        help_text=_(
            "Counted back from today. The default is 5. Dossiers destroyed after their retention term no longer count."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, so the text follows the active language.
        self.fields["retention_years"].help_text = _(
            "Counted from the day a dossier was last closed. After this term Haven destroys the dossier; "
            "open dossiers are never destroyed. From %(min)s to %(max)s years; the default is %(default)s."
        ) % {"min": retention.MIN_YEARS, "max": retention.MAX_YEARS, "default": retention.DEFAULT_YEARS}
