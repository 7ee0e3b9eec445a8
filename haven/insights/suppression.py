"""Small-cell suppression: aggregates never let a child or a small school be recognised. Pure.

A count from 1 to THRESHOLD - 1 is not shown (a zero is: nothing happened, nobody to recognise).
An organisation with fewer than MIN_SCHOOLS schools shows no figures at all, because its totals
would be one school's figures (the seeds' practice: boards with one school are merged with others).
"""

THRESHOLD = 5
MIN_SCHOOLS = 3


def suppress(count: int, threshold: int = THRESHOLD) -> int | None:
    """The count, or None when it is too small to show."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    return None if 0 < count < threshold else count


def enough_schools(school_count: int, minimum: int = MIN_SCHOOLS) -> bool:
    return school_count >= minimum
