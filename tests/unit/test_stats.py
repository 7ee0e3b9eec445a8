"""The monitoring's arithmetic as a specification: nearest-rank percentiles from histograms, the
prevalence lower bound rounded half up exactly, and the change from the year before."""

import ast
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.insights import stats
from haven.insights.stats import Change, change, median, merge, p90, percentile, prevalence_lower_bound, round_half_up

histograms = st.dictionaries(st.integers(0, 400), st.integers(0, 20), max_size=30)


def values_of(histogram):
    return sorted(v for v, n in histogram.items() for _ in range(n))


def test_the_module_is_pure():
    tree = ast.parse(Path(stats.__file__).read_text())
    imported = {
        name.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (node.names if isinstance(node, ast.Import) else [node])
    }
    assert not any(str(module).startswith("django") for module in imported), imported


# --- percentiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("histogram", "expected_median", "expected_p90"),
    [
        ({}, None, None),
        ({3: 0}, None, None),
        ({7: 1}, 7, 7),
        ({1: 1, 2: 1, 3: 1, 4: 1}, 2, 4),  # nearest rank: ranks ceil(2) = 2 and ceil(3.6) = 4
        ({1: 1, 2: 1, 3: 1}, 2, 3),
        ({0: 9, 30: 1}, 0, 0),  # nine the same day, one a month later: rank 9 of 10 is still 0
        ({0: 8, 30: 2}, 0, 30),
        ({5: 2, 1: 2}, 1, 5),  # the order of the keys does not matter
        (dict.fromkeys(range(1, 101), 1), 50, 90),
    ],
)
def test_median_and_90th_percentile_by_nearest_rank(histogram, expected_median, expected_p90):
    assert median(histogram) == expected_median
    assert p90(histogram) == expected_p90


@given(histograms, st.integers(1, 100))
def test_a_percentile_is_the_value_at_its_rank(histogram, percent):
    values = values_of(histogram)
    expected = values[math.ceil(percent * len(values) / 100) - 1] if values else None
    assert percentile(histogram, percent) == expected


@given(histograms)
def test_the_median_has_half_the_values_at_or_below_it(histogram):
    values = values_of(histogram)
    m = median(histogram)
    if not values:
        assert m is None
        return
    assert m in values
    assert 2 * sum(v <= m for v in values) >= len(values)
    assert 2 * sum(v < m for v in values) < len(values)
    assert m <= p90(histogram) <= max(values)


@pytest.mark.parametrize("percent", [0, 101, -5])
def test_a_percentile_outside_one_to_a_hundred_is_a_bug(percent):
    with pytest.raises(ValueError):
        percentile({1: 1}, percent)


def test_a_negative_count_in_a_histogram_is_a_bug():
    with pytest.raises(ValueError):
        median({1: -1})
    with pytest.raises(ValueError):
        merge({1: 2}, {3: -1})


def test_size_counts_the_values():
    assert stats.size({}) == 0
    assert stats.size({2: 3, 9: 1, 4: 0}) == 4


# --- merging -------------------------------------------------------------------------------------


def test_merging_adds_the_counts_per_value():
    assert merge({1: 2, 3: 1}, {3: 4, 8: 1}, {}) == {1: 2, 3: 5, 8: 1}
    assert merge() == {}
    assert merge({2: 0}) == {}


@given(st.lists(histograms, max_size=5))
def test_merged_histograms_hold_all_values(parts):
    merged = merge(*parts)
    assert values_of(merged) == sorted(v for part in parts for v in values_of(part))
    assert median(merged) == (percentile(merged, 50))


# --- rounding and the prevalence lower bound -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Decimal("1.5"), 2),
        (Decimal("4.5"), 5),  # round(4.5) == 4 in Python: not this
        (Decimal("2.5"), 3),
        (Decimal("1.49"), 1),
        (Decimal("0.5"), 1),
        (Decimal("0"), 0),
        (Decimal("-1.5"), -2),
        (Decimal("-1.4"), -1),
        (Fraction(9, 2), 5),
        (Fraction(1, 3), 0),
        (Fraction(-5, 2), -3),
        (7, 7),
    ],
)
def test_round_half_up(value, rounded):
    assert round_half_up(value) == rounded


def test_a_float_is_not_rounded():
    with pytest.raises(TypeError):
        round_half_up(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pupils", "bound"),
    [
        (0, 0),
        (16, 0),  # 0.48
        (17, 1),  # 0.51
        (50, 2),  # 1.5
        (150, 5),  # 4.5
        (250, 8),  # 7.5
        (100, 3),
        (27_000, 810),  # seed 004's region of about 27,000 pupils: about 810
        (1_234_567, 37_037),  # 37,037.01
    ],
)
def test_the_lower_bound_is_three_percent_rounded_half_up(pupils, bound):
    assert prevalence_lower_bound(pupils) == bound


@given(st.integers(0, 10**9))
def test_the_lower_bound_is_exact_for_any_number_of_pupils(pupils):
    # 3p/100 rounded half up is floor((3p + 50) / 100) in whole numbers.
    assert prevalence_lower_bound(pupils) == (3 * pupils + 50) // 100


def test_a_negative_number_of_pupils_is_a_bug():
    with pytest.raises(ValueError):
        prevalence_lower_bound(-1)


# --- change from the year before -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "absolute", "relative", "percent"),
    [
        (10, 15, 5, Fraction(1, 2), 50),
        (15, 10, -5, Fraction(-1, 3), -33),
        (8, 8, 0, Fraction(0), 0),
        (200, 201, 1, Fraction(1, 200), 1),  # 0.5% rounds half up to 1
        (200, 199, -1, Fraction(-1, 200), -1),  # and down, away from zero, to -1
        (0, 7, 7, None, None),  # nothing the year before: no relative change
        (0, 0, 0, None, None),
        (None, 7, None, None, None),  # unknown or hidden: nothing to say
        (7, None, None, None, None),
        (None, None, None, None, None),
    ],
)
def test_change_from_the_year_before(previous, current, absolute, relative, percent):
    result = change(previous, current)
    assert result == Change(absolute, relative)
    assert result.percent == percent


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_the_change_brings_the_previous_year_to_this_one(previous, current):
    result = change(previous, current)
    assert previous + result.absolute == current
    if previous:
        assert previous * (1 + result.relative) == current
