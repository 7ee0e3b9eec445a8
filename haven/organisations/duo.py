"""Schools, boards and municipalities from DUO's open data files (`manage.py import_duo`).

Which files and columns: docs/duo-import.md. In short, the file of school locations ("Alle
vestigingen basisonderwijs", and the older "hoofdvestigingen" files) gives per school its BRIN
and location code, name, visiting address, municipality (number and name) and board number; the
file of boards ("Schoolbesturen basisonderwijs", "Bevoegde gezagen") gives the board names. Each
file is recognised by its header line; DUO writes both ';'-separated, in UTF-8 or Windows-1252.

Reading (`parse_file`) touches no database. `import_duo` checks every row of every file and
reports each bad one in Dutch; one bad row imports nothing. A good set of files is written in one
transaction with one audit event that holds the counts; importing the same files again changes
nothing. Nothing is ever deleted: a school missing from the file stays as it is. Haven never
downloads these files itself; the operator does and passes them to the command.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.audit.services import record_event
from haven.organisations.audit_actions import OrganisationAction
from haven.organisations.models import Board, Municipality, School

# The whole "Alle vestigingen" file of primary education is a few megabytes.
MAX_BYTES = 20 * 1024 * 1024
MAX_LINES = 100_000

# Our field -> the column names DUO has used for it (the current name first).
SCHOOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "brin": ("INSTELLINGSCODE", "BRIN NUMMER"),
    "location": ("VESTIGINGSCODE", "VESTIGINGSNUMMER"),
    "name": ("VESTIGINGSNAAM", "INSTELLINGSNAAM"),
    "street": ("STRAATNAAM",),
    "house_number": ("HUISNUMMER-TOEVOEGING",),
    "postal_code": ("POSTCODE",),
    "city": ("PLAATSNAAM",),
    "municipality_code": ("GEMEENTENUMMER",),
    "municipality": ("GEMEENTENAAM",),
    "board": ("BEVOEGD GEZAG NUMMER",),
}
# Without a location column the file is one of the main locations (hoofdvestigingen): location 00.
SCHOOL_OPTIONAL = frozenset({"location", "street", "house_number", "postal_code", "city"})
BOARD_COLUMNS: dict[str, tuple[str, ...]] = {
    "board": ("BEVOEGD GEZAG NUMMER",),
    "name": ("BEVOEGD GEZAG NAAM", "BEVOEGDGEZAG NAAM", "NAAM BEVOEGD GEZAG"),
}

_BRIN = re.compile(r"[0-9]{2}[A-Z]{2}")
_LOCATION = re.compile(r"[0-9]{2}")
_BOARD_NUMBER = re.compile(r"[0-9]{1,10}")
_MUNICIPALITY_NUMBER = re.compile(r"[0-9]{1,4}")
_POSTAL_CODE = re.compile(r"([1-9][0-9]{3}) ?([A-Z]{2})")
_FORBIDDEN_START = ("=", "+", "-", "@")
# Words Dutch place names keep in lower case ("Alphen aan den Rijn", "Bergen op Zoom").
_SMALL_WORDS = frozenset({"aan", "de", "den", "der", "en", "het", "in", "op", "over", "bij", "onder", "van", "ter"})


def _limit(model: type[School] | type[Board] | type[Municipality], name: str) -> int:
    limit = getattr(model._meta.get_field(name), "max_length", None)
    return limit if isinstance(limit, int) else 200


def place_name(value: str) -> str:
    """DUO writes place and municipality names in capitals; Haven shows them as people write them.

    A name that is not all capitals is kept as it is. "'S-HERTOGENBOSCH" becomes
    "'s-Hertogenbosch", "ALPHEN AAN DEN RIJN" "Alphen aan den Rijn", "BERGEN (NH)" "Bergen (NH)".
    """
    if value != value.upper() or not any(ch.isalpha() for ch in value):
        return value

    def word(part: str, first: bool) -> str:
        lower = part.lower()
        if part.startswith("(") and part.endswith(")"):
            return part  # a province in brackets stays in capitals
        if not first and lower in _SMALL_WORDS:
            return lower
        return "-".join(_capital(piece) for piece in lower.split("-"))

    return " ".join(word(part, index == 0) for index, part in enumerate(value.split(" ")))


def _capital(piece: str) -> str:
    if piece in ("'s", "'t"):
        return piece
    if piece.startswith("ij"):
        return "IJ" + piece[2:]
    return piece[:1].upper() + piece[1:]


@dataclass(frozen=True)
class SchoolRow:
    file: str
    line: int
    code: str  # BRIN and location: six characters
    name: str
    street_address: str
    postal_code: str
    city: str
    municipality_code: str  # GM and four digits
    municipality: str
    board: str  # DUO's board number


@dataclass(frozen=True)
class BoardRow:
    file: str
    line: int
    number: str
    name: str


@dataclass
class ParsedFile:
    schools: list[SchoolRow] = field(default_factory=list)
    boards: list[BoardRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class DuoImportResult:
    """What an import did, or why it did nothing (`errors`, Dutch, one per problem)."""

    errors: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        if not self.ok:
            count = len(self.errors)
            return [
                ngettext(
                    "Nothing imported: the files have %(count)s error.",
                    "Nothing imported: the files have %(count)s errors.",
                    count,
                )
                % {"count": count}
            ]
        labels = {"boards": _("Boards"), "municipalities": _("Municipalities"), "schools": _("Schools")}
        lines = [
            _("%(kind)s: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
            % {"kind": labels[kind], **self.counts[kind]}
            for kind in ("boards", "municipalities", "schools")
        ]
        if not any(self.counts[kind]["created"] or self.counts[kind]["updated"] for kind in self.counts):
            lines.append(_("Nothing changed: everything in the files was already in Haven."))
        return lines


# --- Reading a file (no database) -----------------------------------------------------------------


def decode(data: bytes) -> tuple[str | None, str | None]:
    """The text, or the Dutch reason it cannot be read: UTF-8 (with or without BOM), else Windows-1252."""
    if len(data) > MAX_BYTES:
        return None, _("The file is larger than 20 MB; a DUO file of schools is much smaller. Is it the right file?")
    if b"\x00" in data:
        return None, _("The file is not text in UTF-8 or Windows-1252. Save it again as CSV.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None, _("The file is not text in UTF-8 or Windows-1252. Save it again as CSV.")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, _("The file is empty.")
    return text, None


def _normal(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').upper().split())


def _columns(header: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [_normal(name) for name in header]
    found: dict[str, int] = {}
    for key, options in wanted.items():
        for option in options:
            if option in names:
                found[key] = names.index(option)
                break
    return found


def _text_error(file: str, line: int, column: str, value: str, limit: int) -> str | None:
    where = {"file": file, "line": line, "column": column, "value": value}
    if not value:
        return _("%(file)s, line %(line)s, %(column)s: this cell is empty.") % where
    if len(value) > limit:
        return _("%(file)s, line %(line)s, %(column)s: longer than %(limit)s characters.") % {**where, "limit": limit}
    if value.startswith(_FORBIDDEN_START) or not value.isprintable():
        return _('%(file)s, line %(line)s, %(column)s: "%(value)s" is not a name.') % where
    return None


def parse_file(name: str, data: bytes) -> ParsedFile:
    """The rows of one DUO file (schools or boards, told by its header) and the Dutch errors."""
    result = ParsedFile()
    text, error = decode(data)
    if text is None:
        result.errors.append(f"{name}: {error}")
        return result
    if text.count("\n") + 1 > MAX_LINES:
        result.errors.append(
            _("%(file)s: more than %(limit)s lines; a DUO file of schools is much smaller.")
            % {"file": name, "limit": MAX_LINES}
        )
        return result
    first = io.StringIO(text, newline="").readline()
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        header = []
    school_columns = _columns(header, SCHOOL_COLUMNS)
    board_columns = _columns(header, BOARD_COLUMNS)
    if "brin" in school_columns:
        missing = [
            SCHOOL_COLUMNS[key][0] for key in SCHOOL_COLUMNS if key not in school_columns and key not in SCHOOL_OPTIONAL
        ]
        columns, kind = school_columns, "schools"
    elif "name" in board_columns:
        missing = [BOARD_COLUMNS[key][0] for key in BOARD_COLUMNS if key not in board_columns]
        columns, kind = board_columns, "boards"
    else:
        result.errors.append(
            _(
                "%(file)s, line 1: this is not a DUO file of school locations (column %(brin)s) or of boards "
                "(column %(board)s)."
            )
            % {"file": name, "brin": "INSTELLINGSCODE", "board": "BEVOEGD GEZAG NAAM"}
        )
        return result
    if missing:
        result.errors.append(
            _("%(file)s, line 1: the column %(columns)s is missing.") % {"file": name, "columns": ", ".join(missing)}
        )
        return result
    width = max(columns.values()) + 1
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            result.errors.append(
                _("%(file)s, line %(line)s cannot be read as CSV; check the quotes.") % {"file": name, "line": line}
            )
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < width:
            result.errors.append(
                _("%(file)s, line %(line)s: %(found)s fields; this file needs at least %(expected)s.")
                % {"file": name, "line": line, "found": len(cells), "expected": width}
            )
            continue
        values = {key: cells[index].strip() for key, index in columns.items()}
        if kind == "schools":
            row, errors = _school_row(name, line, values)
            if row is not None:
                result.schools.append(row)
        else:
            board, errors = _board_row(name, line, values)
            if board is not None:
                result.boards.append(board)
        result.errors += errors
    return result


def _board_number(value: str) -> str | None:
    """DUO's board number without leading zeros (files have written it both ways), or None."""
    if not _BOARD_NUMBER.fullmatch(value):
        return None
    return value.lstrip("0") or "0"


def _board_row(file: str, line: int, values: dict[str, str]) -> tuple[BoardRow | None, list[str]]:
    errors = []
    number = _board_number(values["board"])
    if number is None:
        errors.append(
            _('%(file)s, line %(line)s, BEVOEGD GEZAG NUMMER: "%(value)s" is not a board number (digits only).')
            % {"file": file, "line": line, "value": values["board"]}
        )
    name_error = _text_error(file, line, "BEVOEGD GEZAG NAAM", values["name"], _limit(Board, "name"))
    if name_error:
        errors.append(name_error)
    if errors or number is None:
        return None, errors
    return BoardRow(file, line, number, values["name"]), []


def _school_row(file: str, line: int, values: dict[str, str]) -> tuple[SchoolRow | None, list[str]]:
    errors: list[str] = []
    where = {"file": file, "line": line}
    brin = values["brin"].upper()
    location = values.get("location", "00").upper()
    code = ""
    if not _BRIN.fullmatch(brin):
        errors.append(
            _('%(file)s, line %(line)s, INSTELLINGSCODE: "%(value)s" is not a BRIN code (two digits, two letters).')
            % {**where, "value": values["brin"]}
        )
    elif _LOCATION.fullmatch(location):
        code = brin + location
    elif len(location) == 6 and location.startswith(brin) and _LOCATION.fullmatch(location[4:]):
        code = location
    else:
        errors.append(
            _('%(file)s, line %(line)s, VESTIGINGSCODE: "%(value)s" is not a location of %(brin)s.')
            % {**where, "value": values["location"], "brin": brin}
        )
    name = values["name"]
    error = _text_error(file, line, "VESTIGINGSNAAM", name, _limit(School, "name"))
    if error:
        errors.append(error)
    street = " ".join(part for part in (values.get("street", ""), values.get("house_number", "")) if part)
    if len(street) > _limit(School, "street_address") or not street.isprintable():
        errors.append(_("%(file)s, line %(line)s, STRAATNAAM: this is not an address.") % where)
    postal_code = values.get("postal_code", "").upper()
    match = _POSTAL_CODE.fullmatch(postal_code)
    if postal_code and match is None:
        errors.append(
            _('%(file)s, line %(line)s, POSTCODE: "%(value)s" is not a postcode (four digits and two letters).')
            % {**where, "value": values["postal_code"]}
        )
    postal_code = f"{match.group(1)} {match.group(2)}" if match else ""
    city = place_name(values.get("city", ""))
    if len(city) > _limit(School, "city") or not city.isprintable():
        errors.append(_("%(file)s, line %(line)s, PLAATSNAAM: this is not a place name.") % where)
    number = values["municipality_code"]
    if not _MUNICIPALITY_NUMBER.fullmatch(number):
        errors.append(
            _('%(file)s, line %(line)s, GEMEENTENUMMER: "%(value)s" is not a municipality number (four digits).')
            % {**where, "value": number}
        )
    municipality = place_name(values["municipality"])
    error = _text_error(file, line, "GEMEENTENAAM", municipality, _limit(Municipality, "name"))
    if error:
        errors.append(error)
    board = _board_number(values["board"])
    if board is None:
        errors.append(
            _('%(file)s, line %(line)s, BEVOEGD GEZAG NUMMER: "%(value)s" is not a board number (digits only).')
            % {**where, "value": values["board"]}
        )
    if errors or board is None:
        return None, errors
    return (
        SchoolRow(
            file=file,
            line=line,
            code=code,
            name=name,
            street_address=street,
            postal_code=postal_code,
            city=city,
            municipality_code=f"GM{number.zfill(4)}",
            municipality=municipality,
            board=board,
        ),
        [],
    )


# --- Checking the files together and against Haven, and writing --------------------------------


@dataclass
class _Plan:
    boards: dict[str, str] = field(default_factory=dict)  # number -> name (from the board files)
    municipalities: dict[str, str] = field(default_factory=dict)  # code -> name
    schools: dict[str, SchoolRow] = field(default_factory=dict)  # code -> row


def _plan(files: Sequence[ParsedFile]) -> tuple[_Plan, list[str]]:
    plan, errors = _Plan(), []
    board_lines: dict[str, BoardRow] = {}
    municipality_lines: dict[str, SchoolRow] = {}
    for parsed in files:
        for board in parsed.boards:
            other = board_lines.setdefault(board.number, board)
            if other is not board and other.name != board.name:
                errors.append(
                    _('%(file)s, line %(line)s: board %(number)s is called "%(other)s" on line %(other_line)s.')
                    % {
                        "file": board.file,
                        "line": board.line,
                        "number": board.number,
                        "other": other.name,
                        "other_line": other.line,
                    }
                )
            plan.boards[board.number] = other.name
        for row in parsed.schools:
            where = {"file": row.file, "line": row.line, "code": row.code}
            first = plan.schools.setdefault(row.code, row)
            if first is not row:
                errors.append(
                    _("%(file)s, line %(line)s: the school %(code)s is also on line %(other)s; give each school once.")
                    % {**where, "other": first.line}
                )
            known = municipality_lines.setdefault(row.municipality_code, row)
            if known.municipality.casefold() != row.municipality.casefold():
                errors.append(
                    _('%(file)s, line %(line)s: municipality %(number)s is called "%(other)s" on line %(other_line)s.')
                    % {**where, "number": row.municipality_code, "other": known.municipality, "other_line": known.line}
                )
            plan.municipalities[row.municipality_code] = known.municipality
    return plan, errors


def import_duo(files: Sequence[tuple[str, bytes]]) -> DuoImportResult:
    """Import DUO files (name, content); a system action of the operator (the command), audited once."""
    parsed = [parse_file(name, data) for name, data in files]
    errors = [message for one in parsed for message in one.errors]
    if not errors and not any(one.schools or one.boards for one in parsed):
        errors.append(_("The files hold no schools and no boards."))
    if errors:
        return DuoImportResult(errors=errors)
    plan, errors = _plan(parsed)
    if errors:
        return DuoImportResult(errors=errors)
    with transaction.atomic():
        result = _write(plan)
        if result.errors:
            transaction.set_rollback(True)
    return result


def _write(plan: _Plan) -> DuoImportResult:
    result = DuoImportResult(
        counts={kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in ("boards", "municipalities", "schools")}
    )
    errors = result.errors
    counts = result.counts
    # Boards: by DUO number, else by name (a board typed in before gets its number).
    boards = list(Board.objects.select_for_update())
    by_number = {b.duo_number: b for b in boards if b.duo_number}
    by_name = {b.name.casefold(): b for b in boards}
    for number, name in sorted(plan.boards.items()):
        board = by_number.get(number)
        named = by_name.get(name.casefold())
        if board is None and named is not None and named.duo_number not in (None, "", number):
            errors.append(
                _('Board %(number)s: the name "%(name)s" belongs to board %(other)s in Haven.')
                % {"number": number, "name": name, "other": named.duo_number}
            )
            continue
        if board is None and named is not None:
            board = named
        if board is None:
            board = Board.objects.create(name=name, duo_number=number)
            counts["boards"]["created"] += 1
        elif board.name != name or board.duo_number != number:
            if named is not None and named.pk != board.pk:
                errors.append(
                    _('Board %(number)s: the name "%(name)s" belongs to another board in Haven.')
                    % {"number": number, "name": name}
                )
                continue
            by_name.pop(board.name.casefold(), None)
            board.name, board.duo_number = name, number
            board.save(update_fields=["name", "duo_number"])
            counts["boards"]["updated"] += 1
        else:
            counts["boards"]["unchanged"] += 1
        by_number[number], by_name[name.casefold()] = board, board
    # Municipalities: by code, else by name (regardless of case: Haven keeps its own spelling).
    municipalities = list(Municipality.objects.select_for_update())
    m_by_code = {m.code: m for m in municipalities if m.code}
    m_by_name = {m.name.casefold(): m for m in municipalities}
    for code, name in sorted(plan.municipalities.items()):
        municipality = m_by_code.get(code)
        named_m = m_by_name.get(name.casefold())
        if municipality is None and named_m is not None and named_m.code and named_m.code != code:
            errors.append(
                _('Municipality %(code)s: "%(name)s" has the code %(other)s in Haven.')
                % {"code": code, "name": name, "other": named_m.code}
            )
            continue
        if municipality is None and named_m is not None:
            named_m.code = code
            named_m.save(update_fields=["code"])
            municipality = named_m
            counts["municipalities"]["updated"] += 1
        elif municipality is None:
            municipality = Municipality.objects.create(name=name, code=code)
            counts["municipalities"]["created"] += 1
        elif municipality.name.casefold() != name.casefold():
            if named_m is not None:
                errors.append(
                    _('Municipality %(code)s: the name "%(name)s" belongs to another municipality in Haven.')
                    % {"code": code, "name": name}
                )
                continue
            municipality.name = name
            municipality.save(update_fields=["name"])
            counts["municipalities"]["updated"] += 1
        else:
            counts["municipalities"]["unchanged"] += 1
        m_by_code[code], m_by_name[name.casefold()] = municipality, municipality
    # Schools: by the six-character code, or by the four-character BRIN for location 00.
    schools = list(School.objects.select_for_update())
    s_by_code = {s.brin_code.upper(): s for s in schools}
    new: list[School] = []
    changed: list[School] = []
    fields = ("name", "street_address", "postal_code", "city", "municipality_id", "board_id")
    for code, row in sorted(plan.schools.items()):
        board = by_number.get(row.board)
        if board is None:
            errors.append(
                _(
                    "%(file)s, line %(line)s: board %(number)s is in no file of boards and not known in Haven; pass "
                    "DUO's file of boards too."
                )
                % {"file": row.file, "line": row.line, "number": row.board}
            )
            continue
        municipality = m_by_code.get(row.municipality_code)
        if municipality is None:
            continue  # its error is reported above
        school = s_by_code.get(code) or (s_by_code.get(code[:4]) if code.endswith("00") else None)
        values = {
            "name": row.name,
            "street_address": row.street_address,
            "postal_code": row.postal_code,
            "city": row.city,
            "municipality_id": municipality.pk,
            "board_id": board.pk,
        }
        if school is None:
            new.append(School(brin_code=code, **values))
            counts["schools"]["created"] += 1
        elif any(getattr(school, name) != values[name] for name in fields):
            for name, value in values.items():
                setattr(school, name, value)
            changed.append(school)
            counts["schools"]["updated"] += 1
        else:
            counts["schools"]["unchanged"] += 1
    if errors:
        return result
    School.objects.bulk_create(new, batch_size=500)
    School.objects.bulk_update(changed, fields, batch_size=500)
    record_event(None, OrganisationAction.DUO_IMPORT, detail={"counts": counts})
    return result
