"""Periods of the monitoring: school years (1 August - 31 July) and calendar years. Pure.

Schools think in school years; Veilig Thuis and CBS count calendar years. A period is named by
the year it starts in: school year 2025 is 1 August 2025 - 31 July 2026.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    SCHOOL_YEAR = "school_year"
    CALENDAR_YEAR = "calendar_year"


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 8, 1) if self.kind == PeriodKind.SCHOOL_YEAR else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period (half-open: start <= day < end)."""
        return date(self.year + 1, 8, 1) if self.kind == PeriodKind.SCHOOL_YEAR else date(self.year + 1, 1, 1)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.year + 1}" if self.kind == PeriodKind.SCHOOL_YEAR else str(self.year)

    @property
    def slug(self) -> str:
        """The period in a URL or a file name: "2025-2026" or "2025"."""
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def previous(self) -> "Period":
        return Period(self.kind, self.year - 1)

    def months(self) -> list[date]:
        """The first day of each of its twelve months."""
        first = self.start
        return [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(12)]

    @property
    def pupil_count_date(self) -> date:
        """The day pupils are counted for the prevalence bound: 1 October, as DUO counts, of the
        school year that starts in this period's year (the same count for both kinds)."""
        return date(self.year, 10, 1)


def period_of(day: date, kind: PeriodKind) -> Period:
    if kind == PeriodKind.SCHOOL_YEAR:
        return Period(kind, day.year if day.month >= 8 else day.year - 1)
    return Period(kind, day.year)


def last_periods(today: date, kind: PeriodKind, count: int = 5) -> list[Period]:
    """The current period and the ones before it, oldest first."""
    current = period_of(today, kind)
    return [Period(kind, current.year - offset) for offset in range(count - 1, -1, -1)]


def parse_period(text: str, kind: PeriodKind | None = None) -> Period | None:
    """ "2025-2026" is a school year, "2025" a calendar year; anything else is None."""
    text = text.strip()
    if len(text) == 9 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        start, end = int(text[:4]), int(text[5:])
        if end == start + 1 and 1900 < start < 2200 and kind in (None, PeriodKind.SCHOOL_YEAR):
            return Period(PeriodKind.SCHOOL_YEAR, start)
        return None
    if len(text) == 4 and text.isdigit() and 1900 < int(text) < 2200 and kind in (None, PeriodKind.CALENDAR_YEAR):
        return Period(PeriodKind.CALENDAR_YEAR, int(text))
    return None


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)
