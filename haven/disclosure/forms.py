"""The AF's choices on the prepare page: one pair of fields (withhold, reason) per item."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.disclosure.services import REASON_MAX_LENGTH


def _reason_field(help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class DisclosureForm(forms.Form):
    state = forms.CharField(widget=forms.HiddenInput, max_length=200)
    withhold_reporter = forms.BooleanField(
        label=_("Withhold the identity of the person who raised the concern"),
        required=False,
        help_text=_(
            "Replaces the names of the staff who logged signals, and the source of every signal, throughout "
            "the overview. Names written in the texts themselves are not found: withhold those items too."
        ),
    )
    reporter_reason = _reason_field(_("Shown to the parents in place of what is withheld."))

    def __init__(self, *args: Any, item_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_ids = item_ids
        for item in item_ids:
            self.fields[f"withhold_{item}"] = forms.BooleanField(
                label=_("Withhold third-party information"), required=False
            )
            self.fields[f"reason_{item}"] = _reason_field()

    def pairs(self) -> list[tuple[str, str]]:
        """(withhold field, reason field) names: the reporter's identity, then each item."""
        return [("withhold_reporter", "reporter_reason")] + [(f"withhold_{i}", f"reason_{i}") for i in self.item_ids]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for withhold, reason in self.pairs():
            if cleaned.get(withhold) and not cleaned.get(reason, "").strip():
                self.add_error(reason, _("Give the reason this is withheld."))
            elif cleaned.get(reason, "").strip() and not cleaned.get(withhold):
                # A reason without the tick is most likely a forgotten tick: never show it by mistake.
                self.add_error(withhold, _("Tick this box to withhold it, or remove the reason."))
        return cleaned

    def withheld(self) -> dict[str, str]:
        return {
            item: self.cleaned_data[f"reason_{item}"]
            for item in self.item_ids
            if self.cleaned_data.get(f"withhold_{item}")
        }
