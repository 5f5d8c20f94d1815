"""Attendance against a completion's hours, and overlapping classroom sessions. Pure.

The decision (rules.attendance in the policy files): where attendance is recorded, a
completion credits when its hours are no more than what the minutes attended make, at
``minutes_per_xueshi`` a 学时 and at most ``daily_hours_cap`` a day, and, where a profile
sets ``attendance_share_min``, when at least that share of the filed hours was attended.
A completion claiming more is **rejected, not trimmed**: the base certifies the hours,
and crediting a smaller figure the base never certified would put a record in the
ledger that nobody made (四川 第二十五条 只收费不培训; 威海 第十七条 签到 records are the
base's own). The base voids and posts the hours it can stand behind; the receipt says
how many that is. With no attendance recorded nothing here applies: that is an anomaly
flag for the regulator (completions without attendance), not a rule of credit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from .policy import Resolved
from .rules import Decision, Outcome, Reason

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Session:
    """A recorded session, as the overlap check sees it."""

    id: int
    base_id: int
    project_id: int
    start: datetime
    end: datetime


def _reason(policy: Resolved, rule: str, code: str, message: str, *, hold: bool = False,
            **details: object) -> Reason:
    cited = policy.citation(rule).as_dict()
    cited["profile"] = policy.profile.key
    plain = {k: str(v) if isinstance(v, Decimal | date) else v for k, v in details.items()}
    return Reason(code, message, cited, plain, hold)


def earned_hours(minutes_by_day: Mapping[date, int], policy: Resolved) -> Decimal:
    """The 学时 the minutes attended make: each day capped, floored to one decimal."""
    per = Decimal(policy.value("minutes_per_xueshi"))
    cap = policy.get("daily_hours_cap")
    total = Decimal(0)
    for minutes in minutes_by_day.values():
        day = Decimal(minutes) / per
        if cap is not None:
            day = min(day, Decimal(cap.value))
        total += day
    return total.quantize(TENTH, rounding=ROUND_FLOOR)


def attendance_reasons(hours: Decimal, training_dates: Iterable[date], filed_hours: Decimal,
                       minutes_by_day: Mapping[date, int], policy: Resolved
                       ) -> tuple[Reason, ...]:
    """Why a completion's hours are not borne out by the attendance recorded, if they are
    not. ``minutes_by_day`` holds the person's recorded minutes for the project per day;
    empty means no attendance was recorded and nothing is checked."""
    if not minutes_by_day:
        return ()
    dates = set(training_dates)
    on_dates = {day: m for day, m in minutes_by_day.items() if day in dates}
    earned = earned_hours(on_dates, policy)
    reasons = []
    if hours > earned:
        reasons.append(_reason(
            policy, "attendance", "hours_exceed_attendance",
            f"{hours} 学时 claimed, the attendance recorded on the training dates makes "
            f"{earned}; void and post what was attended",
            hours=hours, earned=earned, minutes=sum(on_dates.values()),
            days=sorted(str(d) for d in on_dates)))
    share = policy.get("attendance_share_min")
    if share is not None and filed_hours > 0:
        wanted = Fraction(share.value)
        attended = Fraction(earned) / Fraction(filed_hours)
        if attended < wanted:
            reasons.append(_reason(
                policy, "attendance", "attendance_below_minimum",
                f"{earned} of the filed {filed_hours} 学时 attended, less than the "
                f"minimum share {wanted}",
                earned=earned, filed_hours=filed_hours, share_min=str(wanted)))
    return tuple(reasons)


def overlap_reason(policy: Resolved, flag_ids: list[int]) -> Reason:
    return _reason(
        policy, "attendance_overlap", "attendance_overlap",
        "a classroom session of this person overlaps one recorded earlier at another base; "
        "held until a regulator resolves the flag", hold=True, flags=flag_ids)


def amend(decision: Decision, extra: tuple[Reason, ...]) -> Decision:
    """The decision with more reasons, its outcome recomputed as rules.decide does."""
    if not extra:
        return decision
    reasons = decision.reasons + extra
    if any(not r.hold for r in reasons):
        outcome = Outcome.REJECTED
    else:
        outcome = Outcome.HELD
    return replace(decision, outcome=outcome, reasons=reasons)


def overlapping(new: Session, others: Iterable[Session]) -> list[Session]:
    """Sessions at other bases whose time overlaps ``new`` (touching ends do not)."""
    return [o for o in others
            if o.base_id != new.base_id and o.start < new.end and new.start < o.end]
