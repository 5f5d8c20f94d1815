"""The values the crediting rule reads and gives: the facts of one completion, its filing
and its base, and the reasons and decision that come back. ``Case`` bundles them for
the checks, and its ``reason`` cites the article each reason rests on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ..policy import Resolved
from ..standing import StandingEvent
from ..workdays import CHINA, ChinaWorkdays


class Subject(StrEnum):
    PUBLIC = "public"  # 公需科目
    PROFESSIONAL = "professional"  # 专业科目


class Outcome(StrEnum):
    CREDITED = "credited"
    REJECTED = "rejected"
    HELD = "held"


class FilingStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Completion:
    hours: Decimal
    subject: Subject
    training_dates: tuple[date, ...]
    assessment_passed: bool
    identity_problems: tuple[str, ...] = ()
    name_matches: bool = True
    minutes: int | None = None  # minutes attended, where the LMS reports them
    professional_jurisdiction: str | None = None  # where the professional is registered
    already_credited: Decimal = Decimal("0")  # standing credits for the same project
    # Hours already credited to the person on each training day, at any base (daycap).
    day_load: tuple[tuple[date, Decimal], ...] = ()


@dataclass(frozen=True)
class Filing:
    subject: Subject
    field: str
    start_on: date
    end_on: date
    hours: Decimal
    status: FilingStatus
    submitted_on: date  # the Beijing date of the server's submitted_at
    plan_year: int | None = None  # None: a one-off filing (一事一报)
    lead_time_exception: LeadTimeException | None = None


@dataclass(frozen=True)
class LeadTimeException:
    """A regulator's recorded answer to a late one-off filing (威海 第十六条 "一般应":
    generally, so a regulator may accept one filed later, with a reason)."""

    granted: bool
    reason: str
    decided_on: date


@dataclass(frozen=True)
class ScopeGrant:
    """A regulator's recorded decision on a base's scope (常州 第四条: 按照政府人社部门批准的
    培训权限), from ``effective_on`` until the next one."""

    effective_on: date
    subjects: frozenset[Subject]
    district_only: bool


@dataclass(frozen=True)
class BaseFacts:
    jurisdiction: str
    level: str
    registry_number: str | None
    scope_subjects: frozenset[Subject]
    scope_fields: frozenset[str]
    events: tuple[StandingEvent, ...]
    scope_grants: tuple[ScopeGrant, ...] = ()  # in the order they were recorded


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    rule: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    hold: bool = False
    # A note explains (an exception applied, hours capped, a draft's advice) without
    # deciding: it never rejects or holds.
    note: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "rule": self.rule,
                "details": self.details}


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    policy: dict[str, Any]
    hours: Decimal
    subject: Subject
    year: int
    notes: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Case:
    completion: Completion
    filing: Filing
    base: BaseFacts
    policy: Resolved
    today: date
    workdays: ChinaWorkdays = field(default=CHINA)
    plan_policy: Resolved | None = None  # in force on the plan's deadline day

    def reason(self, code: str, rule: str, message: str, *, hold: bool = False,
               note: bool = False, **details: Any) -> Reason:
        cited = self.policy.citation(rule).as_dict()
        cited["profile"] = self.policy.profile.key
        return Reason(code, message, cited, _plain(details), hold, note)


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in details.items():
        if isinstance(value, date | Decimal):
            value = str(value)
        elif isinstance(value, list | tuple):
            value = [str(v) if isinstance(v, date | Decimal) else v for v in value]
        out[key] = value
    return out


Check = Callable[[Case], Iterator[Reason]]
