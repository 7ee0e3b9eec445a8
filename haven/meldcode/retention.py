"""How long a closed dossier is kept: the retention rule, as pure date arithmetic.

A school sets its term in whole years (`School.retention_years`); the term runs from the day the
dossier was last closed. An open dossier has no term: it is never past it, however long ago it
was first closed. Records kept without a dossier (an advice request to Veilig Thuis, a
verwijsindex entry) have the same term, counted from their own date, and are kept longer while
the pupil still has a dossier that is kept (`record_is_past_term`). Why the default is what it
is, and why this rule: `docs/retention.md`.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

DEFAULT_YEARS = 5
# Less than a year would destroy a dossier while Veilig Thuis may still be investigating or
# monitoring (about 10 weeks, then a check after 3 months), or while the agreed help is evaluated.
MIN_YEARS = 1
# The Jeugdwet's term for youth care files (20 years) is the longest any Dutch rule asks of a
# professional file about a child; a school has no reason to keep its own notes longer.
MAX_YEARS = 20


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def term_ends(closed_on: date, years: int) -> date:
    """The last day a dossier closed on `closed_on` is kept: the anniversary of its closing."""
    if years < 1:
        raise ValueError("A retention term is at least one year.")
    return add_years(closed_on, years)


def is_past_term(*, is_open: bool, closed_on: date | None, years: int, today: date) -> bool:
    """Is a dossier past its retention term today?

    An open dossier never is, also when it was closed long ago and reopened; nor is a dossier
    without a closing date. The term includes its last day, so a dossier is past it from the day
    after the anniversary of its latest closing, never on that day itself.
    """
    if is_open or closed_on is None:
        return False
    return today > term_ends(closed_on, years)


@dataclass(frozen=True)
class DossierTerm:
    """What the retention rule needs of one of the pupil's dossiers at the school."""

    is_open: bool
    closed_on: date | None


def record_is_past_term(*, dated: date, years: int, today: date, dossiers: Iterable[DossierTerm] = ()) -> bool:
    """Is a record kept without a dossier past its retention term today?

    `dated` is the record's own date (the day the advice was asked, the day the verwijsindex
    signal was placed or ended); `dossiers` are the pupil's dossiers at the same school (none for
    an advice request that names no pupil). The record is kept through its own term, counted from
    `dated` exactly as a dossier's is from its closing; after that it is kept for as long as any
    of those dossiers is kept (open, or closed and within its own term), and goes with the last of
    them. In other words: kept until the latest of its own term and the terms of the pupil's
    dossiers, never destroyed before its own term has passed. A dossier opened or reopened later
    holds it again, as long as it was not destroyed yet.
    """
    if today <= term_ends(dated, years):
        return False
    return all(
        is_past_term(is_open=dossier.is_open, closed_on=dossier.closed_on, years=years, today=today)
        for dossier in dossiers
    )
