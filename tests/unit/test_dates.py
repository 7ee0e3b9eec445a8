"""The rule for every date a user types: after birth, not in the future, long ago only when confirmed."""

from datetime import date, timedelta

import pytest

from haven.pupils.dates import DateProblem, birth_date_problem, date_problem

TODAY = date(2026, 12, 7)
BORN = date(2016, 3, 14)


@pytest.mark.parametrize(
    ("value", "kwargs", "problem"),
    [
        (TODAY, {}, None),
        (TODAY + timedelta(days=1), {}, DateProblem.FUTURE),
        (TODAY + timedelta(days=30), {"future_allowed": True}, None),
        (BORN, {"born_on": BORN}, DateProblem.NEEDS_CONFIRMATION),  # ten years ago
        (BORN, {"born_on": BORN, "confirmed": True}, None),
        (BORN - timedelta(days=1), {"born_on": BORN, "confirmed": True}, DateProblem.BEFORE_BIRTH),
        (date(1900, 1, 1), {"born_on": BORN, "confirmed": True}, DateProblem.BEFORE_BIRTH),
        # Without a date of birth 1900 is still refused, confirmed or not.
        (date(1900, 1, 1), {"confirmed": True}, DateProblem.IMPLAUSIBLE),
        (date(2001, 12, 6), {"confirmed": True}, DateProblem.IMPLAUSIBLE),
        (date(2001, 12, 7), {"confirmed": True}, None),
        # Two years is the default edge: the day itself needs no confirmation, the day before does.
        (TODAY - timedelta(days=730), {}, None),
        (TODAY - timedelta(days=731), {}, DateProblem.NEEDS_CONFIRMATION),
        (TODAY - timedelta(days=731), {"confirmed": True}, None),
        (TODAY - timedelta(days=100), {"recent_days": 90}, DateProblem.NEEDS_CONFIRMATION),
        (TODAY - timedelta(days=80), {"recent_days": 90}, None),
        # The future is checked before the birth: a date of birth in the future changes nothing.
        (TODAY + timedelta(days=1), {"born_on": BORN, "confirmed": True}, DateProblem.FUTURE),
    ],
)
def test_date_problem(value, kwargs, problem):
    assert date_problem(value, today=TODAY, **kwargs) == problem


def test_the_earliest_day_on_29_february():
    leap = date(2028, 2, 29)
    assert date_problem(date(2003, 2, 28), today=leap, confirmed=True) is None
    assert date_problem(date(2003, 2, 27), today=leap, confirmed=True) is DateProblem.IMPLAUSIBLE


@pytest.mark.parametrize(
    ("value", "wrong"),
    [
        (BORN, False),
        (TODAY, True),
        (TODAY + timedelta(days=1), True),
        (date(1900, 1, 1), True),
        (date(2001, 12, 7), False),
    ],
)
def test_a_date_of_birth_lies_in_the_past_and_not_too_long_ago(value, wrong):
    assert birth_date_problem(value, today=TODAY) is wrong
