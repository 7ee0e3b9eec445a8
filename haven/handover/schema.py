"""The handover package as data: schema "haven.handover/3" (documented in docs/handover-package.md).

`build` writes a dossier's chosen parts as a JSON-ready dict; `decode` turns an uploaded file into
JSON data within fixed bounds (size, nesting depth, length of numbers) without ever recursing
deeper than those bounds; `parse` reads the data, strictly: the schema version, every required
field, every type, every code, every length and count and every date's range are checked, and
anything unknown is refused, with messages that name the field ("signals[2].facts").
`parse(build(...))` always succeeds (the export checks this before it offers a package), so what
one Haven writes, another Haven reads. The signature is checked by `haven.handover.signing`.
Pure data handling: no database writes here.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from haven.meldcode.models import Case, Consultation, Conversation, Report, Signal, StepSkip
from haven.meldcode.workflow import DecisionOutcome

SCHEMA = "haven.handover/3"
# Version 1 had no signature; its packages cannot show where they come from.
UNSIGNED_SCHEMAS = ("haven.handover/1",)
# Version 2 named the receiving school only as free text: any school could import its packages.
UNADDRESSED_SCHEMAS = ("haven.handover/2",)
PARTS = ("signals", "consultations", "conversations", "weighing", "decisions", "reports")
# The key under which each part's records travel.
PART_KEYS = {
    "signals": "signals",
    "consultations": "consultations",
    "conversations": "conversations",
    "weighing": "weighings",
    "decisions": "decisions",
    "reports": "reports",
}
# A skipped step goes along with the part of that step.
SKIP_PARTS = {2: "consultations", 3: "conversations", 4: "weighing"}
MAX_TEXT = 20_000
MAX_ERRORS = 10
MAX_PACKAGE_BYTES = 2 * 1024 * 1024
# The package is four levels deep (package, list of records, record, list of codes); the rest is room.
MAX_DEPTH = 6
MAX_NUMBER_LENGTH = 20
# Records of one kind in one package: far above any real dossier, far below what hurts the import.
MAX_RECORDS = 500
# Nothing in a meldcode dossier happened before this; and Python's date arithmetic ends in year 1.
EARLIEST = date(1900, 1, 1)
ADVICE = ("report", "help", "close", "pending")
REPORT_TEXTS = (
    "relation_to_family",
    "direct_cause",
    "facts",
    "interpretation",
    "risk_factors",
    "protective_factors",
    "household",
    "help_contacts",
    "police_contacts",
    "intervention_risks",
    "expectations",
)
REQUIRED_REPORT_TEXTS = ("relation_to_family", "direct_cause", "facts", "household", "expectations")


# Writing ------------------------------------------------------------------------------------------


def _moment(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def build(
    case: Case,
    *,
    parts: list[str],
    made_at: datetime,
    made_by: str,
    receiving_school: str,
    receiving_school_brin: str,
    parents_informed: bool,
    parents_informed_how: str,
    not_informed_reason: str,
) -> dict[str, Any]:
    """The package of `case` with the chosen `parts`, as the dossier stood at `made_at`.

    `case` must come with its records prefetched (`haven.meldcode.queries.read_dossier(case).prefetched_case()`).
    """
    pupil, school = case.pupil, case.school
    chosen = [p for p in PARTS if p in parts]

    def before(moment: datetime | None) -> bool:
        return moment is None or moment <= made_at

    data: dict[str, Any] = {
        "schema": SCHEMA,
        "date": timezone.localdate(made_at).isoformat(),
        "created_at": _moment(made_at),
        "sending_school": {"name": school.name, "brin": school.brin_code},
        "receiving_school": {"name": receiving_school, "brin": receiving_school_brin},
        "prepared_by": made_by,
        "pupil": {
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "date_of_birth": pupil.date_of_birth.isoformat(),
        },
        "dossier": {
            "number": case.pk,
            "opened_on": timezone.localdate(case.opened_at).isoformat(),
            "status": case.status,
            "acute": case.acute,
        },
        "parents": {
            "informed": parents_informed,
            "how": parents_informed_how if parents_informed else "",
            "reason_not_informed": "" if parents_informed else not_informed_reason,
        },
        "parts": chosen,
        "skipped_steps": [
            {
                "step": skip.step,
                "reason": skip.reason,
                "explanation": skip.explanation,
                "recorded_at": _moment(skip.recorded_at),
                "recorded_by": _name(skip.recorded_by),
            }
            for skip in case.stepskips.all()
            if SKIP_PARTS.get(skip.step) in chosen and before(skip.recorded_at)
        ],
    }
    if "signals" in chosen:
        data["signals"] = []
        for signal in case.signals.all():
            if not before(signal.created_at):
                continue
            amendments = [a for a in signal.amendments.all() if before(a.created_at)]
            source: Any = amendments[-1] if amendments else signal
            data["signals"].append(
                {
                    "observed_at": _moment(signal.observed_at),
                    "source": signal.source,
                    "categories": list(signal.categories),
                    **{name: getattr(source, name) for name in Signal.TEXT_FIELDS},
                    "corrected": bool(amendments),
                    "logged_by": _name(signal.author),
                }
            )
    if "consultations" in chosen:
        data["consultations"] = [
            {
                "held_on": c.held_on.isoformat(),
                "consulted": c.consulted,
                "consulted_name": c.consulted_name,
                "anonymous": c.anonymous,
                "question": c.question,
                "advice": c.advice,
                "agreed_actions": c.agreed_actions,
                "recorded_by": _name(c.recorded_by),
            }
            for c in case.consultations.all()
            if before(c.recorded_at)
        ]
    if "conversations" in chosen:
        data["conversations"] = [
            {
                "held_on": c.held_on.isoformat(),
                "participants": list(c.participants),
                "participants_detail": c.participants_detail,
                "face_to_face": c.face_to_face,
                "location": c.location,
                "shared": c.shared,
                "reaction": c.reaction,
                "agreements": c.agreements,
                "acknowledgement": c.acknowledgement,
                "recorded_by": _name(c.recorded_by),
            }
            for c in case.conversations.all()
            if before(c.recorded_at)
        ]
    if "weighing" in chosen:
        data["weighings"] = [
            {
                "recorded_at": _moment(w.recorded_at),
                "suspicion": w.suspicion,
                "suspicion_explanation": w.suspicion_explanation,
                "unsafety": w.unsafety,
                "unsafety_explanation": w.unsafety_explanation,
                "risk_factors": w.risk_factors,
                "protective_factors": w.protective_factors,
                "safety_score_parents": w.safety_score_parents,
                "safety_score_pupil": w.safety_score_pupil,
                "recorded_by": _name(w.recorded_by),
            }
            for w in case.weighings.all()
            if before(w.recorded_at)
        ]
    if "decisions" in chosen:
        data["decisions"] = [
            {
                "decided_at": _moment(d.decided_at),
                "answers": {name: getattr(d, name) for name in ANSWERS},
                "advice": d.advice,
                "outcome": d.outcome,
                "rationale": d.rationale,
                "deviation_justification": d.deviation_justification,
                "recorded_by": _name(d.recorded_by),
            }
            for d in case.decisions.all()
            if before(d.recorded_at)
        ]
    if "reports" in chosen:
        data["reports"] = [
            {
                "recorded_at": _moment(r.recorded_at),
                **{name: getattr(r, name) for name in REPORT_TEXTS},
                "parents_informed": r.parents_informed,
                "parents_informed_how": r.parents_informed_how,
                "not_informed_reason": r.not_informed_reason,
                "not_informed_explanation": r.not_informed_explanation,
                "made_on": r.made_on.isoformat() if r.made_on and before(r.updated_at) else None,
                "made_by": _name(r.made_by) if r.made_on and before(r.updated_at) else "",
                "vt_reference": r.vt_reference if before(r.updated_at) else "",
            }
            for r in case.reports.all()
            if before(r.recorded_at)
        ]
    return data


ANSWERS = ("suspicion", "unsafety", "can_help", "accepted", "effective")


# Reading ------------------------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        if len(self.messages) < MAX_ERRORS:
            self.messages.append(message)


Check = Callable[[Any, str, _Errors], Any]


# Control characters (a database cannot store NUL) and halves of UTF-16 pairs (not encodable) are no text.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _text(*, required: bool = False, max_length: int = MAX_TEXT) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(value, str):
            errors.add(_("%(field)s must be text.") % {"field": path})
        elif len(value) > max_length:
            errors.add(_("%(field)s is too long (at most %(max)s characters).") % {"field": path, "max": max_length})
        elif _NOT_TEXT.search(value):
            errors.add(_("%(field)s holds characters that are not text.") % {"field": path})
        elif required and not value.strip():
            errors.add(_("%(field)s may not be empty.") % {"field": path})
        else:
            return value.strip()
        return None

    return check


_BRIN = re.compile(r"[0-9A-Za-z]{4,6}")


def _brin(value: Any, path: str, errors: _Errors) -> Any:
    if not isinstance(value, str) or not _BRIN.fullmatch(value.strip()):
        errors.add(_("%(field)s must be a BRIN code (4 to 6 letters and digits).") % {"field": path})
        return None
    return value.strip().upper()


def _code(choices: tuple[str, ...] | list[str], *, blank: bool = False) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if blank and value == "":
            return ""
        if not isinstance(value, str) or value not in choices:
            errors.add(
                _("%(field)s has a value Haven does not know: %(value)s.") % {"field": path, "value": repr(value)[:40]}
            )
            return None
        return value

    return check


def _codes(choices: tuple[str, ...] | list[str], *, required: bool = True) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(value, list):
            errors.add(_("%(field)s must be a list.") % {"field": path})
            return None
        if len(value) > len(choices):
            errors.add(_("%(field)s names a value twice.") % {"field": path})
            return None
        if required and not value:
            errors.add(_("%(field)s may not be empty.") % {"field": path})
            return None
        if len(set(map(repr, value))) != len(value):
            errors.add(_("%(field)s names a value twice.") % {"field": path})
            return None
        result = [_code(choices)(item, f"{path}[{index}]", errors) for index, item in enumerate(value)]
        return None if None in result else result

    return check


def _bool(*, nullable: bool = False) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, bool):
            if nullable:
                errors.add(_("%(field)s must be true, false or null.") % {"field": path})
            else:
                errors.add(_("%(field)s must be true or false.") % {"field": path})
            return None
        return value

    return check


def _integer(low: int, high: int, *, nullable: bool = False) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors.add(
                _("%(field)s must be a whole number from %(low)s to %(high)s.")
                % {"field": path, "low": low, "high": high}
            )
            return None
        return value

    return check


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(*, nullable: bool = False, past: bool = False) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if value is None and nullable:
            return None
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and _DATE.fullmatch(value) else None
        except ValueError:
            day = None
        if day is None:
            errors.add(_("%(field)s must be a date written as YYYY-MM-DD.") % {"field": path})
            return None
        today = timezone.localdate()
        if day > today or (past and day >= today):
            errors.add(_("%(field)s lies in the future.") % {"field": path})
            return None
        if day < EARLIEST:
            errors.add(_("%(field)s lies before 1900.") % {"field": path})
            return None
        return day

    return check


def _moment_check(value: Any, path: str, errors: _Errors) -> Any:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors.add(
            _("%(field)s must be a moment written as YYYY-MM-DDTHH:MM:SS with its offset from UTC (+01:00).")
            % {"field": path}
        )
        return None
    # By the year first: converting a moment at the edge of the calendar (year 1 or 9999) to UTC overflows.
    now = timezone.now()
    if moment.year > now.year or moment > now + timedelta(minutes=5):
        errors.add(_("%(field)s lies in the future.") % {"field": path})
        return None
    if moment.year < EARLIEST.year:
        errors.add(_("%(field)s lies before 1900.") % {"field": path})
        return None
    return moment


def _object(spec: dict[str, Check]) -> Check:
    def check(value: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(value, dict):
            errors.add(_("%(field)s must be an object ({...}).") % {"field": path or _("The package")})
            return None
        unknown = sorted(set(value) - set(spec))
        if unknown:
            errors.add(
                _("%(field)s holds fields Haven does not know: %(names)s.")
                % {"field": path or _("The package"), "names": ", ".join(map(str, unknown))[:200]}
            )
        result = {}
        for name, item_check in spec.items():
            item_path = f"{path}.{name}" if path else name
            if name not in value:
                errors.add(_("%(field)s is missing.") % {"field": item_path})
                continue
            result[name] = item_check(value[name], item_path, errors)
        return result

    return check


def _list(spec: dict[str, Check], *, max_length: int = MAX_RECORDS) -> Check:
    item = _object(spec)

    def check(value: Any, path: str, errors: _Errors) -> Any:
        if not isinstance(value, list):
            errors.add(_("%(field)s must be a list.") % {"field": path})
            return None
        if len(value) > max_length:
            errors.add(_("%(field)s holds too many records (at most %(max)s).") % {"field": path, "max": max_length})
            return None
        return [item(entry, f"{path}[{index}]", errors) for index, entry in enumerate(value)]

    return check


NAME = _text(max_length=200)
RECORDS: dict[str, dict[str, Check]] = {
    "signals": {
        "observed_at": _moment_check,
        "source": _code(Signal.Source.values),
        "categories": _codes(Signal.Category.values),
        "facts": _text(required=True),
        "child_words": _text(),
        "interpretation": _text(),
        "context": _text(),
        "contradicting_info": _text(),
        "corrected": _bool(),
        "logged_by": NAME,
    },
    "consultations": {
        "held_on": _date(),
        "consulted": _code(Consultation.Consulted.values),
        "consulted_name": _text(max_length=200),
        "anonymous": _bool(),
        "question": _text(required=True),
        "advice": _text(required=True),
        "agreed_actions": _text(),
        "recorded_by": NAME,
    },
    "conversations": {
        "held_on": _date(),
        "participants": _codes(Conversation.Participant.values),
        "participants_detail": _text(max_length=300),
        "face_to_face": _bool(),
        "location": _text(max_length=200),
        "shared": _text(required=True),
        "reaction": _text(required=True),
        "agreements": _text(),
        "acknowledgement": _code(Conversation.Acknowledgement.values),
        "recorded_by": NAME,
    },
    "weighings": {
        "recorded_at": _moment_check,
        "suspicion": _bool(),
        "suspicion_explanation": _text(required=True),
        "unsafety": _bool(nullable=True),
        "unsafety_explanation": _text(),
        "risk_factors": _text(),
        "protective_factors": _text(),
        "safety_score_parents": _integer(1, 10, nullable=True),
        "safety_score_pupil": _integer(1, 10, nullable=True),
        "recorded_by": NAME,
    },
    "decisions": {
        "decided_at": _moment_check,
        "answers": _object({name: _bool(nullable=True) for name in ANSWERS}),
        "advice": _code(ADVICE),
        "outcome": _code([o.value for o in DecisionOutcome]),
        "rationale": _text(required=True),
        "deviation_justification": _text(),
        "recorded_by": NAME,
    },
    "reports": {
        "recorded_at": _moment_check,
        **{name: _text(required=name in REQUIRED_REPORT_TEXTS) for name in REPORT_TEXTS},
        "parents_informed": _bool(nullable=True),
        "parents_informed_how": _text(),
        "not_informed_reason": _code(Report.NotInformedReason.values, blank=True),
        "not_informed_explanation": _text(),
        "made_on": _date(nullable=True),
        "made_by": NAME,
        "vt_reference": _text(max_length=100),
    },
}
ENVELOPE: dict[str, Check] = {
    "schema": _code([SCHEMA]),
    "date": _date(),
    "created_at": _moment_check,
    "sending_school": _object({"name": _text(required=True, max_length=200), "brin": _brin}),
    "receiving_school": _object({"name": _text(max_length=200), "brin": _brin}),
    "prepared_by": NAME,
    "pupil": _object(
        {
            "first_name": _text(required=True, max_length=100),
            "last_name": _text(required=True, max_length=100),
            "date_of_birth": _date(past=True),
        }
    ),
    "dossier": _object(
        {
            "number": _integer(1, 2**63 - 1),
            "opened_on": _date(),
            "status": _code(Case.Status.values),
            "acute": _bool(),
        }
    ),
    "parents": _object({"informed": _bool(), "how": _text(), "reason_not_informed": _text()}),
    "parts": _codes(PARTS),
    "skipped_steps": _list(
        {
            "step": _integer(2, 4),
            "reason": _code(StepSkip.Reason.values),
            "explanation": _text(required=True),
            "recorded_at": _moment_check,
            "recorded_by": NAME,
        },
        max_length=len(SKIP_PARTS),
    ),
    # Checked for its shape here; whether it is right, by haven.handover.signing.verify.
    "signature": _object(
        {"algorithm": _code(["ed25519"]), "key": _text(max_length=100), "value": _text(max_length=200)}
    ),
}


@dataclass
class Package:
    """A package as read: the fields of the schema with Python values (dates, moments, booleans)."""

    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def parts(self) -> list[str]:
        return list(self.data["parts"])

    def records(self, part: str) -> list[dict[str, Any]]:
        return list(self.data.get(PART_KEYS[part], []))


class _Refused(ValueError):
    """Raised from inside the JSON decoder, which passes it on unchanged."""


def _integer_text(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_LENGTH:
        raise _Refused(text)
    return int(text)


def _float_text(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH * 2:
        raise _Refused(text)
    return float(text)


def _constant(text: str) -> Any:
    raise _Refused(text)  # NaN and Infinity are not JSON


def _too_deep(text: str, limit: int) -> bool:
    """Whether the brackets of `text` nest deeper than `limit`: one pass over the characters, no
    recursion and no backtracking (brackets inside strings do not count; a backslash in a string
    escapes the next character). Malformed JSON is left to the decoder."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def decode(content: bytes) -> Any:
    """The JSON data of an uploaded package, within bounds; ValidationError (Dutch) otherwise."""
    not_json = _("The file is not a JSON file. Upload the .json file of the handover package.")
    if len(content) > MAX_PACKAGE_BYTES:
        raise ValidationError(_("The file is too large for a handover package (at most 2 MB)."))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(not_json) from error
    # Before decoding: Python's decoder recurses once per level and would give up with an error.
    if _too_deep(text, MAX_DEPTH):
        raise ValidationError(
            _("The file is nested too deeply for a handover package (at most %(max)s levels).") % {"max": MAX_DEPTH}
        )
    try:
        return json.loads(text, parse_int=_integer_text, parse_float=_float_text, parse_constant=_constant)
    except _Refused as error:
        raise ValidationError(
            _("The file holds a number that is too long for a handover package (at most %(max)s digits).")
            % {"max": MAX_NUMBER_LENGTH}
        ) from error
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValidationError(not_json) from error


def _dates(value: Any, path: str) -> list[tuple[str, date]]:
    """Every date and moment in the parsed `value`, with where it is (the data is at most MAX_DEPTH deep)."""
    if isinstance(value, datetime):
        return [(path, timezone.localdate(value))]
    if isinstance(value, date):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for name, item in value.items() for found in _dates(item, f"{path}.{name}" if path else name)]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _dates(item, f"{path}[{index}]")]
    return []


def check_version(raw: Any) -> None:
    """Refuse what is not a package of the version Haven reads, with one message saying why."""
    if not isinstance(raw, dict):
        raise ValidationError(_("This is not a Haven handover package: the file holds no JSON object."))
    if raw.get("schema") in UNSIGNED_SCHEMAS:
        raise ValidationError(
            _(
                "This package was made by an older version of Haven, without a signature, so Haven cannot check "
                "where it comes from. Ask the sending school to make the package again."
            )
        )
    if raw.get("schema") in UNADDRESSED_SCHEMAS:
        raise ValidationError(
            _(
                "This package was made by an older version of Haven, which did not record for which school it is "
                "meant, so any school could import it. Ask the sending school to make the package again."
            )
        )
    if raw.get("schema") != SCHEMA:
        raise ValidationError(
            _('This is not a Haven handover package of a version Haven reads: "schema" must be "%(schema)s".')
            % {"schema": SCHEMA}
        )


def parse(raw: Any) -> Package:
    """Read a package (already decoded from JSON). Raises ValidationError listing what is wrong."""
    errors = _Errors()
    check_version(raw)
    parts = raw.get("parts")
    chosen = [p for p in parts if p in PARTS] if isinstance(parts, list) else []
    spec = dict(ENVELOPE)
    for part in chosen:
        spec[PART_KEYS[part]] = _list(RECORDS[PART_KEYS[part]])
    data = _object(spec)(raw, "", errors)
    if data and isinstance(data.get("parents"), dict):
        parents = data["parents"]
        if parents.get("informed") is True and not parents.get("how"):
            errors.add(_("parents.how may not be empty when the parents were informed."))
        if parents.get("informed") is False and not parents.get("reason_not_informed"):
            errors.add(_("parents.reason_not_informed may not be empty when the parents were not informed."))
    for index, skip in enumerate((data or {}).get("skipped_steps") or []):
        if skip and skip.get("step") is not None and SKIP_PARTS.get(skip["step"]) not in chosen:
            errors.add(_("skipped_steps[%(index)s] belongs to a part that is not in the package.") % {"index": index})
    steps = [s.get("step") for s in (data or {}).get("skipped_steps") or [] if s]
    if len(steps) != len(set(steps)):
        errors.add(_("skipped_steps names a step twice."))
    born = ((data or {}).get("pupil") or {}).get("date_of_birth")
    if born is not None:
        for path, day in _dates({k: v for k, v in data.items() if k != "pupil"}, ""):
            if day < born:
                errors.add(_("%(field)s lies before the pupil's date of birth.") % {"field": path})
    if errors.messages:
        raise ValidationError(errors.messages)
    return Package(data or {})


def _report_column(name: str) -> "models.Field[Any, Any]":
    """A column of the report (`get_field` is typed to return reverse relations too)."""
    field = Report._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def for_display(package: Package) -> dict[str, Any]:
    """The package with a readable label beside every code, for the PDF (the data stays as read)."""
    from haven.handover.models import HandoverPackage
    from haven.meldcode.models import Decision

    def label(choices: Any, code: Any) -> str:
        return str(dict(choices).get(code, code or ""))

    data = dict(package.data)
    data["part_labels"] = [label(HandoverPackage.Part.choices, p) for p in package.parts]
    data["dossier"] = dict(data["dossier"], status_label=label(Case.Status.choices, data["dossier"]["status"]))
    data["skipped_steps"] = [
        dict(s, reason_label=label(StepSkip.Reason.choices, s["reason"])) for s in data["skipped_steps"]
    ]
    data["signals"] = [
        dict(
            s,
            source_label=label(Signal.Source.choices, s["source"]),
            category_labels=[label(Signal.Category.choices, c) for c in s["categories"]],
        )
        for s in data.get("signals", [])
    ]
    data["consultations"] = [
        dict(c, consulted_label=label(Consultation.Consulted.choices, c["consulted"]))
        for c in data.get("consultations", [])
    ]
    data["conversations"] = [
        dict(
            c,
            participant_labels=[label(Conversation.Participant.choices, p) for p in c["participants"]],
            acknowledgement_label=label(Conversation.Acknowledgement.choices, c["acknowledgement"]),
        )
        for c in data.get("conversations", [])
    ]
    outcomes = Decision._meta.get_field("outcome").choices
    data["decisions"] = [dict(d, outcome_label=label(outcomes, d["outcome"])) for d in data.get("decisions", [])]
    data["reports"] = [
        dict(
            r,
            not_informed_label=label(Report.NotInformedReason.choices, r["not_informed_reason"]),
            fields=[
                (capfirst(_report_column(name).verbose_name), r[name], name == "interpretation")
                for name in REPORT_TEXTS
                if r[name]
            ],
        )
        for r in data.get("reports", [])
    ]
    data.setdefault("weighings", [])
    return data
