"""What a base's yearly assessment checks that the ledger can compute: its scale."""

from __future__ import annotations

from dataclasses import dataclass

from .policy import Param, Resolved


def effective_level(level: str, policy: Resolved) -> str:
    """四川 第三十六条: a national-level base enjoys the policies (benefits) of a provincial
    one where a profile says so. Its obligations stay its own: see trainee_minimum."""
    rule = policy.get("national_bases_as_provincial")
    if level == "national" and rule is not None and rule.value:
        return "provincial"
    return level


@dataclass(frozen=True)
class TraineeMinimum:
    minimum: int
    unit: str  # "persons" (distinct professionals) or "person_times"
    param: Param


def trainee_minimum(policy: Resolved, level: str) -> TraineeMinimum | None:
    """The yearly scale a base of this level must reach, or None where none is set
    (淄博 第八条: 500; 上海 第八条: 1500 人次; 四川 第八条: provincial bases 2000)."""
    minimum = policy.get("yearly_trainees_min")
    if minimum is None:
        return None
    levels = policy.get("yearly_trainees_min_levels")
    # The minimum is a condition written for the levels it names (四川 第八条: 省级); 第三十六条
    # gives national bases provincial *benefits*, not this obligation.
    if levels is not None and level not in levels.value:
        return None
    unit = policy.get("yearly_trainees_unit")
    return TraineeMinimum(minimum.value, unit.value if unit else "persons", minimum)
