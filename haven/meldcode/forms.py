"""Forms for the route. They parse and describe input; the rules live in services.py."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.infrastructure.forms import model_choice_field
from haven.meldcode.models import Closure, Consultation, Conversation, Decision, Report, Signal, StepSkip
from haven.pupils.dates import CONFIRM_FIELD, NEEDS_CONFIRMATION
from haven.pupils.models import Pupil

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_OPEN = [("", _("Not answered yet")), ("yes", _("Yes")), ("no", _("No"))]


def as_bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def from_bool(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "") if value is not None else ""


# A free text holds at most this many characters: a full page and more, enough for any entry, and a
# limit that keeps a pasted document (or 100,000 characters of a hostile request) out of a dossier.
LONG_TEXT = 5000


def text(
    label: Any, help_text: Any = "", rows: int = 3, required: bool = False, max_length: int = LONG_TEXT
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def limited_text(db_field: Any, **kwargs: Any) -> Any:
    """A model form's free text gets the same limit as the `text()` fields (the column has none)."""
    if isinstance(db_field, models.TextField) and not db_field.choices:
        kwargs.setdefault("max_length", LONG_TEXT)
    return db_field.formfield(**kwargs)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ConfirmDateMixin(forms.Form):
    """A form with the day something happened carries the "this date is right" box that
    `dates.check_date` asks for when the day lies long ago. The box is a hidden input until the
    service says the date needs it (or the user has ticked it): then it shows right after the date."""

    confirm_date_after = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ticked = self.is_bound and self.data.get(self.add_prefix(CONFIRM_FIELD)) not in (None, "", "False", "false")
        self.fields[CONFIRM_FIELD] = forms.BooleanField(
            label=_("This date is right"),
            required=False,
            widget=forms.CheckboxInput() if ticked else forms.HiddenInput(),
        )
        order = [name for name in self.fields if name != CONFIRM_FIELD]
        order.insert(order.index(self.confirm_date_after) + 1, CONFIRM_FIELD)
        self.order_fields(order)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if self.has_error(self.confirm_date_after, code=NEEDS_CONFIRMATION):
            self.fields[CONFIRM_FIELD].widget = forms.CheckboxInput()


def today_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate)


class SignalTextForm(forms.Form):
    facts = text(
        _("What did you see or hear?"),
        _("Only facts: what happened, when, where, who was there. No conclusions."),
        rows=5,
        required=True,
    )
    child_words = text(_("The child's own words"), _("Literally, between quotes, as far as you remember them."), rows=2)
    interpretation = text(
        _("Your interpretation"), _("What do you think it means? This is kept apart from the facts."), rows=2
    )
    context = text(_("Context"), _("The situation, how often it happens, whether other children are involved."), rows=2)
    contradicting_info = text(
        _("Information that contradicts the concern"),
        _("What makes the concern less likely? Write it down too: a sound dossier holds both."),
        rows=2,
    )


class DateAndTimeWidget(forms.MultiWidget):
    """The date ("7-12-2026") and the 24-hour time ("14:30") as two plain text fields, whatever the
    browser's locale: two tab stops instead of datetime-local's seven (a type=date input alone is
    three in Chromium, one per part). Each has its own label with a Dutch example; the fieldset's
    legend names the whole. Posted as `<name>_0` (day-month-year; year-month-day works too) and
    `<name>_1` (HH:MM); a single `<name>` "YYYY-MM-DDTHH:MM" (the former datetime-local) is still
    understood."""

    template_name = "meldcode/widgets/date_and_time.html"
    use_fieldset = True

    def __init__(self) -> None:
        day = forms.DateInput(
            format="%d-%m-%Y",
            attrs={
                "pattern": "[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}",
                "maxlength": "10",
                "autocomplete": "off",
                "class": "haven-date",
            },
        )
        time = forms.TextInput(
            attrs={
                "pattern": "[0-2]?[0-9][:.]?[0-5][0-9]",
                "maxlength": "5",
                "autocomplete": "off",
                "class": "haven-time",
            }
        )
        super().__init__(widgets=[day, time])

    def decompress(self, value: Any) -> list[Any]:
        if not value:
            return [None, None]
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return [local.date(), local.strftime("%H:%M")]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if f"{name}_0" not in data and f"{name}_1" not in data and data.get(name):
            day, _sep, moment = str(data.get(name)).partition("T")
            return [day, moment[:5]]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


class DateAndTimeField(forms.MultiValueField):
    """A local moment from a date and a 24-hour time ("14:30", also "14.30" or "1430")."""

    widget = DateAndTimeWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.DateField(
                input_formats=["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"],
                error_messages={"invalid": _("Enter the date as day-month-year, for example 14-3-2026.")},
            ),
            forms.TimeField(
                input_formats=["%H:%M", "%H.%M", "%H%M"],
                error_messages={"invalid": _("Enter the time in hours and minutes, for example 14:30.")},
            ),
        )
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault("required", _("Fill in both the date and the time."))
        messages.setdefault("incomplete", _("Fill in both the date and the time."))
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> datetime | None:
        if not data_list:
            return None
        day, moment = data_list
        return timezone.make_aware(datetime.combine(day, moment))


class OtherPupilsField(forms.ModelMultipleChoiceField):
    """The other pupils involved, posted as hidden `other_pupils` values by the search-and-add list
    (SignalForm.pupil_picker); a pupil outside the queryset is refused like any invalid choice."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Pupil.objects.none(), required=False, **kwargs)


# The search-and-add list's buttons. They re-render the form with what was typed; none saves.
SEARCH_PUPIL = "zoek_leerling"
ADD_PUPIL = "voeg_leerling_toe"
REMOVE_PUPIL = "verwijder_leerling"
PUPIL_QUERY = "leerling_zoeken"
PICKER_ACTIONS = (SEARCH_PUPIL, ADD_PUPIL, REMOVE_PUPIL)


@dataclass
class PupilPicker:
    """What the search-and-add list of other pupils shows: the pupils added so far, the search
    text, and the results (own group first), and where focus goes after the re-render."""

    added: list[Pupil]
    query: str
    results: list[Pupil]
    searched: bool
    focus: str  # "search", "results" or "" (nothing to move to)
    announcement: str


class SignalForm(ConfirmDateMixin, SignalTextForm):
    confirm_date_after = "observed_at"
    observed_at = DateAndTimeField(label=_("When did you observe it?"))
    source = forms.ChoiceField(label=_("Source"), choices=Signal.Source.choices, initial=Signal.Source.OWN_OBSERVATION)
    categories = forms.MultipleChoiceField(
        label=_("What is it about?"),
        choices=Signal.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more. Not sure? Choose 'gut feeling': that is reason enough to log it."),
    )
    other_pupils = OtherPupilsField(label=_("Other pupils involved"))
    # Right before the submit button (the template renders it there): logging and asking is one submit.
    look_along = forms.BooleanField(label=_("Also ask the IB/AF to look along"), required=False, initial=False)

    field_order = [
        "observed_at",
        "source",
        "categories",
        "facts",
        "child_words",
        "interpretation",
        "context",
        "contradicting_info",
        "other_pupils",
        "look_along",
    ]
    PICKER_LIMIT = 10

    def __init__(
        self,
        *args: Any,
        pupils: QuerySet[Pupil],
        own_group: QuerySet[Pupil] | None = None,
        may_ask_look_along: bool = False,
        choose_pupil: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault(
            "observed_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)
        model_choice_field(self, "other_pupils").queryset = pupils
        if choose_pupil:
            # The pupil of the address could not be used: the teacher chooses again, nothing typed is lost.
            self.fields["pupil"] = pupil_field(_("Pupil"), required=True, empty_label=_("Choose a pupil"))
            model_choice_field(self, "pupil").queryset = pupils
            self.order_fields(["pupil", *[name for name in self.fields if name != "pupil"]])
        if not may_ask_look_along:
            del self.fields["look_along"]
        self._own_group = own_group if own_group is not None else pupils.none()
        self.picker_action = next((name for name in PICKER_ACTIONS if self.is_bound and name in self.data), None)
        if self.picker_action:
            self._apply_picker_action()

    @property
    def text_fields(self) -> list[forms.BoundField]:
        """The fields the template renders in one go: all but the picker and the checkbox."""
        return [self[name] for name in self.fields if name not in ("other_pupils", "look_along")]

    def _posted_pupil(self, name: str) -> int | None:
        value = str(self.data.get(name, ""))
        return int(value) if value.isdigit() else None

    def _apply_picker_action(self) -> None:
        assert isinstance(self.data, MultiValueDict)  # bound to request.POST
        data = self.data.copy()
        chosen = [v for v in data.getlist("other_pupils") if v.isdigit()]
        if self.picker_action == ADD_PUPIL and (pk := self._posted_pupil(ADD_PUPIL)) is not None:
            if str(pk) not in chosen:
                chosen.append(str(pk))
        elif self.picker_action == REMOVE_PUPIL and (pk := self._posted_pupil(REMOVE_PUPIL)) is not None:
            chosen = [v for v in chosen if v != str(pk)]
        data.setlist("other_pupils", chosen)
        self.data = data
        # A re-render keeps everything typed, without telling the teacher off for what is not done yet.
        self._errors = ErrorDict()

    def pupil_picker(self) -> PupilPicker:
        queryset = model_choice_field(self, "other_pupils").queryset
        assert queryset is not None  # set in __init__
        if self.is_bound:
            assert isinstance(self.data, MultiValueDict)  # bound to request.POST
            ids = [int(v) for v in self.data.getlist("other_pupils") if str(v).isdigit()]
        else:
            ids = [p.pk for p in self.initial.get("other_pupils", [])]
        by_id = {p.pk: p for p in queryset.filter(pk__in=ids)}
        added = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
        searched = self.picker_action == SEARCH_PUPIL
        # After adding or removing, the search box is empty again, ready for the next name.
        query = str(self.data.get(PUPIL_QUERY, "")).strip() if searched else ""
        results: list[Pupil] = []
        if searched:
            found = queryset.exclude(pk__in=ids)
            for word in query.split():
                found = found.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
            own = set(self._own_group.values_list("pk", flat=True))
            if not query:
                found = found.filter(pk__in=own)
            ordered = sorted(found.order_by("last_name", "first_name")[:200], key=lambda p: p.pk not in own)
            results = ordered[: self.PICKER_LIMIT]
        announcement = ""
        focus = ""
        if self.picker_action == ADD_PUPIL and (pk := self._posted_pupil(ADD_PUPIL)) in by_id:
            announcement = _("%(name)s has been added.") % {"name": by_id[pk].full_name}
            focus = "search"
        elif self.picker_action == REMOVE_PUPIL:
            removed = queryset.filter(pk=self._posted_pupil(REMOVE_PUPIL)).first()
            if removed is not None:
                announcement = _("%(name)s has been removed.") % {"name": removed.full_name}
            focus = "search"
        elif searched:
            focus = "results" if results else "search"
        return PupilPicker(added, query, results, searched, focus, announcement)


class AmendSignalForm(SignalTextForm):
    reason = text(
        _("Reason for the correction"), _("Why is the entry corrected? The original stays visible."), required=True
    )


class NoteSignalForm(forms.Form):
    reason = text(_("Why is no dossier needed?"), _("The logbook keeps the signal with this reason."), required=True)


class OpenCaseForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Case lead"), queryset=User.objects.none())

    def __init__(self, *args: Any, leads: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "lead").queryset = leads


class ConsultationForm(ConfirmDateMixin):
    confirm_date_after = "held_on"
    held_on = today_field(_("Date"))
    consulted = forms.ChoiceField(label=_("With whom"), choices=Consultation.Consulted.choices)
    consulted_name = forms.CharField(label=_("Name or organisation"), required=False, max_length=200)
    anonymous = forms.BooleanField(
        label=_("Anonymous advice (Veilig Thuis records no data about the family)"), required=False
    )
    question = text(_("Your question"), required=True)
    advice = text(_("The advice"), required=True)
    agreed_actions = text(_("Agreed actions"), _("Who does what, and when."))


class ConversationForm(ConfirmDateMixin):
    confirm_date_after = "held_on"
    held_on = today_field(_("Date"))
    participants = forms.MultipleChoiceField(
        label=_("With whom"), choices=Conversation.Participant.choices, widget=forms.CheckboxSelectMultiple
    )
    participants_detail = forms.CharField(label=_("Names of others present"), required=False, max_length=300)
    face_to_face = forms.BooleanField(label=_("Face to face"), required=False, initial=True)
    location = forms.CharField(label=_("Where"), required=False, max_length=200)
    shared = text(_("What did you share?"), _("The signals and your concern, as you told them."), required=True)
    reaction = text(_("Their reaction"), _("In their own words, as literally as you can."), required=True)
    agreements = text(_("Agreements"))
    acknowledgement = forms.ChoiceField(
        label=_("The parents' acknowledgement of the written report"),
        choices=Conversation.Acknowledgement.choices,
        initial=Conversation.Acknowledgement.NOT_ASKED,
    )


class SkipConversationForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is there no conversation?"),
        choices=[c for c in StepSkip.Reason.choices if c[0] != StepSkip.Reason.ACUTE],
        widget=forms.RadioSelect,
    )
    explanation = text(_("Explanation"), required=True)


# The afwegingskader's five questions in its own words, the same as the guidance beside the forms
# (haven/guidance/content/weighing.md and decision.md; tests/integration/test_decision_wording.py).
DECISION_QUESTIONS = {
    "suspicion": _("1. Do you suspect domestic violence or child abuse?"),
    "unsafety": _("2. Is there (a suspicion of) acute or structural unsafety?"),
    "can_help": _("3. Can the school, with others if need be, offer or organise adequate help to take the risk away?"),
    "accepted": _("4. Do the parents and the pupil accept that help and commit to it?"),
    "effective": _("5. Does the help lead, within the agreed term, to the safety and wellbeing the pupil needs?"),
}


class WeighingForm(forms.Form):
    suspicion = forms.ChoiceField(
        label=DECISION_QUESTIONS["suspicion"],
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("Base your answer on steps 1 to 3."),
    )
    suspicion_explanation = text(_("Explanation of question 1"), required=True)
    unsafety = forms.ChoiceField(
        label=DECISION_QUESTIONS["unsafety"],
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Acute: immediate danger to life or health. Structural: patterns that keep recurring, "
            "or long-lasting unsafety, also after help."
        ),
    )
    unsafety_explanation = text(_("Explanation of question 2"))
    risk_factors = text(_("Risk factors"))
    protective_factors = text(_("Protective factors"))
    safety_score_parents = forms.IntegerField(
        label=_("Safety score given by the parents (1-10)"), min_value=1, max_value=10, required=False
    )
    safety_score_pupil = forms.IntegerField(
        label=_("Safety score given by the pupil (1-10)"), min_value=1, max_value=10, required=False
    )


class AcuteForm(forms.Form):
    explanation = text(
        _("What is the acute danger?"),
        _("The steps not yet taken are recorded as skipped, with this explanation."),
        required=True,
    )


class DecisionForm(ConfirmDateMixin):
    suspicion = forms.ChoiceField(label=DECISION_QUESTIONS["suspicion"], choices=YES_NO_OPEN, required=False)
    unsafety = forms.ChoiceField(label=DECISION_QUESTIONS["unsafety"], choices=YES_NO_OPEN, required=False)
    can_help = forms.ChoiceField(label=DECISION_QUESTIONS["can_help"], choices=YES_NO_OPEN, required=False)
    accepted = forms.ChoiceField(label=DECISION_QUESTIONS["accepted"], choices=YES_NO_OPEN, required=False)
    effective = forms.ChoiceField(
        label=DECISION_QUESTIONS["effective"],
        choices=YES_NO_OPEN,
        required=False,
        help_text=_("Answered later, at the agreed evaluation moments. Leave it open when help is about to start."),
    )
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision._meta.get_field("outcome").choices or ())
    rationale = text(_("Rationale"), _("Why this decision? Refer to the facts in the dossier."), required=True)
    deviation_justification = text(
        _("Why does the decision differ from the framework's advice?"),
        _("Required only when your decision differs from the advice."),
    )
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=User.objects.none())
    decided_at = forms.DateTimeField(
        label=_("Decided at"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )

    ANSWERS = ("suspicion", "unsafety", "can_help", "accepted", "effective")
    confirm_date_after = "decided_at"

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        model_choice_field(self, "decided_by").queryset = staff

    def answers(self) -> dict[str, bool | None]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {name: as_bool(data.get(name)) for name in self.ANSWERS}


class ReportForm(forms.ModelForm):
    """The report, in the order Veilig Thuis asks for it. The labels ask the reporter in their own
    words; the documents show the model's verbose names as headings instead (_report_body.html)."""

    reporter_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    household_contacts_unknown = forms.BooleanField(
        label=_("The contact details of the parents or carers are not known"), required=False
    )
    parents_informed = forms.ChoiceField(
        label=_("Have the parents been told about the report?"),
        choices=[("yes", _("Yes")), ("no", _("No, not yet or not at all"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Reporting is 'open, unless': tell the family, unless that endangers the child or you, "
            "or the relationship of trust."
        ),
    )

    # The parts of the form, each a fieldset with its legend (the documents have the same parts).
    SECTIONS = [
        (_("Reporter"), ["reporter_name", "reporter_function", "reporter_phone", "reporter_email"]),
        (_("School"), ["school_name", "school_address", "relation_to_family"]),
        (_("Pupil and household"), ["pupil_address", "household", "household_contacts", "household_contacts_unknown"]),
        (
            _("The concern"),
            ["direct_cause", "facts", "interpretation", "conversation", "risk_factors", "protective_factors"],
        ),
        (_("Help and risks"), ["help_contacts", "police_contacts", "intervention_risks", "expectations"]),
    ]

    class Meta:
        model = Report
        fields = [
            "reporter_name",
            "reporter_function",
            "reporter_phone",
            "reporter_email",
            "school_name",
            "school_address",
            "relation_to_family",
            "pupil_address",
            "household",
            "household_contacts",
            "household_contacts_unknown",
            "direct_cause",
            "facts",
            "interpretation",
            "conversation",
            "risk_factors",
            "protective_factors",
            "help_contacts",
            "police_contacts",
            "intervention_risks",
            "expectations",
            "parents_informed",
            "parents_informed_how",
            "not_informed_reason",
            "not_informed_explanation",
        ]
        TEXTAREAS = [
            "relation_to_family",
            "household",
            "household_contacts",
            "direct_cause",
            "facts",
            "interpretation",
            "conversation",
            "risk_factors",
            "protective_factors",
            "help_contacts",
            "police_contacts",
            "intervention_risks",
            "expectations",
            "parents_informed_how",
            "not_informed_explanation",
        ]
        # Django copies a widget instance for every form, so one instance may serve many fields.
        widgets = dict.fromkeys(TEXTAREAS, forms.Textarea(attrs={"rows": 3})) | {
            "reporter_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "reporter_function": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "reporter_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "school_name": forms.TextInput(),
            "school_address": forms.Textarea(attrs={"rows": 2}),
            "pupil_address": forms.Textarea(attrs={"rows": 2}),
        }
        # The form asks; the report's headings are the model's verbose names.
        labels = {
            "reporter_name": _("Your name"),
            "reporter_function": _("Your function"),
            "reporter_phone": _("Your phone number"),
            "school_name": _("Name of the school"),
            "school_address": _("Address of the school"),
            "relation_to_family": _("Your relation to the family"),
            "pupil_address": _("Address of the pupil"),
            "household": _("Household composition and ages of the children"),
            "household_contacts": _("Contact details of the parents or carers"),
            "interpretation": _("Your interpretation (kept apart from the facts)"),
            "conversation": _("The conversation with the parents (step 3)"),
            "expectations": _("What do you expect from Veilig Thuis?"),
        }
        help_texts = {
            "reporter_phone": _("A number at which Veilig Thuis can reach you during the day."),
            "pupil_address": _("Street and number, postcode and town. Leave it empty when you do not know it."),
            "household_contacts": _("For each parent or carer: name, phone number and address."),
            "conversation": _("When and with whom you spoke, what you shared and how they reacted; or why not."),
        }
        formfield_callback = limited_text

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.parents_informed is not None:
            self.initial["parents_informed"] = from_bool(self.instance.parents_informed)
        self.initial.setdefault("household_contacts_unknown", bool(self.instance.household_contacts_unknown))

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean_parents_informed(self) -> bool | None:
        return as_bool(self.cleaned_data.get("parents_informed"))

    def clean(self) -> dict[str, Any]:
        # What Veilig Thuis asks first: how to reach the reporter, and the parents (or that nobody
        # knows). Checked here, not in services.save_report: earlier drafts and the seeders' reports
        # predate these parts, and the form is where a person completes them.
        super().clean()
        data = self.cleaned_data
        reachable = data.get("reporter_phone", "").strip() or data.get("reporter_email", "").strip()
        if not reachable and "reporter_email" not in self.errors:
            self.add_error(
                "reporter_phone", _("Give a phone number or an e-mail address at which Veilig Thuis can reach you.")
            )
        contacts = data.get("household_contacts", "").strip()
        if not data.get("household_contacts_unknown") and not contacts and "household_contacts" not in self.errors:
            self.add_error(
                "household_contacts",
                _("Give the contact details of the parents or carers, or tick that they are not known."),
            )
        return data


class ReportMadeForm(ConfirmDateMixin):
    confirm_date_after = "made_on"
    made_on = today_field(_("Date of the report"))
    made_by = forms.ModelChoiceField(label=_("Made by"), queryset=User.objects.none())
    vt_reference = forms.CharField(label=_("Veilig Thuis reference"), required=False, max_length=100)

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "made_by").queryset = staff


class CloseForm(forms.Form):
    # "Nobody recorded why" is Haven's own reason (services.close_case_unrecorded), never a person's.
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[c for c in Closure.Reason.choices if c[0] != Closure.Reason.NOT_RECORDED],
        widget=forms.RadioSelect,
    )
    explanation = text(_("Explanation"), required=True)


class PupilChoiceField(forms.ModelChoiceField):
    """A plain pick list of the school's pupils; the date of birth tells namesakes apart."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} ({date_format(obj.date_of_birth)})"


def pupil_field(label: Any, *, required: bool, empty_label: Any) -> PupilChoiceField:
    return PupilChoiceField(
        label=label,
        queryset=Pupil.objects.none(),
        required=required,
        empty_label=empty_label,
        error_messages={
            "required": _("Choose the pupil."),
            # Also what a posted id of another school's pupil gets: it is not in the list.
            "invalid_choice": _("This pupil is not a pupil of your school."),
        },
    )


class AdviceRequestForm(ConfirmDateMixin):
    """An advice request to Veilig Thuis without a dossier: a few fields, recorded in seconds."""

    confirm_date_after = "held_on"
    held_on = today_field(_("Date"))
    anonymous = forms.ChoiceField(
        label=_("Was the advice anonymous?"),
        choices=YES_NO,
        initial="yes",
        widget=forms.RadioSelect,
        help_text=_("Anonymous: Veilig Thuis records no data about the family."),
    )
    question = text(_("Your question"), required=True)
    advice = text(_("The advice"), required=True)
    pupil = pupil_field(_("Pupil (optional)"), required=False, empty_label=_("No pupil: a question about a situation"))

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pupil").queryset = pupils

    def clean_anonymous(self) -> bool:
        return self.cleaned_data["anonymous"] == "yes"


class ReopenForm(forms.Form):
    reason = text(_("Why is the dossier reopened?"), required=True)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())

    def __init__(self, *args: Any, staff: QuerySet[User], label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "user").queryset = staff
        if label:
            self.fields["user"].label = label


class PlanConversationForm(forms.Form):
    planned_at = forms.DateTimeField(
        label=_("Date and time"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    participants = forms.MultipleChoiceField(
        label=_("With whom"), choices=Conversation.Participant.choices, widget=forms.CheckboxSelectMultiple
    )
    location = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=200,
        help_text=_("Face to face, at a quiet and safe place; not by phone."),
    )
