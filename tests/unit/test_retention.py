"""The retention rule: when is a closed dossier past its school's term? Pure date arithmetic."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.meldcode.retention import DEFAULT_YEARS, MAX_YEARS, MIN_YEARS, add_years, is_past_term, term_ends


def past(closed_on, years, today, *, is_open=False):
    return is_past_term(is_open=is_open, closed_on=closed_on, years=years, today=today)


def test_the_default_lies_within_the_bounds():
    assert MIN_YEARS <= DEFAULT_YEARS <= MAX_YEARS
    assert (MIN_YEARS, DEFAULT_YEARS, MAX_YEARS) == (1, 5, 20)


# (closed on, years, today, past its term?)
CASES = [
    (date(2020, 3, 10), 5, date(2025, 3, 9), False),
    (date(2020, 3, 10), 5, date(2025, 3, 10), False),  # the anniversary is the term's last day
    (date(2020, 3, 10), 5, date(2025, 3, 11), True),
    (date(2020, 3, 10), 5, date(2030, 1, 1), True),
    (date(2020, 3, 10), 5, date(2020, 3, 10), False),
    (date(2020, 3, 10), 1, date(2021, 3, 11), True),
    (date(2020, 3, 10), 20, date(2040, 3, 10), False),
    (date(2020, 3, 10), 20, date(2040, 3, 11), True),
    (date(2020, 12, 31), 1, date(2021, 12, 31), False),
    (date(2020, 12, 31), 1, date(2022, 1, 1), True),
    (date(2020, 1, 1), 2, date(2021, 12, 31), False),
    # 29 February: the term ends on 28 February when the year it ends in has no 29th.
    (date(2024, 2, 29), 1, date(2025, 2, 28), False),
    (date(2024, 2, 29), 1, date(2025, 3, 1), True),
    (date(2024, 2, 29), 4, date(2028, 2, 29), False),  # a leap year again: the 29th itself
    (date(2024, 2, 29), 4, date(2028, 3, 1), True),
    (date(2024, 2, 29), 5, date(2029, 2, 28), False),
    (date(2024, 2, 29), 5, date(2029, 3, 1), True),
    (date(2024, 2, 28), 1, date(2025, 3, 1), True),
    (date(2024, 3, 1), 1, date(2025, 3, 1), False),
    (date(2023, 2, 28), 1, date(2024, 2, 29), True),  # the term ended on the 28th of the leap year
    (date(2023, 3, 1), 1, date(2024, 2, 29), False),
    # A closing date in the future (clock trouble) is never past its term.
    (date(2030, 1, 1), 1, date(2026, 1, 1), False),
]


@pytest.mark.parametrize(("closed_on", "years", "today", "expected"), CASES)
def test_past_its_term(closed_on, years, today, expected):
    assert past(closed_on, years, today) is expected


@pytest.mark.parametrize(("closed_on", "years", "today", "_expected"), CASES)
def test_an_open_dossier_is_never_past_its_term(closed_on, years, today, _expected):
    # Also when it carries the closing date of an earlier closing (closed long ago, then reopened).
    assert past(closed_on, years, today, is_open=True) is False


@pytest.mark.parametrize("years", [MIN_YEARS, DEFAULT_YEARS, MAX_YEARS])
def test_a_dossier_without_a_closing_date_is_never_past_its_term(years):
    assert past(None, years, date(2100, 1, 1)) is False


@pytest.mark.parametrize("years", [0, -1, -5])
def test_a_term_is_at_least_a_year(years):
    with pytest.raises(ValueError):
        term_ends(date(2020, 1, 1), years)
    with pytest.raises(ValueError):
        past(date(2020, 1, 1), years, date(2030, 1, 1))


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2024, 2, 29), -4, date(2020, 2, 29)),
        (date(2023, 2, 28), 1, date(2024, 2, 28)),
        (date(2020, 7, 15), 0, date(2020, 7, 15)),
        (date(2020, 7, 15), -3, date(2017, 7, 15)),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


# Properties over arbitrary dates and terms. ---------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
terms = st.integers(MIN_YEARS, MAX_YEARS)


@given(closed_on=days, years=terms)
def test_the_term_ends_on_the_anniversary_or_the_day_before_it(closed_on, years):
    end = term_ends(closed_on, years)
    assert end.year == closed_on.year + years
    assert (end.month, end.day) == (closed_on.month, closed_on.day) or (closed_on.month, closed_on.day) == (2, 29)
    assert timedelta(days=365 * years) <= end - closed_on <= timedelta(days=366 * years)


@given(closed_on=days, years=terms)
def test_kept_through_the_last_day_and_past_the_day_after(closed_on, years):
    end = term_ends(closed_on, years)
    assert past(closed_on, years, end) is False
    assert past(closed_on, years, end + timedelta(days=1)) is True


@given(closed_on=days, years=terms, today=days, later=st.integers(0, 4000))
def test_once_past_its_term_a_dossier_stays_past_it(closed_on, years, today, later):
    if past(closed_on, years, today):
        assert past(closed_on, years, today + timedelta(days=later))


@given(closed_on=days, years=terms, today=days, earlier=st.integers(0, 4000))
def test_a_dossier_closed_earlier_is_past_its_term_no_later(closed_on, years, today, earlier):
    if past(closed_on, years, today):
        assert past(closed_on - timedelta(days=earlier), years, today)


@given(closed_on=days, years=st.integers(MIN_YEARS, MAX_YEARS - 1), today=days)
def test_a_longer_term_never_destroys_sooner(closed_on, years, today):
    if past(closed_on, years + 1, today):
        assert past(closed_on, years, today)


@given(closed_on=days, years=terms, today=days)
def test_never_within_the_term(closed_on, years, today):
    if today <= add_years(closed_on, years):
        assert not past(closed_on, years, today)


@given(closed_on=days, years=terms, today=days)
def test_open_dossiers_never(closed_on, years, today):
    assert not past(closed_on, years, today, is_open=True)
