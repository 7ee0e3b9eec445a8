"""What a file of the school's administration says, and what Haven has: plain data, no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# The size limit of an uploaded file: far above a school of 2,000 pupils (about 1 MB of EDEXML).
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileRefused(Exception):
    """The whole file cannot be read (not XML, wrong root, wrong encoding, too large, ...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IncomingPupil:
    key: str
    first_name: str
    last_name: str  # with its voorvoegsel: "van den Berg"
    date_of_birth: dt.date
    group: str  # the group's name; "" for none
    row: int  # the row in the CSV, the pupil's position in the EDEXML file


@dataclass(frozen=True)
class IncomingGroup:
    name: str
    composite: bool = False  # a samengestelde groep


@dataclass(frozen=True)
class IncomingTeacher:
    key: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...] = ()  # the names of the groups they teach


@dataclass(frozen=True)
class Rejected:
    row: int
    key: str
    reason: str


@dataclass
class Incoming:
    school_year: str
    brin: str = ""
    pupils: list[IncomingPupil] = field(default_factory=list)
    groups: list[IncomingGroup] = field(default_factory=list)
    teachers: list[IncomingTeacher] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for pupil in data["pupils"]:
            pupil["date_of_birth"] = pupil["date_of_birth"].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incoming:
        return cls(
            school_year=data["school_year"],
            brin=data.get("brin", ""),
            pupils=[
                IncomingPupil(**{**p, "date_of_birth": dt.date.fromisoformat(p["date_of_birth"])})
                for p in data["pupils"]
            ],
            groups=[IncomingGroup(**g) for g in data["groups"]],
            teachers=[IncomingTeacher(**{**t, "groups": tuple(t["groups"])}) for t in data["teachers"]],
            rejected=[Rejected(**r) for r in data["rejected"]],
        )


@dataclass(frozen=True)
class CurrentPupil:
    pk: int
    key: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    group: str  # the group's name in the file's school year; "" for none
    left_on: dt.date | None = None


@dataclass
class CurrentState:
    school_year: str
    pupils: list[CurrentPupil] = field(default_factory=list)
    # Each group of the school year, by name, with the e-mail addresses (lower case) of its teachers.
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    # The school's staff accounts by e-mail address (lower case).
    accounts: dict[str, int] = field(default_factory=dict)


def school_year_of(day: dt.date) -> str:
    """The school year a day falls in: from 1 August ("2026-2027")."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"
