"""The one diff of an import: what Haven has against what the administration's file says. Pure.

Rules (the same for EDEXML and CSV):
- A pupil is matched on the administration's key. A pupil Haven has without a key (typed in by
  hand) is matched once on first name, surname and date of birth together, when exactly one pupil
  on each side has them; never on the name alone. The match gives the pupil the key.
- A pupil in the file that matches nobody is added.
- A matched pupil's first name, surname, date of birth and group in the file's school year are
  updated when they differ; a pupil who had left and is in the file again comes back.
- A pupil of Haven who is not in the file (and not among its rejected rows) is marked as left on
  `today`; one who had already left stays as they are.
- Groups of the file that the school year does not have yet are added; a teacher in the file with
  an account at the school is added to their groups. Nothing is ever taken away or deleted.
- Rejected rows are listed with their reason; while there are any, the import cannot be applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from haven.pupils.administration.records import (
    CurrentPupil,
    CurrentState,
    Incoming,
    IncomingGroup,
    IncomingPupil,
    IncomingTeacher,
    Rejected,
)

CHANGEABLE = ("first_name", "last_name", "date_of_birth", "group")


@dataclass(frozen=True)
class Change:
    pupil: CurrentPupil
    incoming: IncomingPupil
    # field -> (what Haven has, what the file says); "key" when a hand-typed pupil gets theirs,
    # "left_on" when a pupil who had left comes back.
    fields: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class TeacherLine:
    teacher: IncomingTeacher
    account_id: int | None  # the school's account with the teacher's e-mail address, if any


@dataclass
class Plan:
    school_year: str
    today: dt.date
    added: list[IncomingPupil] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    left: list[CurrentPupil] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    groups_added: list[IncomingGroup] = field(default_factory=list)
    # (group name, account id): existing accounts that become teachers of a group.
    teachers_added: list[tuple[str, int]] = field(default_factory=list)
    teachers: list[TeacherLine] = field(default_factory=list)
    # What the plan was made from: the apply makes it again under its lock, to see that it still holds.
    incoming: Incoming | None = field(default=None, repr=False, compare=False)

    @property
    def can_apply(self) -> bool:
        return not self.rejected

    @property
    def changes_nothing(self) -> bool:
        return not (self.added or self.changed or self.left or self.groups_added or self.teachers_added)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "left": len(self.left),
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "groups_added": len(self.groups_added),
            "teachers_added": len(self.teachers_added),
        }

    def fingerprint(self) -> str:
        """Short and stable: the same plan gives the same value (the apply form checks it)."""
        parts = [
            self.school_year,
            *(f"a:{p.key}" for p in self.added),
            *(f"c:{c.pupil.pk}:{sorted(c.fields.items())}" for c in self.changed),
            *(f"l:{p.pk}" for p in self.left),
            *(f"g:{g.name}" for g in self.groups_added),
            *(f"t:{name}:{pk}" for name, pk in self.teachers_added),
            *(f"r:{r.row}:{r.key}" for r in self.rejected),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _identity(first_name: str, last_name: str, date_of_birth: dt.date) -> tuple[str, str, dt.date]:
    return (first_name.strip().lower(), last_name.strip().lower(), date_of_birth)


def plan(current: CurrentState, incoming: Incoming, today: dt.date) -> Plan:
    result = Plan(school_year=incoming.school_year, today=today, rejected=list(incoming.rejected), incoming=incoming)
    by_key = {p.key: p for p in current.pupils if p.key}
    keyless = [p for p in current.pupils if not p.key]
    keyless_ids = Counter(_identity(p.first_name, p.last_name, p.date_of_birth) for p in keyless)
    keyless_by_id = {_identity(p.first_name, p.last_name, p.date_of_birth): p for p in keyless}
    new_ids = Counter(
        _identity(p.first_name, p.last_name, p.date_of_birth) for p in incoming.pupils if p.key not in by_key
    )

    matched: set[int] = set()
    for pupil in incoming.pupils:
        existing = by_key.get(pupil.key)
        fields: dict[str, tuple[str, str]] = {}
        if existing is None:
            identity = _identity(pupil.first_name, pupil.last_name, pupil.date_of_birth)
            if keyless_ids[identity] == 1 and new_ids[identity] == 1:
                existing = keyless_by_id[identity]
                fields["key"] = ("", pupil.key)
        if existing is None:
            result.added.append(pupil)
            continue
        matched.add(existing.pk)
        for name in CHANGEABLE:
            old, new = str(getattr(existing, name)), str(getattr(pupil, name))
            if old != new:
                fields[name] = (old, new)
        if existing.left_on is not None:
            fields["left_on"] = (existing.left_on.isoformat(), "")
        if fields:
            result.changed.append(Change(pupil=existing, incoming=pupil, fields=fields))
        else:
            result.unchanged += 1

    rejected_keys = {r.key for r in incoming.rejected if r.key}
    result.left = [
        p for p in current.pupils if p.pk not in matched and p.left_on is None and p.key not in rejected_keys
    ]

    result.groups_added = [g for g in incoming.groups if g.name not in current.groups]
    for teacher in incoming.teachers:
        account = current.accounts.get(teacher.email) if teacher.email else None
        result.teachers.append(TeacherLine(teacher=teacher, account_id=account))
        if account is None:
            continue
        for name in teacher.groups:
            if teacher.email not in current.groups.get(name, frozenset()):
                result.teachers_added.append((name, account))
    return result
