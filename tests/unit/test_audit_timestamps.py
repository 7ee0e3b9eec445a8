"""The verification reads SQLite's stored timestamp text without parsing it: it must hash the very
text that `timestamp` makes of the same moment, whatever the moment, or a sound chain would fail."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from haven.audit.chain import _stored_utc_text, timestamp


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_stored_text_hashes_as_the_moment_it_holds(moment):
    # What Django's SQLite backend stores: naive UTC through str(), the fraction only when not 0.
    stored = str(moment.replace(tzinfo=None))
    assert _stored_utc_text(stored) == timestamp(moment)


def test_a_moment_on_a_whole_second_and_one_with_microseconds():
    assert _stored_utc_text("2026-11-25 09:30:00") == "2026-11-25T09:30:00.000000+00:00"
    assert _stored_utc_text("2026-11-25 09:30:00.000042") == "2026-11-25T09:30:00.000042+00:00"


def test_another_spelling_of_the_same_moment_is_read_as_that_moment():
    assert _stored_utc_text("2026-11-25T10:30:00+01:00") == "2026-11-25T09:30:00.000000+00:00"
    assert _stored_utc_text("2026-11-25T09:30:00.5") == timestamp(datetime(2026, 11, 25, 9, 30, 0, 500000, UTC))
