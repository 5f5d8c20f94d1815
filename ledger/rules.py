"""The crediting rule: decide one completion from facts, a policy and a date.

Pure: the facts come in as values, nothing here reads a clock or a database. Every
check is a small function that yields the reasons it finds; all of them run, so a
receipt reports every failed rule, not only the first (as beancount's validations do).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Any

from . import daycap, jurisdiction
from .policy import Resolved
from .standing import StandingEvent, standing_on
from .workdays import CHINA, ChinaWorkdays, NoOfficialData


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


def check_policy_in_force(case: Case) -> Iterator[Reason]:
    first = min(case.completion.training_dates)
    if not case.policy.profile.within(first):  # a draft asked for advice is not in force
        profile = case.policy.profile
        yield Reason(
            "no_policy_in_force",
            f"no regulation the ledger applies was in force on {first}; the earliest is "
            f"{profile.document}, from {profile.effective_from}",
            {**case.policy.citation("filing").as_dict(), "profile": profile.key},
            _plain({"first_training_date": first, "effective_from": profile.effective_from}),
        )


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


def check_dates_known(case: Case) -> Iterator[Reason]:
    future = [d for d in case.completion.training_dates if d > case.today]
    if future:
        yield case.reason("training_date_in_future", "filing",
                          "training dates lie after today", dates=future, today=case.today)


def check_filed(case: Case) -> Iterator[Reason]:
    filing = case.filing
    if filing.status is FilingStatus.PENDING:
        yield case.reason("project_filing_pending", "filing",
                          "the project's filing awaits the regulator's decision", hold=True)
    elif filing.status is FilingStatus.REJECTED:
        yield case.reason("project_filing_rejected", "filing",
                          "the regulator rejected the project's filing")
    # Filing is before the fact or not at all: a filing on or after the first day of
    # the class never counts as filed (威海 第十六条: 开班前备案).
    if filing.submitted_on >= filing.start_on:
        yield case.reason(
            "project_filed_late", "filing",
            f"the project was filed on {filing.submitted_on}, not before it started on "
            f"{filing.start_on}",
            submitted_on=filing.submitted_on, start_on=filing.start_on,
        )


def annual_plan_due(policy: Resolved, plan_year: int) -> tuple[date, Any] | None:
    """The day the plan for ``plan_year`` is due and its parameter, under ``policy`` (the
    profile in force at the end of the year before), or None where it sets no deadline."""
    deadline = policy.get("annual_plan_deadline")
    if deadline is None:
        return None
    month, day = (int(part) for part in deadline.value.split("-"))
    return date(plan_year - 1, month, day), deadline


def plan_deadline_day(plan_year: int) -> date:
    """The day whose profile judges a plan's deadline: every text sets it in the year
    before (淄博 第十九条, 威海 第十六条, 四川 第二十条, 上海 第二十条, 常州 第八条: year end)."""
    return date(plan_year - 1, 12, 31)


def check_annual_plan_deadline(case: Case) -> Iterator[Reason]:
    """A plan item filed after the plan deadline is not in the annual plan (淄博 第十九条,
    威海 第十六条, 四川 第二十条, 上海 第二十条, 常州 第八条: 12月31日 of the year before).

    The deadline is the one in force on the deadline day (``Case.plan_policy``): 淄博
    applies from 2025-05-10 (第三十三条), so no 2024-12-31 deadline bound a 2025 plan.
    """
    filing = case.filing
    if filing.plan_year is None:
        return
    policy = case.plan_policy or case.policy
    due = annual_plan_due(policy, filing.plan_year)
    if due is None:
        return
    day, deadline = due
    if filing.submitted_on > day:
        cited = deadline.citation.as_dict()
        cited["profile"] = policy.profile.key
        yield Reason(
            "annual_plan_filed_late",
            f"filed on {filing.submitted_on} as part of the {filing.plan_year} plan, which was "
            f"due by {day}; file it as a one-off project instead",
            cited, _plain({"submitted_on": filing.submitted_on, "deadline": day,
                           "plan_year": filing.plan_year}),
        )


def check_one_off_lead_time(case: Case) -> Iterator[Reason]:
    """威海 第十六条: a one-off project is filed "一般应在培训项目开班前5个工作日".

    The profile's ``one_off_lead_counting`` says how the days are counted (see
    ledger/workdays.py). A late filing credits nothing unless the regulator recorded an
    exception (一般应: generally), which the receipt then cites as a note.
    """
    filing = case.filing
    lead = case.policy.get("one_off_lead_working_days")
    if filing.plan_year is not None or lead is None or filing.submitted_on >= filing.start_on:
        return  # a plan item, no lead time in this profile, or already late (check_filed)
    counting = case.policy.get("one_off_lead_counting")
    filing_day_counts = counting is not None and counting.value == "filing_day_counts"
    try:
        if filing_day_counts:
            counted = case.workdays.counted_from(filing.submitted_on, filing.start_on)
        else:
            counted = case.workdays.between(filing.submitted_on, filing.start_on)
        last_day = case.workdays.nth_working_day_before(filing.start_on, lead.value)
        earliest = case.workdays.earliest_start(filing.submitted_on, lead.value,
                                                filing_day_counts=filing_day_counts)
    except NoOfficialData as missing:
        yield case.reason(
            "working_days_unknown", "one_off_filing",
            f"cannot count working days in {missing.year}: the official holiday arrangement "
            "is not known yet; the posting is held until it is",
            hold=True, year=missing.year,
        )
        return
    if counted >= lead.value:
        return
    convention = counting.value if counting is not None else "strictly_between"
    details = dict(working_days=counted, required=lead.value, counting=convention,
                   submitted_on=filing.submitted_on, start_on=filing.start_on,
                   earliest_start=earliest)
    exception = filing.lead_time_exception
    if exception is not None and exception.granted:
        yield case.reason(
            "one_off_lead_time_exception", "one_off_filing",
            f"filed {counted} working days before the start, {lead.value} generally "
            f"required (一般应); the regulator accepted it as an exception on "
            f"{exception.decided_on}: {exception.reason}",
            note=True, exception_reason=exception.reason,
            exception_decided_on=exception.decided_on, **details)
        return
    refused = ""
    if exception is not None:
        refused = f"; the regulator refused an exception on {exception.decided_on}: " \
                  f"{exception.reason}"
        details.update(exception_refused=exception.reason,
                       exception_decided_on=exception.decided_on)
    yield case.reason(
        "one_off_filed_too_late", "one_off_filing",
        f"filed on {filing.submitted_on}, {counted} working days before the start on "
        f"{filing.start_on}; {lead.value} required, so the last day to file was {last_day} "
        f"and the class could have started on {earliest} at the earliest{refused}",
        last_filing_day=last_day, **details,
    )


def check_inside_filing(case: Case) -> Iterator[Reason]:
    filing, completion = case.filing, case.completion
    outside = [d for d in completion.training_dates
               if not filing.start_on <= d <= filing.end_on]
    if outside:
        yield case.reason(
            "training_date_outside_filing", "filing",
            f"training dates lie outside the filed {filing.start_on} to {filing.end_on}",
            dates=outside, start_on=filing.start_on, end_on=filing.end_on,
        )
    # The same attendance posted again under another external_id must not credit twice.
    if completion.hours + completion.already_credited > filing.hours:
        yield case.reason(
            "hours_exceed_filing", "filing",
            f"{completion.hours} hours posted, {completion.already_credited} already credited "
            f"for this project, the filing allows {filing.hours}",
            hours=completion.hours, already_credited=completion.already_credited,
            filed_hours=filing.hours,
        )
    if completion.subject is not filing.subject:
        yield case.reason(
            "subject_mismatch", "filing",
            f"posted as {completion.subject}, filed as {filing.subject}",
            subject=str(completion.subject), filed_subject=str(filing.subject),
        )


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


def check_registry_number(case: Case) -> Iterator[Reason]:
    """常州 第九条: only training at bases registered with a unified number credits."""
    required = case.policy.get("registry_number_required")
    if required is not None and required.value and not case.base.registry_number:
        yield case.reason("base_not_numbered", "registry_number",
                          "the base has no unified registry number (统一编号)")


def scope_on(case: Case, day: date) -> ScopeGrant:
    """The scope a base holds on ``day``: the last grant a regulator recorded by then, or
    else the scope granted at recognition. Under 常州 第四条 that default, for a county
    base, is 专业科目 for its own district ("主要承担本区域范围内…专业科目"; the city organises
    公共科目, 第七条); the recognising regulator widens it by a recorded grant."""
    in_force = [g for g in case.base.scope_grants if g.effective_on <= day]
    if in_force:
        return in_force[-1]
    registered = case.base.scope_subjects
    rule = case.policy.get("county_bases_professional_only_in_district")
    if rule is not None and rule.value and case.base.level == "county":
        return ScopeGrant(date.min, registered & {Subject.PROFESSIONAL}, True)
    return ScopeGrant(date.min, registered, False)


def check_county_base(case: Case) -> Iterator[Reason]:
    """常州 第四条: a base teaches within the scope it holds on each training date; a county
    base's default scope is 专业科目 for its own district (see scope_on)."""
    scopes = [scope_on(case, day) for day in sorted(set(case.completion.training_dates))]
    if case.base.scope_grants or case.base.level == "county":
        narrow = [s for s in scopes if case.filing.subject not in s.subjects]
        if narrow:
            yield case.reason(
                "county_base_public_subject" if case.base.level == "county"
                else "project_outside_scope", "county_scope",
                f"on the training dates the base's scope was "
                f"{sorted(map(str, narrow[0].subjects))}, not {case.filing.subject}; a county "
                "base's scope is 专业科目 unless the regulator has widened it",
                subject=str(case.filing.subject),
                scope_subjects=sorted(map(str, narrow[0].subjects)))
    if not any(s.district_only for s in scopes):
        return
    home = case.completion.professional_jurisdiction
    if home is None:
        yield case.reason(
            "professional_jurisdiction_unknown", "county_scope",
            "a county-level base trains its own district, and the professional is not yet "
            "registered anywhere; the posting is held until a regulator registers them",
            hold=True)
    elif not jurisdiction.covers(case.base.jurisdiction, home):
        yield case.reason(
            "county_base_outside_district", "county_scope",
            f"a county-level base of {case.base.jurisdiction} trains its own district unless "
            f"the regulator has widened its scope; the professional is registered in {home}",
            base_jurisdiction=case.base.jurisdiction, professional_jurisdiction=home,
        )


def check_standing(case: Case) -> Iterator[Reason]:
    bad = []
    for day in case.completion.training_dates:
        standing = standing_on(case.base.events, day)
        if not standing.good:
            bad.append({"date": str(day), "status": str(standing.status)})
    if bad:
        yield case.reason(
            "base_not_in_good_standing", "standing",
            "the base was not in good standing on "
            + ", ".join(f"{b['date']} ({b['status']})" for b in bad),
            days=bad,
        )


def check_scope(case: Case) -> Iterator[Reason]:
    base, filing = case.base, case.filing
    if not base.scope_grants and filing.subject not in base.scope_subjects:
        yield case.reason(
            "project_outside_scope", "scope",
            f"the base is authorised for {sorted(map(str, base.scope_subjects))}, "
            f"not {filing.subject}",
            subject=str(filing.subject), scope_subjects=sorted(map(str, base.scope_subjects)),
        )
    if base.scope_fields and filing.field not in base.scope_fields:
        yield case.reason(
            "project_outside_scope", "scope",
            f"the base is authorised for the fields {sorted(base.scope_fields)}, "
            f"not {filing.field!r}",
            field=filing.field, scope_fields=sorted(base.scope_fields),
        )


CHECKS: tuple[Check, ...] = (
    check_policy_in_force,
    check_identity,
    check_assessment,
    check_dates_known,
    check_filed,
    check_annual_plan_deadline,
    check_one_off_lead_time,
    check_inside_filing,
    check_hours_plausible,
    check_standing,
    check_registry_number,
    check_scope,
    check_county_base,
)


def decide(completion: Completion, filing: Filing, base: BaseFacts, policy: Resolved,
           today: date, workdays: ChinaWorkdays = CHINA, *,
           plan_policy: Resolved | None = None) -> Decision:
    """Credit, reject or hold one completion, as of its training dates.

    ``policy`` is the profile in force for the base's jurisdiction on the first
    training date; ``today`` is the Beijing date the decision is taken; ``plan_policy``,
    for a plan item, the profile in force on its plan's deadline day
    (``plan_deadline_day``), ``policy`` if not given.
    """
    case = Case(completion, filing, base, policy, today, workdays, plan_policy)
    found = [reason for check in CHECKS for reason in check(case)]
    reasons = tuple(r for r in found if not r.note)
    if any(not r.hold for r in reasons):
        outcome = Outcome.REJECTED
    elif reasons:
        outcome = Outcome.HELD
    else:
        outcome = Outcome.CREDITED
    return Decision(
        outcome=outcome,
        reasons=reasons,
        notes=tuple(r for r in found if r.note),
        policy=policy.describe(),
        hours=creditable_hours(case),
        subject=filing.subject,
        year=max(completion.training_dates).year,
    )
