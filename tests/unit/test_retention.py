"""The retention rule: when is a closed dossier past its school's term? Pure date arithmetic."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.meldcode.retention import (
    DEFAULT_YEARS,
    MAX_YEARS,
    MIN_YEARS,
    DossierTerm,
    add_years,
    is_past_term,
    record_is_past_term,
    term_ends,
)


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


# Records kept without a dossier (advice requests, verwijsindex entries). -----------------------------

OPEN = DossierTerm(is_open=True, closed_on=None)
REOPENED = DossierTerm(is_open=True, closed_on=date(2010, 1, 1))  # closed long ago, open again


def closed(on):
    return DossierTerm(is_open=False, closed_on=on)


def record_past(dated, years, today, *dossiers):
    return record_is_past_term(dated=dated, years=years, today=today, dossiers=dossiers)


# (the record's date, years, today, the pupil's dossiers, past its term?)
RECORD_CASES = [
    # Without a dossier: its own term, counted from its own date like a dossier's from its closing.
    (date(2020, 3, 10), 5, date(2025, 3, 10), (), False),  # the anniversary is the last day
    (date(2020, 3, 10), 5, date(2025, 3, 11), (), True),
    (date(2024, 2, 29), 1, date(2025, 2, 28), (), False),
    (date(2024, 2, 29), 1, date(2025, 3, 1), (), True),
    (date(2030, 1, 1), 1, date(2026, 1, 1), (), False),  # a date in the future is never past
    # An open dossier keeps it, also one reopened after an old closing.
    (date(2010, 1, 1), 5, date(2026, 1, 1), (OPEN,), False),
    (date(2010, 1, 1), 5, date(2026, 1, 1), (REOPENED,), False),
    # A closed dossier within its term keeps it until the dossier's own term ends...
    (date(2015, 6, 1), 5, date(2026, 1, 1), (closed(date(2022, 5, 1)),), False),
    (date(2015, 6, 1), 5, date(2027, 5, 1), (closed(date(2022, 5, 1)),), False),
    (date(2015, 6, 1), 5, date(2027, 5, 2), (closed(date(2022, 5, 1)),), True),
    # ... and a dossier past its term keeps nothing.
    (date(2015, 6, 1), 5, date(2026, 1, 1), (closed(date(2020, 1, 1)),), True),
    # The record's own term is never shortened by a dossier that ends sooner.
    (date(2024, 6, 1), 5, date(2029, 6, 1), (closed(date(2020, 1, 1)),), False),
    (date(2024, 6, 1), 5, date(2029, 6, 2), (closed(date(2020, 1, 1)),), True),
    # Several dossiers: the last one kept decides.
    (date(2010, 1, 1), 5, date(2026, 1, 1), (closed(date(2012, 1, 1)), closed(date(2021, 3, 1))), False),
    (date(2010, 1, 1), 5, date(2026, 3, 2), (closed(date(2012, 1, 1)), closed(date(2021, 3, 1))), True),
    (date(2010, 1, 1), 5, date(2026, 3, 2), (closed(date(2012, 1, 1)), OPEN), False),
    # A closed dossier without a closing date is never past its term, so it keeps the record.
    (date(2010, 1, 1), 5, date(2026, 1, 1), (closed(None),), False),
    # The school's term applies to both: one year.
    (date(2024, 1, 10), 1, date(2025, 1, 11), (closed(date(2024, 6, 1)),), False),
    (date(2024, 1, 10), 1, date(2025, 6, 2), (closed(date(2024, 6, 1)),), True),
]


@pytest.mark.parametrize(("dated", "years", "today", "dossiers", "expected"), RECORD_CASES)
def test_a_record_without_a_dossier_past_its_term(dated, years, today, dossiers, expected):
    assert record_past(dated, years, today, *dossiers) is expected


@pytest.mark.parametrize("years", [0, -1])
def test_a_records_term_is_at_least_a_year_too(years):
    with pytest.raises(ValueError):
        record_past(date(2000, 1, 1), years, date(2030, 1, 1))


dossier_terms = st.one_of(
    st.just(OPEN),
    st.builds(DossierTerm, is_open=st.booleans(), closed_on=st.one_of(st.none(), days)),
)
dossier_lists = st.lists(dossier_terms, max_size=4)


@given(dated=days, years=terms, today=days)
def test_without_a_dossier_a_record_follows_the_dossier_rule_from_its_own_date(dated, years, today):
    assert record_past(dated, years, today) is past(dated, years, today)


@given(dated=days, years=terms, today=days, dossiers=dossier_lists)
def test_a_record_is_past_its_term_exactly_when_its_own_and_every_dossiers_term_have_passed(
    dated, years, today, dossiers
):
    expected = past(dated, years, today) and all(
        is_past_term(is_open=d.is_open, closed_on=d.closed_on, years=years, today=today) for d in dossiers
    )
    assert record_past(dated, years, today, *dossiers) is expected


@given(dated=days, years=terms, today=days, dossiers=dossier_lists)
def test_never_destroyed_within_its_own_term_whatever_the_dossiers(dated, years, today, dossiers):
    if today <= term_ends(dated, years):
        assert not record_past(dated, years, today, *dossiers)


@given(dated=days, years=terms, today=days, dossiers=dossier_lists)
def test_an_open_dossier_always_keeps_it(dated, years, today, dossiers):
    assert not record_past(dated, years, today, *dossiers, OPEN)


@given(dated=days, years=terms, today=days, dossiers=dossier_lists, extra=dossier_terms)
def test_another_dossier_never_makes_it_go_sooner(dated, years, today, dossiers, extra):
    if record_past(dated, years, today, *dossiers, extra):
        assert record_past(dated, years, today, *dossiers)


@given(dated=days, years=terms, today=days, dossiers=dossier_lists, later=st.integers(0, 4000))
def test_once_past_its_term_a_record_stays_past_it(dated, years, today, dossiers, later):
    if record_past(dated, years, today, *dossiers):
        assert record_past(dated, years, today + timedelta(days=later), *dossiers)


@given(dated=days, years=terms, today=days, dossiers=dossier_lists)
def test_a_record_is_never_destroyed_while_a_dossier_of_the_pupil_is_kept(dated, years, today, dossiers):
    kept = [d for d in dossiers if not is_past_term(is_open=d.is_open, closed_on=d.closed_on, years=years, today=today)]
    if kept:
        assert not record_past(dated, years, today, *dossiers)


@given(dated=days, years=st.integers(MIN_YEARS, MAX_YEARS - 1), today=days, dossiers=dossier_lists)
def test_a_longer_term_never_destroys_a_record_sooner(dated, years, today, dossiers):
    if record_past(dated, years + 1, today, *dossiers):
        assert record_past(dated, years, today, *dossiers)
