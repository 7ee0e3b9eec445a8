"""Optimistic locking of records that people edit in place: a second save never silently wins.

Every such record has an integer `version`. The edit form carries, in one signed hidden field,
the version the user saw and a fingerprint of every value the form showed. The service claims
the record inside its transaction with `claim()`: one UPDATE that bumps the version only when it
is still the one the user saw. On PostgreSQL that UPDATE holds the row lock until the transaction
ends, so a concurrent claim waits and then finds the version moved; SQLite's IMMEDIATE
transactions serialise writers. A refused claim raises `EditConflict` (a ValidationError), the
transaction rolls back and nothing is written, the audit log included: nothing changed and no
access was denied.

The view then calls `explain()`, which compares the fingerprints the user saw with the record as
it is now, and puts on the form which fields (by their labels) now hold which values, and who
saved them when (from the audit event of that save). The user's input stays in the bound form,
and the hidden field now carries the current version: saving again, after reading the message,
is a deliberate overwrite.

A form without the hidden field (a client that is not the browser form) is not checked.
"""

import hashlib
import json
from typing import Any, TypeVar

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from haven.audit.models import AuditEvent

TOKEN_FIELD = "edit_token"
_SALT = "haven.infrastructure.concurrency"
# A long narrative value is shortened in the message; the form below it shows the user's own text.
_SHOWN_CHARACTERS = 300


class EditConflict(ValidationError):
    """The record changed since the user opened the form; nothing was saved."""

    def __init__(self, record: models.Model | None) -> None:
        super().__init__(_("Someone else saved this while you were editing it."), code="edit_conflict")
        self.record = record


def claim(model: type[models.Model], pk: Any, seen_version: int | None) -> int:
    """Bump the record's version, in the caller's transaction, if it is still `seen_version`.

    Returns the new version, to set on the instance the caller saves (so its save writes the same
    value back). `seen_version=None` (a caller without a form: the seeder, an import) bumps
    without checking, so an open form elsewhere still notices the change.
    """
    rows = model._default_manager.filter(pk=pk)
    if seen_version is not None:
        rows = rows.filter(version=seen_version)
    if rows.update(version=F("version") + 1) != 1:
        raise EditConflict(model._default_manager.filter(pk=pk).first())
    version: int = model._default_manager.filter(pk=pk).values_list("version", flat=True).get()
    return version


def refuse_if_created(existing: models.Model | None, seen_version: int | None) -> None:
    """For a record created on first save (version 0 = "there was none"): refuse when the user saw
    none but one exists now. The caller serialises creation by locking the parent row first."""
    if existing is not None and seen_version == 0:
        raise EditConflict(existing)


def _normalise(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(_normalise(item)) for item in value)
    if value is None or value == "":
        return ""
    return str(value)


def _fingerprints(form: forms.BaseForm) -> dict[str, str]:
    """A short hash of each value the (unbound) form shows: what changed, without the values."""
    return {
        name: hashlib.sha256(json.dumps(_normalise(form[name].value())).encode()).hexdigest()[:16]
        for name in form.fields
        if name != TOKEN_FIELD
    }


_FormT = TypeVar("_FormT", bound=forms.BaseForm)


def track(form: _FormT, version: int) -> _FormT:
    """Add the hidden field with the version and the fingerprints of the values shown."""
    form.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
    if not form.is_bound:
        form.initial[TOKEN_FIELD] = signing.dumps({"v": version, "f": _fingerprints(form)}, salt=_SALT)
    return form


def _seen(form: forms.BaseForm) -> dict[str, Any] | None:
    token = form.data.get(TOKEN_FIELD) if form.is_bound else None
    if not token:
        return None
    try:
        seen: dict[str, Any] = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return seen


def seen_version(form: forms.BaseForm) -> int | None:
    """The version the user saw, or None when the form carries none (no check)."""
    seen = _seen(form)
    return int(seen["v"]) if seen else None


def submitted(form: forms.BaseForm) -> dict[str, Any]:
    """The valid form's values for the service: its fields without the hidden one, plus `seen_version`."""
    values = {name: value for name, value in form.cleaned_data.items() if name != TOKEN_FIELD}
    values["seen_version"] = seen_version(form)
    return values


def _display(field: forms.BoundField) -> str:
    value = field.value()
    choices = getattr(field.field, "choices", None)
    if choices is not None:
        labels = {str(key): str(label) for key, label in choices if str(key) != ""}
        values = value if isinstance(value, list | tuple) else [value]
        shown = [labels.get(str(item), str(item)) for item in values if item not in (None, "")]
        return ", ".join(shown) if shown else _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == "":
        return _("(empty)")
    if hasattr(value, "isoformat"):
        return str(formats.date_format(value, "SHORT_DATE_FORMAT"))
    return Truncator(str(value)).chars(_SHOWN_CHARACTERS)


def _last_save(record: models.Model | None) -> tuple[str, str] | None:
    """Who made the last recorded change to the record, and when (from its audit event)."""
    if record is None:
        return None
    event = (
        AuditEvent.objects.filter(object_type=record._meta.model_name, object_id=record.pk, kind=AuditEvent.Kind.CHANGE)
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if event is None:
        return None
    who = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _("the system")
    when = formats.date_format(timezone.localtime(event.at), "DATETIME_FORMAT")
    return who, str(when)


def explain(form: forms.BaseForm, current: forms.BaseForm, conflict: EditConflict) -> list[str]:
    """Put on `form` what changed since the user opened it, shown as it is now in `current` (an
    unbound, tracked form of the record as it is now); return the names of the changed fields.

    The user's input stays in `form`; its hidden field now carries the current version.
    """
    seen = _seen(form) or {}
    seen_prints = seen.get("f", {})
    now_prints = _fingerprints(current)
    changed = [name for name in current.fields if name != TOKEN_FIELD and seen_prints.get(name) != now_prints[name]]
    saved = _last_save(conflict.record)
    if saved is not None:
        head = _("%(who)s saved this on %(when)s, while you were editing it. Your changes have not been saved.") % {
            "who": saved[0],
            "when": saved[1],
        }
    else:
        head = _("Someone else saved this while you were editing it. Your changes have not been saved.")
    lines = [head]
    if changed:
        lines.append(_("What has changed since you opened this page:"))
        lines += [
            _("%(field)s is now: %(value)s") % {"field": current[name].label, "value": _display(current[name])}
            for name in changed
        ]
    else:
        lines.append(_("None of the fields on this page changed; other details of this record did."))
    lines.append(_("Your input is still below. Check it and save again to replace what is there now."))
    form.add_error(None, lines)
    # The form shows the user's input with the current version: saving again is a deliberate choice.
    data = QueryDict(mutable=True)
    for key in form.data:
        data.setlist(key, form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data[key]])
    data[TOKEN_FIELD] = current.initial[TOKEN_FIELD]
    form.data = data
    return changed
