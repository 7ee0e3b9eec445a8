"""School days, as a tracked transfer between two Haven schools counts them: Monday to Friday.

A transfer is sent on some day and has to be picked up (accepted or refused) within
`PICK_UP_SCHOOL_DAYS` school days after it: sent on a Monday, its last day is the next Monday;
sent on a Saturday, the Friday after. Holidays are not known to Haven and count as school days.
Pure functions: nothing here imports Django.
"""

from datetime import date, timedelta

PICK_UP_SCHOOL_DAYS = 5
# Monday is 0 ... Friday is 4 (date.weekday()).
_FRIDAY = 4


def is_school_day(day: date) -> bool:
    return day.weekday() <= _FRIDAY


def add_school_days(start: date, count: int) -> date:
    """The `count`-th school day after `start` (`start` itself never counts); `count` 0 is `start`."""
    if count < 0:
        raise ValueError("count must be 0 or more")
    whole_weeks, rest = divmod(count, 5)
    day = start + timedelta(weeks=whole_weeks)
    while rest:
        day += timedelta(days=1)
        if is_school_day(day):
            rest -= 1
    if count and whole_weeks and not rest and not is_school_day(day):
        # Whole weeks from a weekend day land on a weekend day: go back to the Friday before.
        day -= timedelta(days=day.weekday() - _FRIDAY)
    return day


def school_days_between(start: date, end: date) -> int:
    """How many school days come after `start`, up to and including `end` (0 when `end` is not later)."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    count = whole_weeks * 5
    day = start + timedelta(weeks=whole_weeks)
    for _ in range(extra):
        day += timedelta(days=1)
        count += is_school_day(day)
    return count


def pick_up_by(sent_on: date, days: int = PICK_UP_SCHOOL_DAYS) -> date:
    """The last day on which a transfer sent on `sent_on` is picked up in time."""
    return add_school_days(sent_on, days)


def is_overdue(sent_on: date, today: date, days: int = PICK_UP_SCHOOL_DAYS) -> bool:
    """More than `days` school days have passed since the transfer was sent, and it is still waiting."""
    return school_days_between(sent_on, today) > days
