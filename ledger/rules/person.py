"""The checks on the person and their hours: a valid identity, a passed assessment, and
hours that fit the daily cap and the minutes attended.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal

from .. import daycap
from .values import Case, Reason


def check_identity(case: Case) -> Iterator[Reason]:
    if case.completion.identity_problems:
        yield case.reason(
            "identity_invalid", "identity",
            "the ID number is not a valid resident identity number: "
            + "; ".join(case.completion.identity_problems),
            problems=list(case.completion.identity_problems),
        )
    elif not case.completion.name_matches:
        yield case.reason("identity_name_mismatch", "identity",
                          "the name does not match the one on record for this ID number")


def check_assessment(case: Case) -> Iterator[Reason]:
    if not case.completion.assessment_passed:
        yield case.reason("assessment_not_passed", "assessment",
                          "the professional did not pass the project's assessment")


def creditable_hours(case: Case) -> Decimal:
    """The posted hours that fit the person's days under the profile's daily cap."""
    completion = case.completion
    cap = case.policy.get("daily_hours_cap")
    if cap is None:
        return completion.hours
    fits = daycap.room(dict(completion.day_load), completion.training_dates,
                       Decimal(cap.value))
    return min(completion.hours, fits)


def check_hours_plausible(case: Case) -> Iterator[Reason]:
    """Hours fit the person's days and the minutes attended.

    The daily cap counts a person's day across all their postings and bases (see
    ledger/daycap.py): what fits is credited and the receipt notes both numbers; when
    nothing fits, the posting is rejected.
    """
    completion = case.completion
    cap = case.policy.get("daily_hours_cap")
    fits = creditable_hours(case)
    if cap is not None and fits < completion.hours:
        days = len(set(completion.training_dates))
        before = sum((h for _, h in completion.day_load), Decimal("0")).quantize(
            Decimal("0.1"))
        yield case.reason(
            "hours_exceed_daily_cap", "hours",
            f"{completion.hours} hours posted over {days} day(s), {before} already credited "
            f"on those days; at most {cap.value} a day, so {fits} credited and "
            f"{completion.hours - fits} not",
            note=fits > 0, hours=completion.hours, credited_hours=fits, days=days,
            daily_cap=cap.value, already_credited_on_days=before,
        )
    per = case.policy.get("minutes_per_xueshi")
    if completion.minutes is not None and per is not None:
        earned = (Decimal(completion.minutes) / per.value).quantize(
            Decimal("0.1"), rounding=ROUND_FLOOR)
        if completion.hours > earned:
            yield case.reason(
                "hours_exceed_minutes", "hours",
                f"{completion.minutes} minutes make {earned} 学时 at {per.value} minutes each, "
                f"not {completion.hours}",
                minutes=completion.minutes, minutes_per_xueshi=per.value, earned=earned,
                hours=completion.hours,
            )

