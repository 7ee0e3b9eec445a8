"""When something in a pupil's school life can have happened: one rule for every date a user types.

A signal, a consultation, a conversation, a report, a police notice: each happened on a day that
lies after the pupil was born and not in the future. A day long ago is possible (a teacher writes
down an old memory) but more often a typing error (2204 for 2024, 1900 from a spreadsheet), so a
day more than `recent_days` ago (two years by default, `HAVEN_DATE_CONFIRM_AFTER_DAYS`) is taken
only when the user confirms it. Without a pupil's date of birth, a day more than `EARLIEST_YEARS`
ago cannot concern a pupil at school at all.

`date_problem` is the pure rule; `check_date` is the guard the services call, which turns a problem
into the Dutch message on the field.
"""

from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# No pupil at school was born more than this many years ago.
EARLIEST_YEARS = 25
DEFAULT_RECENT_DAYS = 730
CONFIRM_FIELD = "date_confirmed"
NEEDS_CONFIRMATION = "date_needs_confirmation"


class DateProblem(StrEnum):
    FUTURE = "future"
    BEFORE_BIRTH = "before_birth"
    IMPLAUSIBLE = "implausible"
    NEEDS_CONFIRMATION = "needs_confirmation"


def date_problem(
    value: date,
    *,
    today: date,
    born_on: date | None = None,
    recent_days: int = DEFAULT_RECENT_DAYS,
    confirmed: bool = False,
    future_allowed: bool = False,
) -> DateProblem | None:
    """What is wrong with `value` as the day something happened to a pupil born on `born_on`."""
    if value > today and not future_allowed:
        return DateProblem.FUTURE
    if born_on is not None and value < born_on:
        return DateProblem.BEFORE_BIRTH
    if value < _years_before(today, EARLIEST_YEARS):
        return DateProblem.IMPLAUSIBLE
    if value < today - timedelta(days=recent_days) and not confirmed:
        return DateProblem.NEEDS_CONFIRMATION
    return None


def birth_date_problem(value: date, *, today: date) -> bool:
    """A pupil's date of birth lies in the past, and not more than `EARLIEST_YEARS` ago."""
    return value >= today or value < _years_before(today, EARLIEST_YEARS)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _period(days: int) -> str:
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def recent_days() -> int:
    return int(getattr(settings, "HAVEN_DATE_CONFIRM_AFTER_DAYS", DEFAULT_RECENT_DAYS))


def check_date(
    value: date,
    field: str,
    *,
    born_on: date | None = None,
    confirmed: bool = False,
    future_allowed: bool = False,
) -> None:
    """Raise the field's Dutch message when `value` cannot be the day it happened."""
    problem = date_problem(
        value,
        today=timezone.localdate(),
        born_on=born_on,
        recent_days=recent_days(),
        confirmed=confirmed,
        future_allowed=future_allowed,
    )
    if problem is None:
        return
    if problem is DateProblem.FUTURE:
        message = _("The date cannot be in the future.")
    elif problem is DateProblem.BEFORE_BIRTH:
        message = _("The date lies before the pupil was born (%(born)s). Check the year.") % {
            "born": born_on.strftime("%d-%m-%Y") if born_on else ""
        }
    elif problem is DateProblem.IMPLAUSIBLE:
        message = _("The date lies more than %(years)s years ago: that cannot be right. Check the year.") % {
            "years": EARLIEST_YEARS
        }
    else:
        message = _(
            "The date lies more than %(period)s ago. Is it right? Then tick 'This date is right' and save again."
        ) % {"period": _period(recent_days())}
        raise ValidationError({field: ValidationError(message, code=NEEDS_CONFIRMATION)})
    raise ValidationError({field: message})
