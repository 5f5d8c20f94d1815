"""The checks on the project's filing: filed and accepted before the class began, in the
annual plan by its deadline or a one-off with its lead time, and the posting inside what
was filed. They change when a regulation's filing procedure does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..policy import Resolved
from ..workdays import NoOfficialData
from .values import Case, FilingStatus, Reason, _plain


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

