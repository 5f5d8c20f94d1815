"""Properties of the pure intake rules that must hold for every input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger import xapi
from ledger.attendance import attendance_reasons, earned_hours
from ledger.policy import load_book

NATIONAL = load_book().resolve("370303", date(2025, 6, 10))  # 45 minutes, 8 a day
DAY = date(2025, 6, 20)
minutes_by_day = st.dictionaries(st.integers(0, 30).map(lambda n: DAY + timedelta(days=n)),
                                 st.integers(1, 1440), min_size=1, max_size=10)


@given(minutes_by_day)
def test_earned_hours_never_exceed_the_daily_cap_nor_the_minutes(days):
    earned = earned_hours(days, NATIONAL)

    assert earned <= 8 * len(days)
    assert earned * 45 <= sum(days.values())
    assert earned == earned.quantize(Decimal("0.1"))


@given(minutes_by_day, st.integers(1, 3000).map(lambda n: Decimal(n) / 10))
def test_a_claim_is_refused_exactly_when_it_exceeds_what_was_attended(days, hours):
    reasons = attendance_reasons(hours, tuple(days), Decimal("9999.9"), days, NATIONAL)

    refused = "hours_exceed_attendance" in [r.code for r in reasons]
    assert refused == (hours > earned_hours(days, NATIONAL))


@given(minutes_by_day)
def test_attendance_off_the_training_dates_earns_nothing(days):
    reasons = attendance_reasons(Decimal("0.1"), (date(2024, 1, 1),), Decimal("24"), days,
                                 NATIONAL)

    assert [r.code for r in reasons] == ["hours_exceed_attendance"]


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_an_iso_duration_is_read_as_whole_minutes(h, m, s):
    assert xapi.duration_minutes(f"PT{h}H{m}M{s}S") == (h * 3600 + m * 60 + s) // 60


@given(st.integers(1, 10**6))
def test_a_project_registration_names_one_project(project_id):
    registration = xapi.project_registration(project_id)

    assert xapi.check_id(registration) == registration
    assert registration != xapi.project_registration(project_id + 1)
