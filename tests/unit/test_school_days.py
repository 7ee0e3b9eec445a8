"""School days (Monday to Friday) for the overdue rule of a transfer: checked against counting day by day."""

from datetime import date, timedelta

import pytest

from haven.handover.school_days import (
    PICK_UP_SCHOOL_DAYS,
    add_school_days,
    is_overdue,
    is_school_day,
    pick_up_by,
    school_days_between,
)

# Monday 7 December 2026, and four weeks of start days around it (every weekday, twice over a year's end).
MONDAY = date(2026, 12, 7)
STARTS = [MONDAY + timedelta(days=n) for n in range(-3, 32)]


def slow_count(start: date, end: date) -> int:
    return sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5)


def slow_add(start: date, count: int) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def test_monday_to_friday_are_school_days_and_the_weekend_is_not():
    assert [is_school_day(MONDAY + timedelta(days=n)) for n in range(7)] == [True] * 5 + [False] * 2


@pytest.mark.parametrize("start", STARTS)
def test_counting_matches_counting_day_by_day(start):
    for length in range(0, 60):
        end = start + timedelta(days=length)
        assert school_days_between(start, end) == slow_count(start, end), (start, end)
    assert school_days_between(start, start - timedelta(days=3)) == 0


@pytest.mark.parametrize("start", STARTS)
def test_adding_matches_adding_day_by_day(start):
    for count in range(0, 40):
        assert add_school_days(start, count) == slow_add(start, count), (start, count)


def test_adding_a_negative_number_is_refused():
    with pytest.raises(ValueError):
        add_school_days(MONDAY, -1)


@pytest.mark.parametrize(
    ("sent_on", "last_day"),
    [
        (date(2026, 12, 7), date(2026, 12, 14)),  # Monday: the next Monday
        (date(2026, 12, 9), date(2026, 12, 16)),  # Wednesday: the next Wednesday
        (date(2026, 12, 11), date(2026, 12, 18)),  # Friday: the next Friday
        (date(2026, 12, 12), date(2026, 12, 18)),  # Saturday: the Friday after
        (date(2026, 12, 13), date(2026, 12, 18)),  # Sunday: the Friday after
        (date(2026, 12, 31), date(2027, 1, 7)),  # over the new year
    ],
)
def test_five_school_days_to_pick_up(sent_on, last_day):
    assert PICK_UP_SCHOOL_DAYS == 5
    assert pick_up_by(sent_on) == last_day
    assert not is_overdue(sent_on, last_day)
    assert not is_overdue(sent_on, sent_on)
    assert is_overdue(sent_on, slow_add(last_day, 1))


@pytest.mark.parametrize("start", STARTS)
def test_overdue_exactly_from_the_first_school_day_after_the_last_day(start):
    last_day = pick_up_by(start)
    for length in range(0, 30):
        today = start + timedelta(days=length)
        assert is_overdue(start, today) == (today > last_day and slow_count(start, today) > 5), (start, today)
    # A weekend right after the last day does not make it overdue yet: only the next school day does.
    assert is_overdue(start, slow_add(last_day, 1))
