"""Repeated care (hermelding) as a specification: which dossiers count, and when it is a repeat.

By default three dossiers of a pupil and their brothers and sisters within five years, or a second
report to Veilig Thuis within that window. The window runs back `years` calendar years from
today, that first day included; a dossier "opened" after today does not count.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.meldcode import repeat
from haven.meldcode.repeat import DossierFact, Reason, assess

TODAY = date(2026, 5, 10)


def d(key, opened_on, reported=False, sibling=None):
    return DossierFact(key, opened_on, reported, sibling)


def test_the_defaults_are_three_dossiers_within_five_years():
    assert (repeat.DEFAULT_THRESHOLD, repeat.DEFAULT_YEARS) == (3, 5)
    assert repeat.MIN_THRESHOLD <= repeat.DEFAULT_THRESHOLD <= repeat.MAX_THRESHOLD
    assert repeat.MIN_YEARS <= repeat.DEFAULT_YEARS <= repeat.MAX_YEARS


def test_no_dossiers_is_no_repeat():
    finding = assess([], threshold=3, years=5, today=TODAY)
    assert not finding.is_repeat
    assert finding.counted == () and finding.reasons == () and finding.count == 0
    assert finding.since == date(2021, 5, 10)


@pytest.mark.parametrize(("n", "expected"), [(1, False), (2, False), (3, True), (4, True), (7, True)])
def test_three_dossiers_within_five_years_is_a_repeat(n, expected):
    dossiers = [d(k, TODAY - timedelta(days=100 * k)) for k in range(n)]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert finding.is_repeat is expected
    assert finding.count == n
    assert (Reason.DOSSIERS in finding.reasons) is expected


@pytest.mark.parametrize(
    ("opened_on", "counts"),
    [
        (date(2021, 5, 10), True),  # exactly five years ago: the first day of the window
        (date(2021, 5, 9), False),  # one day earlier
        (date(2021, 5, 11), True),
        (TODAY, True),  # opened today
        (TODAY + timedelta(days=1), False),  # a clock error: not yet
        (date(2000, 1, 1), False),
    ],
)
def test_the_window_edges(opened_on, counts):
    finding = assess([d(1, opened_on)], threshold=1, years=5, today=TODAY)
    assert finding.is_repeat is counts
    assert (finding.counted == (d(1, opened_on),)) is counts


def test_an_old_dossier_does_not_make_a_repeat():
    dossiers = [d(1, date(2019, 1, 1)), d(2, date(2024, 1, 1)), d(3, date(2026, 1, 1))]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert not finding.is_repeat
    assert [x.key for x in finding.counted] == [2, 3]
    # A longer window of the school takes it in.
    assert assess(dossiers, threshold=3, years=8, today=TODAY).is_repeat


def test_siblings_count_together_and_say_whose_dossier_it_is():
    dossiers = [d(1, date(2023, 2, 1)), d(7, date(2024, 3, 1), sibling="Daan"), d(9, date(2025, 9, 1), sibling="Eva")]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert finding.is_repeat
    assert finding.involves_siblings
    assert [(x.key, x.sibling) for x in finding.counted] == [(1, None), (7, "Daan"), (9, "Eva")]
    assert not assess(dossiers[:1], threshold=1, years=5, today=TODAY).involves_siblings


def test_counted_dossiers_are_oldest_first_and_ties_go_by_key():
    dossiers = [d(5, date(2025, 1, 1)), d(3, date(2024, 1, 1)), d(4, date(2025, 1, 1))]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert [x.key for x in finding.counted] == [3, 4, 5]


def test_the_same_dossier_given_twice_counts_once():
    # Reachable through two sibling links, the dossier comes in twice; the first one is kept.
    dossiers = [d(1, date(2025, 1, 1)), d(2, date(2025, 2, 1), sibling="Daan"), d(2, date(2025, 2, 1), sibling="Eva")]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert not finding.is_repeat
    assert finding.count == 2
    assert finding.counted[1].sibling == "Daan"


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ([False, False], False),
        ([True, False], False),  # one report: no re-report yet
        ([True, True], True),  # a second report to Veilig Thuis is a re-report
    ],
)
def test_a_second_report_within_the_window_is_a_repeat_whatever_the_threshold(reported, expected):
    dossiers = [d(k, date(2024 + k, 1, 1), r) for k, r in enumerate(reported)]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert finding.is_repeat is expected
    assert finding.reasons == ((Reason.REPORTS,) if expected else ())
    assert len(finding.reported) == sum(reported)


def test_a_report_outside_the_window_does_not_count():
    dossiers = [d(1, date(2020, 1, 1), True), d(2, date(2025, 1, 1), True)]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert not finding.is_repeat
    assert [x.key for x in finding.reported] == [2]


def test_both_reasons_together():
    dossiers = [d(1, date(2023, 1, 1), True), d(2, date(2024, 1, 1)), d(3, date(2025, 1, 1), True)]
    finding = assess(dossiers, threshold=3, years=5, today=TODAY)
    assert finding.reasons == (Reason.DOSSIERS, Reason.REPORTS)


@pytest.mark.parametrize(("threshold", "years"), [(0, 5), (-1, 5), (3, 0), (3, -2)])
def test_a_threshold_or_window_below_one_is_refused(threshold, years):
    with pytest.raises(ValueError):
        assess([], threshold=threshold, years=years, today=TODAY)


def test_a_leap_day_window():
    # On 29 February, a one-year window starts on 28 February of the year before.
    assert repeat.window_start(date(2028, 2, 29), 1) == date(2027, 2, 28)
    finding = assess([d(1, date(2027, 2, 28)), d(2, date(2027, 2, 27))], threshold=1, years=1, today=date(2028, 2, 29))
    assert [x.key for x in finding.counted] == [1]


# Properties ----------------------------------------------------------------------------------------

facts = st.lists(
    st.builds(
        DossierFact,
        key=st.integers(min_value=1, max_value=40),
        opened_on=st.dates(min_value=date(2010, 1, 1), max_value=date(2027, 12, 31)),
        reported=st.booleans(),
        sibling=st.sampled_from([None, "Daan", "Eva"]),
    ),
    max_size=25,
)
thresholds = st.integers(min_value=1, max_value=10)
windows = st.integers(min_value=1, max_value=20)


def _unique(dossiers):
    seen = {}
    for x in dossiers:
        seen.setdefault(x.key, x)
    return list(seen.values())


@given(dossiers=facts, threshold=thresholds, years=windows)
def test_the_rule_is_exactly_its_definition(dossiers, threshold, years):
    finding = assess(dossiers, threshold=threshold, years=years, today=TODAY)
    since = repeat.window_start(TODAY, years)
    within = [x for x in _unique(dossiers) if since <= x.opened_on <= TODAY]
    assert sorted(finding.counted, key=lambda x: (x.opened_on, x.key)) == list(finding.counted)
    assert set(finding.counted) == set(within)
    expected = len(within) >= threshold or sum(x.reported for x in within) >= repeat.REPEAT_REPORTS
    assert finding.is_repeat is expected


@given(dossiers=facts, extra=facts, threshold=thresholds, years=windows)
def test_more_dossiers_never_undo_a_repeat(dossiers, extra, threshold, years):
    known = {x.key for x in dossiers}
    extra = [x for x in extra if x.key not in known]
    if assess(dossiers, threshold=threshold, years=years, today=TODAY).is_repeat:
        assert assess(dossiers + extra, threshold=threshold, years=years, today=TODAY).is_repeat


@given(dossiers=facts, threshold=thresholds, years=windows)
def test_a_higher_threshold_or_a_shorter_window_never_adds_a_repeat(dossiers, threshold, years):
    base = assess(dossiers, threshold=threshold, years=years, today=TODAY)
    if not base.is_repeat:
        assert not assess(dossiers, threshold=threshold + 1, years=years, today=TODAY).is_repeat
        if years > 1:
            assert not assess(dossiers, threshold=threshold, years=years - 1, today=TODAY).is_repeat


@given(dossiers=facts, threshold=thresholds, years=windows)
def test_the_order_of_the_input_does_not_matter_for_the_outcome(dossiers, threshold, years):
    unique = _unique(dossiers)
    forward = assess(unique, threshold=threshold, years=years, today=TODAY)
    backward = assess(list(reversed(unique)), threshold=threshold, years=years, today=TODAY)
    assert forward == backward
