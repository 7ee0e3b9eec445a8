"""The monitoring's arithmetic: durations from histograms, the prevalence lower bound, change. Pure.

Durations are stored as histograms (`{days: how often}`, see `metrics.py`), so the median and the
90th percentile come from counts, never from one dossier's row. They use the nearest-rank
definition: the p-th percentile of n values is the value at rank ceil(p / 100 * n) when the values
are sorted (rank 1 the smallest). It is always a value that occurred (no averaging of two days
into half a day), the median of 1, 2, 3, 4 is 2, and it needs no interpolation rule to explain.

Rounding is half up on exact numbers, never on floats: 3% of 50 pupils is 1.5, which is 2, and
3% of 150 is 4.5, which is 5. Python's round() rounds halves to even (round(4.5) == 4) and a
float is not an exact decimal, so neither is used.

A median over a handful of dossiers is about those dossiers: the page hides it as it hides a small
count (when `suppress(size(histogram), threshold)` is None).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# About 3% of children face some form of abuse each year: the lower bound of prevalence.
PREVALENCE = Decimal("0.03")

Histogram = Mapping[int, int]


def _checked(histogram: Histogram) -> list[tuple[int, int]]:
    if any(count < 0 for count in histogram.values()):
        raise ValueError("a histogram counts how often: never negative")
    return sorted((value, count) for value, count in histogram.items() if count)


def size(histogram: Histogram) -> int:
    """How many values the histogram holds."""
    return sum(count for _value, count in _checked(histogram))


def percentile(histogram: Histogram, percent: int) -> int | None:
    """The nearest-rank percentile (1 to 100) of the values in `histogram`; None when it is empty."""
    if not 0 < percent <= 100:
        raise ValueError("a percentile is from 1 to 100")
    items = _checked(histogram)
    n = sum(count for _value, count in items)
    if n == 0:
        return None
    rank = -(-percent * n // 100)  # ceil(percent * n / 100) in whole numbers
    seen = 0
    for value, count in items:
        seen += count
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the rank is at most n")


def median(histogram: Histogram) -> int | None:
    return percentile(histogram, 50)


def p90(histogram: Histogram) -> int | None:
    return percentile(histogram, 90)


def merge(*histograms: Histogram) -> dict[int, int]:
    """Several histograms as one (several schools, months or periods together)."""
    merged: dict[int, int] = {}
    for histogram in histograms:
        for value, count in _checked(histogram):
            merged[value] = merged.get(value, 0) + count
    return merged


def round_half_up(value: Decimal | Fraction | int) -> int:
    """To the nearest whole number, halves away from zero (1.5 -> 2, -1.5 -> -2). Exact: a float
    is refused, since it may already be a hair below the half it stands for."""
    if isinstance(value, float):
        raise TypeError("round an exact Decimal or Fraction, not a float")
    exact = Fraction(value)
    half = Fraction(1, 2)
    return math.floor(exact + half) if exact >= 0 else -math.floor(half - exact)


def prevalence_lower_bound(pupils: int) -> int:
    """At least how many of `pupils` children face abuse in a year: 3%, rounded half up."""
    if pupils < 0:
        raise ValueError("a number of pupils cannot be negative")
    return round_half_up(Fraction(PREVALENCE) * pupils)


@dataclass(frozen=True)
class Change:
    """The change from the year before. None where it cannot be said: either figure unknown or
    hidden, or (for the relative change) nothing the year before to compare with."""

    absolute: int | None
    relative: Fraction | None

    @property
    def percent(self) -> int | None:
        """The relative change in whole percents, halves away from zero."""
        return None if self.relative is None else round_half_up(self.relative * 100)


def change(previous: int | None, current: int | None) -> Change:
    if previous is None or current is None:
        return Change(None, None)
    absolute = current - previous
    return Change(absolute, Fraction(absolute, previous) if previous else None)
