"""Forms of this app. They parse input; the rules live in services.py."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.external_signals.models import ReferralIndexEntry
from haven.infrastructure.forms import model_choice_field
from haven.meldcode.forms import ConfirmDateMixin, DateInput, pupil_field
from haven.pupils.models import Pupil


class PoliceNoticeForm(ConfirmDateMixin):
    confirm_date_after = "notice_date"
    pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the pupil first."),
            "invalid_choice": _("This pupil is not a pupil of your school."),
        },
    )
    notice_date = forms.DateField(
        label=_("Date of the police notice"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("Usually today: the police tell the school the morning after the incident."),
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pupil").queryset = pupils


class ReferralIndexForm(ConfirmDateMixin):
    confirm_date_after = "on"
    action = forms.ChoiceField(
        label=_("What did the school do?"), choices=ReferralIndexEntry.Action.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())


class ReferralIndexWithoutCaseForm(ConfirmDateMixin):
    """A verwijsindex signal without a dossier: which pupil, placed or ended, when."""

    confirm_date_after = "on"

    pupil = pupil_field(_("Pupil"), required=True, empty_label=_("Choose a pupil"))
    action = forms.ChoiceField(
        label=_("What did the school do?"),
        choices=ReferralIndexEntry.Action.choices,
        initial=ReferralIndexEntry.Action.PLACED,
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pupil").queryset = pupils


class MatchPoliceNoticeForm(forms.Form):
    """Which pupil a police notice from outside is about, when Haven could not tell."""

    pupil = pupil_field(_("Pupil"), required=True, empty_label=_("Choose a pupil"))

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pupil").queryset = pupils
