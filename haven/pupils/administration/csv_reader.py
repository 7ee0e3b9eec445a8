"""A CSV export of the school's administration (Somtoday, Magister, a spreadsheet), read with the
column mapping the functional administrator saved for the school.

The encoding is sniffed: UTF-8 with or without a byte order mark, else Windows-1252 (what Excel
writes on Dutch Windows). The delimiter too: semicolon, comma, tab or bar. The first row holds the
column names. Every bad row becomes a rejected row with the reason in Dutch; a file without a
mapped column is refused as a whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.pupils.administration.records import (
    MAX_FILE_BYTES,
    FileRefused,
    Incoming,
    IncomingGroup,
    IncomingPupil,
    Rejected,
    school_year_of,
)
from haven.pupils.dates import birth_date_problem

# Haven's fields, in the mapping form's order: (field, label, required, the column names a guess starts from).
if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

FIELDS: tuple[tuple[str, _StrPromise, bool, tuple[str, ...]], ...] = (
    ("key", gettext_lazy("Key (pupil number)"), True, ("leerlingnummer", "leerling id", "id", "key", "sleutel")),
    ("first_name", gettext_lazy("First name"), True, ("roepnaam", "voornaam", "first name")),
    ("prefix", gettext_lazy("Tussenvoegsel"), False, ("tussenvoegsel", "voorvoegsel", "tussenvoegsels")),
    ("last_name", gettext_lazy("Surname"), True, ("achternaam", "last name", "surname")),
    ("date_of_birth", gettext_lazy("Date of birth"), True, ("geboortedatum", "date of birth")),
    ("group", gettext_lazy("Group"), False, ("groep", "stamgroep", "klas", "group")),
)
REQUIRED = tuple(name for name, _label, required, _guess in FIELDS if required)
DELIMITERS = ";,\t|"
DATE_NL = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def decode(data: bytes) -> str:
    """The text of the file: UTF-8 (with or without BOM), else Windows-1252; refused otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_("The file is saved as UTF-16. Save it as CSV in UTF-8 and upload it again."))
    if b"\x00" in data[:4096]:
        raise FileRefused(_("This is not a text file. Upload the CSV export of the administration."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            _("The characters of the file cannot be read (neither UTF-8 nor Windows-1252). Save it as UTF-8.")
        ) from None


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_headers(data: bytes) -> list[str]:
    """The column names in the first row (for the mapping form)."""
    text = decode(data[:65536])
    first = text.splitlines()[0] if text else ""
    return [h.strip() for h in next(csv.reader([first], delimiter=sniff_delimiter(first)), [])]


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """A first mapping from the usual Dutch column names (the administrator confirms it)."""
    lowered = {h.strip().lower(): h for h in headers}
    mapping = {}
    for name, _label, _required, guesses in FIELDS:
        for guess in guesses:
            if guess in lowered:
                mapping[name] = lowered[guess]
                break
    return mapping


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if match := DATE_NL.match(text):
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_csv(data: bytes, mapping: Mapping[str, str], today: dt.date) -> Incoming:
    if len(data) > MAX_FILE_BYTES:
        from haven.pupils.administration.edexml import too_large_message

        raise FileRefused(too_large_message())
    text = decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FileRefused(_("The file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0]))
    headers = [h.strip() for h in next(reader)]
    positions: dict[str, int] = {}
    for name, label, required, _guess in FIELDS:
        column = (mapping.get(name) or "").strip()
        if not column:
            if required:
                raise FileRefused(
                    _("The column mapping names no column for %(field)s. Set the column mapping first.")
                    % {"field": label}
                )
            continue
        if column not in headers:
            raise FileRefused(
                _("The column %(column)s (for %(field)s) is not in the file. Check the column mapping.")
                % {"column": column[:60], "field": label}
            )
        positions[name] = headers.index(column)

    incoming = Incoming(school_year=school_year_of(today))
    rows: list[tuple[int, dict[str, str]]] = []
    keys: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: " ".join(cells[i].split()) if i < len(cells) else "" for name, i in positions.items()}
        rows.append((number, values))
        keys[values["key"]] = keys.get(values["key"], 0) + 1
    groups: list[str] = []
    for number, values in rows:
        key = values["key"][:64]
        problem = _row_problem(values, keys, today)
        if problem:
            incoming.rejected.append(Rejected(row=number, key=key, reason=problem))
            continue
        group = values.get("group", "")[:60]
        if group and group not in groups:
            groups.append(group)
        prefix = values.get("prefix", "")
        born = parse_date(values["date_of_birth"])
        assert born is not None  # checked by _row_problem
        incoming.pupils.append(
            IncomingPupil(
                key=key,
                first_name=values["first_name"][:100],
                last_name=(f"{prefix} {values['last_name']}" if prefix else values["last_name"])[:100],
                date_of_birth=born,
                group=group,
                row=number,
            )
        )
    incoming.groups = [IncomingGroup(name=name) for name in groups]
    return incoming


def _row_problem(values: dict[str, str], keys: dict[str, int], today: dt.date) -> str:
    key = values["key"]
    if not key:
        return _("The key (pupil number) is empty: Haven matches pupils on it.")
    if keys[key] > 1:
        return _("The key %(key)s is used for more than one pupil.") % {"key": key[:64]}
    if not values["first_name"] or not values["last_name"]:
        return _("The first name or the surname is empty.")
    born = parse_date(values["date_of_birth"])
    if born is None:
        return _("The date of birth %(date)s is not a date (write it as 04-03-2017).") % {
            "date": values["date_of_birth"][:20] or "-"
        }
    if birth_date_problem(born, today=today):
        return _("The date of birth %(date)s lies in the future or too long ago.") % {"date": values["date_of_birth"]}
    return ""
