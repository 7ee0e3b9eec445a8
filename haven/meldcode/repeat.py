"""Repeated care (hermelding): does a pupil, with their brothers and sisters, keep coming back?

One Veilig Thuis region intensifies its involvement when a family has three dossiers within five
years; a second report to Veilig Thuis about the same family is by definition a re-report. This
module is that rule as pure date arithmetic: it gets the dossiers of a pupil and of their
siblings (each with the date it was opened and whether a report to Veilig Thuis was made in it),
the school's threshold and window (`School.repeat_threshold`, `School.repeat_years`) and today,
and says whether this is repeated care and which dossiers count. It imports nothing from Django.

The window runs back `years` calendar years from today, including that day: on 10 May 2026 a
five-year window starts on 10 May 2021. A dossier opened after today (a clock error) does not
count. The same dossier given twice (through two sibling links) counts once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from haven.meldcode.retention import add_years

DEFAULT_THRESHOLD = 3
DEFAULT_YEARS = 5
# One dossier is no repetition; more than ten within the window would never warn anyone in time.
MIN_THRESHOLD, MAX_THRESHOLD = 2, 10
# The window cannot usefully be longer than dossiers are kept (School.retention_years, at most 20).
MIN_YEARS, MAX_YEARS = 1, 20
# A second report to Veilig Thuis within the window is a re-report, whatever the threshold.
REPEAT_REPORTS = 2


class Reason(StrEnum):
    DOSSIERS = "dossiers"  # at least `threshold` dossiers within the window
    REPORTS = "reports"  # at least REPEAT_REPORTS dossiers with a report to Veilig Thuis within it


@dataclass(frozen=True)
class DossierFact:
    """One dossier as the rule sees it. `key` identifies it (the case id); `sibling` is the first
    name of the brother or sister it belongs to, or None for the pupil themself."""

    key: int
    opened_on: date
    reported: bool = False
    sibling: str | None = None


@dataclass(frozen=True)
class RepeatFinding:
    threshold: int
    years: int
    since: date  # the first day of the window
    counted: tuple[DossierFact, ...]  # the dossiers within the window, oldest first
    reasons: tuple[Reason, ...]

    @property
    def is_repeat(self) -> bool:
        return bool(self.reasons)

    @property
    def count(self) -> int:
        return len(self.counted)

    @property
    def reported(self) -> tuple[DossierFact, ...]:
        return tuple(d for d in self.counted if d.reported)

    @property
    def involves_siblings(self) -> bool:
        return any(d.sibling is not None for d in self.counted)


def window_start(today: date, years: int) -> date:
    return add_years(today, -years)


def assess(dossiers: Iterable[DossierFact], *, threshold: int, years: int, today: date) -> RepeatFinding:
    """Is this repeated care today, and which dossiers count?"""
    if threshold < 1:
        raise ValueError("The threshold is at least one dossier.")
    if years < 1:
        raise ValueError("The window is at least one year.")
    since = window_start(today, years)
    unique: dict[int, DossierFact] = {}
    for dossier in dossiers:
        unique.setdefault(dossier.key, dossier)
    counted = tuple(
        sorted(
            (d for d in unique.values() if since <= d.opened_on <= today),
            key=lambda d: (d.opened_on, d.key),
        )
    )
    reasons: list[Reason] = []
    if len(counted) >= threshold:
        reasons.append(Reason.DOSSIERS)
    if sum(1 for d in counted if d.reported) >= REPEAT_REPORTS:
        reasons.append(Reason.REPORTS)
    return RepeatFinding(threshold=threshold, years=years, since=since, counted=counted, reasons=tuple(reasons))
