"""Business dates are Beijing dates; the fixed clock moves only when told to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ledger import clock


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 6, 9, 19, 0, tzinfo=UTC), date(2025, 6, 10)),
        (datetime(2025, 6, 9, 15, 59, 59, tzinfo=UTC), date(2025, 6, 9)),
        (datetime(2025, 6, 9, 16, 0, tzinfo=UTC), date(2025, 6, 10)),
        (datetime(2024, 12, 31, 16, 30, tzinfo=UTC), date(2025, 1, 1)),
        (datetime(2025, 6, 10, 3, 0, tzinfo=clock.CHINA), date(2025, 6, 10)),
        (datetime(2025, 6, 9, 12, 0, tzinfo=timezone(timedelta(hours=-7))), date(2025, 6, 10)),
    ],
    ids=[
        "19:00 UTC is 03:00 Beijing the next day",
        "one second before Beijing midnight",
        "Beijing midnight",
        "new year in Beijing while still 2024 in UTC",
        "03:00 Beijing stays that day",
        "a US west-coast noon is Beijing's next morning",
    ],
)
def test_the_business_date_is_the_date_in_beijing(moment, expected):
    assert clock.business_date(moment) == expected


def test_a_filing_at_three_in_the_morning_beijing_is_dated_that_day_not_the_utc_day_before():
    filed_at = datetime(2025, 6, 9, 19, 0, tzinfo=UTC)
    assert filed_at.date() == date(2025, 6, 9)
    assert clock.business_date(filed_at) == date(2025, 6, 10)


def test_a_naive_datetime_has_no_business_date():
    with pytest.raises(ValueError, match="aware"):
        clock.business_date(datetime(2025, 6, 10, 3, 0))


def test_a_fixed_clock_refuses_a_naive_start():
    with pytest.raises(ValueError, match="aware"):
        clock.FixedClock(datetime(2025, 6, 10, 3, 0))


def test_a_fixed_clock_refuses_to_be_set_to_a_naive_moment():
    fixed = clock.FixedClock(datetime(2025, 6, 10, 2, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="aware"):
        fixed.set(datetime(2025, 6, 11, 2, 0))
    assert fixed.now() == datetime(2025, 6, 10, 2, 0, tzinfo=UTC)


def test_a_fixed_clock_stands_still_until_told():
    start = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
    fixed = clock.FixedClock(start)
    assert fixed.now() == start
    assert fixed.now() == start


def test_setting_a_fixed_clock_moves_it_to_that_moment():
    fixed = clock.FixedClock(datetime(2025, 6, 10, 2, 0, tzinfo=UTC))
    later = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    fixed.set(later)
    assert fixed.now() == later
    assert clock.today(fixed) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ({"hours": 1}, datetime(2025, 6, 10, 3, 0, tzinfo=UTC)),
        ({"days": 2, "minutes": 30}, datetime(2025, 6, 12, 2, 30, tzinfo=UTC)),
        ({"seconds": -60}, datetime(2025, 6, 10, 1, 59, tzinfo=UTC)),
    ],
    ids=["an hour", "two days and a half hour", "back a minute"],
)
def test_advancing_a_fixed_clock_adds_the_delta(delta, expected):
    fixed = clock.FixedClock(datetime(2025, 6, 10, 2, 0, tzinfo=UTC))
    fixed.advance(**delta)
    assert fixed.now() == expected


def test_today_on_a_fixed_clock_crosses_beijing_midnight_when_advanced():
    fixed = clock.FixedClock(datetime(2025, 6, 9, 15, 30, tzinfo=UTC))
    assert clock.today(fixed) == date(2025, 6, 9)
    fixed.advance(minutes=30)
    assert clock.today(fixed) == date(2025, 6, 10)
