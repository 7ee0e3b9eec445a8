import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.insights.suppression import MIN_SCHOOLS, THRESHOLD, enough_schools, suppress


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (6, 6), (1000, 1000)])
def test_counts_from_one_to_four_are_hidden(count, shown):
    assert suppress(count) == shown


@given(st.integers(min_value=0, max_value=10**6))
def test_a_shown_count_is_never_a_small_cell(count):
    shown = suppress(count)
    assert shown is None or shown == 0 or shown >= THRESHOLD


def test_a_negative_count_is_a_bug():
    with pytest.raises(ValueError):
        suppress(-1)


@pytest.mark.parametrize(("schools", "enough"), [(0, False), (1, False), (2, False), (3, True), (130, True)])
def test_figures_need_at_least_three_schools(schools, enough):
    assert MIN_SCHOOLS == 3
    assert enough_schools(schools) is enough
