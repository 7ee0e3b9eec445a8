"""Importing public figures per municipality and calendar year from a CSV file.

The file has exactly the columns of `HEADER` (docs/monitoring.md says how to fill them from CBS
StatLine, DUO and the verwijsindex). It is bounded before it is parsed, every row is checked and
every bad one reported with its line number and column in Dutch; one bad row imports nothing.
A good file is written in one transaction with one audit event, and writing it a second time
changes nothing.

An empty cell means "not known". It never erases a figure Haven already has: the sources come at
different moments (CBS publishes Veilig Thuis's figures, DUO the pupils), so a file may carry only
some columns and the next file the others. A wrong figure is corrected by importing the right one.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.access.guards import require_permission
from haven.access.policy import Actor
from haven.access.roles import Role
from haven.audit.services import record_event
from haven.insights.audit_actions import InsightsAction
from haven.insights.models import PublicFigure, Region
from haven.organisations.models import Municipality

HEADER = (
    "municipality_code",
    "municipality",
    "year",
    "pupils_primary",
    "advice_requests_education",
    "reports_education",
    "referral_index_signals_primary",
)
COUNT_FIELDS = HEADER[3:]
MAX_BYTES = 1024 * 1024
MAX_LINES = 10_000
FIRST_YEAR = 1990
# A count is below this: more than all the pupils of the country, so anything above is a typing error.
COUNT_LIMIT = 10_000_000
NAME_MAX = Municipality._meta.get_field("name").max_length or 120

_CODE = re.compile(r"GM[0-9]{4}")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# A name starting like a formula would run in a spreadsheet when the table is exported.
_NAME_FORBIDDEN_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class FigureRow:
    """One good line of the file."""

    line: int
    code: str
    name: str
    year: int
    counts: dict[str, int | None]


@dataclass(frozen=True)
class RowChange:
    line: int
    code: str
    municipality: str
    year: int
    status: str  # "created", "updated" or "unchanged"
    # field -> (stored before, stored now), for the fields that changed
    changed: dict[str, tuple[int | None, int]] = field(default_factory=dict)


@dataclass
class ImportResult:
    """What an import did, or why it did nothing (`errors`, in Dutch, one per problem)."""

    errors: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    municipalities_created: list[str] = field(default_factory=list)
    codes_recorded: list[str] = field(default_factory=list)
    region: str | None = None
    region_created: bool = False
    added_to_region: list[str] = field(default_factory=list)
    kept_by_empty_cells: int = 0
    bad_lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.municipalities_created
            or self.codes_recorded
            or self.region_created
            or self.added_to_region
        )

    def summary(self) -> list[str]:
        """Dutch lines that say what happened, for the page and the command."""
        if not self.ok:
            if self.bad_lines:
                return [
                    ngettext(
                        "Nothing imported: %(count)s line has an error.",
                        "Nothing imported: %(count)s lines have errors.",
                        self.bad_lines,
                    )
                    % {"count": self.bad_lines}
                ]
            return [_("Nothing imported.")]
        lines: list[str] = []
        if self.region_created:
            lines.append(_("Region created: %(region)s.") % {"region": self.region})
        lines += [_("Municipality added: %(municipality)s.") % {"municipality": m} for m in self.municipalities_created]
        lines += self.codes_recorded
        lines += [
            _("%(municipality)s added to the region %(region)s.") % {"municipality": m, "region": self.region}
            for m in self.added_to_region
        ]
        for row in self.rows:
            values = {"code": row.code, "municipality": row.municipality, "year": row.year}
            if row.status == "created":
                lines.append(_("%(code)s %(municipality)s %(year)s: added.") % values)
            elif row.status == "updated":
                changes = ", ".join(
                    f"{name} {'–' if old is None else old} → {new}" for name, (old, new) in row.changed.items()
                )
                lines.append(
                    _("%(code)s %(municipality)s %(year)s: updated (%(changes)s).") % {**values, "changes": changes}
                )
        if self.kept_by_empty_cells:
            lines.append(
                ngettext(
                    "One empty cell kept the figure Haven already had.",
                    "%(count)s empty cells kept the figures Haven already had.",
                    self.kept_by_empty_cells,
                )
                % {"count": self.kept_by_empty_cells}
            )
        if not self.changed_anything:
            lines.append(_("Nothing changed: every figure in the file was already in Haven."))
        lines.append(
            _("Added: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s.")
            % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        )
        return lines


# --- Reading the file (no database) ---------------------------------------------------------------


def _decode(data: str | bytes) -> tuple[str | None, str | None]:
    """The text, or the Dutch reason it cannot be read. Sizes are checked before anything else."""
    # Every character is at least one byte: a text longer than the limit is too large unencoded.
    too_large = len(data) > MAX_BYTES or (
        isinstance(data, str) and len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES
    )
    if too_large:
        return None, _("The file is larger than 1 MB. Split it, for example per year.")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None, _('The file is not UTF-8 text. In Excel, choose "Save as" and the type "CSV UTF-8".')
    else:
        text = data
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, _("The file is empty.")
    if sum(1 for _line in io.StringIO(text, newline="")) > MAX_LINES:
        return None, _("The file has more than %(limit)s lines. Split it, for example per year.") % {
            "limit": f"{MAX_LINES:,}".replace(",", ".")
        }
    if "\x00" in text:
        return None, _('The file is not UTF-8 text. In Excel, choose "Save as" and the type "CSV UTF-8".')
    return text, None


def _header_errors(names: list[str]) -> list[str]:
    if names == list(HEADER):
        return []
    expected = _("The first line must be exactly: %(header)s") % {"header": ",".join(HEADER)}
    missing = [name for name in HEADER if name not in names]
    unknown = [name for name in names if name not in HEADER]
    twice = sorted({name for name in names if names.count(name) > 1})
    errors = []
    if missing:
        errors.append(
            ngettext(
                "Line 1: the column %(columns)s is missing.",
                "Line 1: the columns %(columns)s are missing.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    if unknown:
        errors.append(
            ngettext("Line 1: unknown column %(columns)s.", "Line 1: unknown columns %(columns)s.", len(unknown))
            % {"columns": ", ".join(f'"{name}"' for name in unknown)}
        )
    if twice:
        errors.append(_("Line 1: the column %(columns)s appears more than once.") % {"columns": ", ".join(twice)})
    if not errors:
        errors.append(_("Line 1: the columns are in another order than expected."))
    return [f"{error} {expected}" for error in errors]


def _delimiter(first_line: str) -> str:
    """Dutch Excel writes semicolons; the header line tells which one the file uses."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _count(line: int, name: str, value: str) -> tuple[int | None, str | None]:
    if value == "":
        return None, None
    if not _WHOLE_NUMBER.fullmatch(value):
        return None, _(
            'Line %(line)s, %(field)s: "%(value)s" is not a whole number. Leave the cell empty when the figure is '
            "not known."
        ) % {"line": line, "field": name, "value": value}
    # Python refuses to convert more than 4300 digits (and converting many costs time): a count of
    # more digits than the limit is too large whatever they are, so it is never converted.
    digits = value.lstrip("-").lstrip("0")
    number = (
        int(value) if len(digits) <= len(str(COUNT_LIMIT)) else (-COUNT_LIMIT if value.startswith("-") else COUNT_LIMIT)
    )
    if number < 0:
        return None, _("Line %(line)s, %(field)s: %(value)s is negative; a count is 0 or more.") % {
            "line": line,
            "field": name,
            "value": value,
        }
    if number >= COUNT_LIMIT:
        return None, _(
            "Line %(line)s, %(field)s: %(value)s is too large for this figure (it must be less than 10 million)."
        ) % {"line": line, "field": name, "value": value}
    return number, None


def _row(line: int, cells: list[str], this_year: int) -> tuple[FigureRow | None, list[str]]:
    code, name, year_text, *count_cells = cells
    errors = []
    if not _CODE.fullmatch(code.upper()):
        errors.append(
            _(
                'Line %(line)s, municipality_code: "%(value)s" is not a municipality code; a code is GM followed by '
                "four digits, such as GM0228."
            )
            % {"line": line, "value": code}
        )
    if not name:
        errors.append(_("Line %(line)s, municipality: the name of the municipality is missing.") % {"line": line})
    elif len(name) > NAME_MAX:
        errors.append(
            _("Line %(line)s, municipality: the name is longer than %(limit)s characters.")
            % {"line": line, "limit": NAME_MAX}
        )
    elif name.startswith(_NAME_FORBIDDEN_START) or not name.isprintable():
        errors.append(
            _('Line %(line)s, municipality: "%(value)s" is not the name of a municipality.')
            % {"line": line, "value": name}
        )
    year: int | None = None
    if not year_text.isascii() or not year_text.isdigit():
        errors.append(_('Line %(line)s, year: "%(value)s" is not a year.') % {"line": line, "value": year_text})
    elif len(year_text.lstrip("0")) > 4 or not FIRST_YEAR <= int(year_text) <= this_year:
        errors.append(
            _("Line %(line)s, year: %(value)s is not between %(first)s and %(last)s.")
            % {"line": line, "value": year_text, "first": FIRST_YEAR, "last": this_year}
        )
    else:
        year = int(year_text)
    counts: dict[str, int | None] = {}
    for column, value in zip(COUNT_FIELDS, count_cells, strict=True):
        counts[column], error = _count(line, column, value)
        if error:
            errors.append(error)
    if errors or year is None:
        return None, errors
    return FigureRow(line=line, code=code.upper(), name=name, year=year, counts=counts), []


def parse(data: str | bytes, *, this_year: int) -> tuple[list[FigureRow], list[str], int]:
    """The good rows, the Dutch errors, and how many lines were bad. Touches no database."""
    text, error = _decode(data)
    if text is None:
        return [], [error or ""], 0
    first_line = io.StringIO(text, newline="").readline()
    # Lines end at \n, \r\n or \r only (not at the other breaks `str.splitlines` knows), as csv wants.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error:
        header = []
    errors = _header_errors(header)
    if errors:
        return [], errors, 1
    rows: list[FigureRow] = []
    bad_lines = 0
    seen: dict[tuple[str, int], int] = {}
    name_of_code: dict[str, tuple[str, int]] = {}
    code_of_name: dict[str, tuple[str, int]] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(_("Line %(line)s cannot be read as CSV; check the quotes.") % {"line": start})
            bad_lines += 1
            break
        line = start
        cells = [cell.strip() for cell in cells]
        if not any(cells):  # blank lines, and the empty rows spreadsheets leave at the end
            continue
        if len(cells) != len(HEADER):
            errors.append(
                _(
                    "Line %(line)s: %(found)s fields instead of %(expected)s. Check the separator (comma or "
                    "semicolon) and the quotes."
                )
                % {"line": line, "found": len(cells), "expected": len(HEADER)}
            )
            bad_lines += 1
            continue
        row, row_errors = _row(line, cells, this_year)
        if row is not None:
            row_errors += _file_conflicts(row, seen, name_of_code, code_of_name)
        if row_errors:
            errors += row_errors
            bad_lines += 1
        elif row is not None:
            rows.append(row)
    if not errors and not rows:
        errors.append(_("The file holds only the header line: there are no figures to import."))
    return rows, errors, bad_lines


def _file_conflicts(
    row: FigureRow,
    seen: dict[tuple[str, int], int],
    name_of_code: dict[str, tuple[str, int]],
    code_of_name: dict[str, tuple[str, int]],
) -> list[str]:
    """The same municipality and year twice, or a code and a name that do not stay together."""
    errors = []
    values = {"line": row.line, "code": row.code, "municipality": row.name, "year": row.year}
    other = seen.setdefault((row.code, row.year), row.line)
    if other != row.line:
        errors.append(
            _(
                "Line %(line)s: %(code)s %(municipality)s, %(year)s is also on line %(other)s; give each "
                "municipality and year once."
            )
            % {**values, "other": other}
        )
    known_name, known_line = name_of_code.setdefault(row.code, (row.name, row.line))
    if known_name.casefold() != row.name.casefold():
        errors.append(
            _('Line %(line)s, municipality: %(code)s is called "%(other)s" on line %(other_line)s.')
            % {**values, "other": known_name, "other_line": known_line}
        )
    known_code, known_line = code_of_name.setdefault(row.name.casefold(), (row.code, row.line))
    if known_code != row.code:
        errors.append(
            _('Line %(line)s, municipality_code: "%(municipality)s" has the code %(other)s on line %(other_line)s.')
            % {**values, "other": known_code, "other_line": known_line}
        )
    return errors


# --- Checking against Haven and writing -----------------------------------------------------------


def _scope(actor: Actor | None) -> tuple[set[int] | None, str]:
    """The municipalities the actor may import for (None: all, a system action) and its name."""
    if actor is None:
        return None, ""
    if actor.role == Role.MUNICIPALITY_ANALYST and actor.municipality_id is not None:
        name = Municipality.objects.filter(pk=actor.municipality_id).values_list("name", flat=True).first() or ""
        return {actor.municipality_id}, name
    if actor.role == Role.REGION_ANALYST and actor.region_id is not None:
        region = Region.objects.filter(pk=actor.region_id).first()
        if region is None:
            return set(), ""
        return set(region.municipalities.values_list("pk", flat=True)), region.name
    return set(), ""


def _match(
    rows: list[FigureRow], actor: Actor | None, create_missing: bool
) -> tuple[dict[int, Municipality | FigureRow], list[str], set[int]]:
    """Per line, the municipality it is about (an existing one, or the row that will create it).

    Names are matched regardless of case (Haven keeps its own spelling); a known name without a
    code gets the file's code.
    """
    scope, scope_name = _scope(actor)
    known = list(Municipality.objects.all())
    by_code = {m.code: m for m in known if m.code}
    by_name = {m.name.casefold(): m for m in known}
    targets: dict[int, Municipality | FigureRow] = {}
    errors: dict[int, list[str]] = {}
    for row in rows:
        values = {"line": row.line, "code": row.code, "municipality": row.name}
        with_code, with_name = by_code.get(row.code), by_name.get(row.name.casefold())
        problem = None
        target: Municipality | FigureRow | None = None
        if with_code is not None and with_code.name.casefold() != row.name.casefold():
            problem = _(
                'Line %(line)s, municipality: the code %(code)s belongs to "%(known)s" in Haven, not to '
                '"%(municipality)s".'
            ) % {**values, "known": with_code.name}
        elif with_name is not None and with_name.code and with_name.code != row.code:
            problem = _(
                'Line %(line)s, municipality_code: "%(municipality)s" has the code %(known)s in Haven, not %(code)s.'
            ) % {**values, "known": with_name.code}
        else:
            target = with_code or with_name
        if problem is None and isinstance(target, Municipality) and scope is not None and target.pk not in scope:
            problem = _scope_error(actor, values, scope_name)
        if problem is None and target is None:
            if create_missing:
                target = row
            elif scope is not None:
                problem = _scope_error(actor, values, scope_name)
            else:
                problem = (
                    _(
                        "Line %(line)s: the municipality %(code)s %(municipality)s is not known in Haven. Ask Haven's "
                        "administrator to add it."
                    )
                    % values
                )
        if problem is not None:
            errors.setdefault(row.line, []).append(problem)
        elif target is not None:
            targets[row.line] = target
    return targets, [message for line in sorted(errors) for message in errors[line]], set(errors)


def _scope_error(actor: Actor | None, values: dict[str, object], scope_name: str) -> str:
    if actor is not None and actor.role == Role.REGION_ANALYST:
        return _("Line %(line)s: %(code)s %(municipality)s is not one of the municipalities of %(region)s.") % {
            **values,
            "region": scope_name,
        }
    return _(
        "Line %(line)s: %(code)s %(municipality)s is not your municipality; you can import figures of %(own)s only."
    ) % {**values, "own": scope_name}


def import_public_figures(
    actor: Actor | None,
    text: str | bytes,
    *,
    region: Region | str | None = None,
    create_missing: bool = False,
) -> ImportResult:
    """Import a file of public figures; on any bad row nothing is written and `errors` says why.

    `actor` None is a system action (the command): every municipality is in scope. A policy
    officer may import only rows of their own municipality or region. `create_missing` (the
    command only) adds municipalities Haven does not know; `region` (a Region, or a name that is
    created when missing, the command only) receives every municipality of the file.
    """
    if actor is not None:
        require_permission(actor, "insights.import_public_figures")
        # A policy officer cannot widen their own scope: adding municipalities is the operator's.
        if create_missing or isinstance(region, str) or (region is not None and region.pk != actor.region_id):
            raise PermissionDenied(_("Your role does not allow this."))
    rows, errors, bad_lines = parse(text, this_year=timezone.localdate().year)
    if errors:
        return ImportResult(errors=errors, bad_lines=bad_lines)
    targets, errors, bad = _match(rows, actor, create_missing)
    region_obj = region if isinstance(region, Region) else None
    if isinstance(region, str):
        # The primary, not a replica: the write below must find what is really there.
        region_obj = Region.objects.using("default").filter(name=region).first()
        if region_obj is None and not create_missing:
            errors.append(_("The region %(region)s does not exist.") % {"region": region})
    if errors:
        return ImportResult(errors=errors, bad_lines=len(bad))
    with transaction.atomic():
        return _write(actor, rows, targets, region, region_obj)


def _write(
    actor: Actor | None,
    rows: list[FigureRow],
    targets: dict[int, Municipality | FigureRow],
    region: Region | str | None,
    region_obj: Region | None,
) -> ImportResult:
    result = ImportResult()
    if isinstance(region, str) and region_obj is None:
        region_obj = Region.objects.create(name=region)
        result.region_created = True
    result.region = region_obj.name if region_obj is not None else None
    municipalities: dict[int, Municipality] = {}  # per line
    created: dict[str, Municipality] = {}
    for row in rows:
        target = targets[row.line]
        if isinstance(target, FigureRow):
            if row.code not in created:
                created[row.code] = Municipality.objects.create(name=row.name, code=row.code)
                result.municipalities_created.append(f"{row.name} ({row.code})")
            municipality = created[row.code]
        else:
            municipality = target
            if not municipality.code:
                municipality.code = row.code
                municipality.save(update_fields=["code"])
                result.codes_recorded.append(
                    _("Code %(code)s recorded for %(municipality)s.")
                    % {"code": row.code, "municipality": municipality.name}
                )
        municipalities[row.line] = municipality
    stored = {
        (figure.municipality_id, figure.year): figure
        for figure in PublicFigure.objects.filter(
            municipality_id__in={m.pk for m in municipalities.values()}, year__in={row.year for row in rows}
        )
    }
    for row in rows:
        municipality = municipalities[row.line]
        figure = stored.get((municipality.pk, row.year))
        if figure is None:
            PublicFigure.objects.create(municipality=municipality, year=row.year, **row.counts)
            result.rows.append(RowChange(row.line, row.code, municipality.name, row.year, "created"))
            continue
        changed: dict[str, tuple[int | None, int]] = {}
        for name, value in row.counts.items():
            before = getattr(figure, name)
            if value is None:
                result.kept_by_empty_cells += before is not None
            elif value != before:
                changed[name] = (before, value)
                setattr(figure, name, value)
        if changed:
            figure.save(update_fields=[*changed, "updated_at"])
        result.rows.append(
            RowChange(row.line, row.code, municipality.name, row.year, "updated" if changed else "unchanged", changed)
        )
    if region_obj is not None:
        already = set(region_obj.municipalities.values_list("pk", flat=True))
        new_members = {m.pk: m for m in municipalities.values() if m.pk not in already}
        region_obj.municipalities.add(*new_members.values())
        result.added_to_region = sorted(m.name for m in new_members.values())
    result.rows.sort(key=lambda change: (change.municipality, change.year))
    record_event(
        actor,
        InsightsAction.IMPORT_PUBLIC_FIGURES,
        obj=region_obj,
        detail={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "municipalities_created": result.municipalities_created,
            "codes_recorded": len(result.codes_recorded),
            "region": result.region,
            "region_created": result.region_created,
            "added_to_region": result.added_to_region,
        },
    )
    return result
