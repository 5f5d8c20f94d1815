"""The recognition procedure (认定) an application goes through, step by step.

威海 第五条: apply → the supervising unit or district bureau recommends → an expert panel
reviews → public notice of at least 5 days (an objection stops it) → recognised and
published. 淄博 第九条, 上海 第九条 and 常州 第六条 follow the same steps without a fixed
notice. 上海 第二十五条 and 四川 第二十四条: an institution that cheated in applying or lost
its status is not heard again.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from .errors import Invalid


class Step(StrEnum):
    RECOMMEND = "recommend"
    DECLINE = "decline"  # not recommended
    PASS_REVIEW = "pass_review"
    FAIL_REVIEW = "fail_review"
    OPEN_NOTICE = "open_notice"
    OBJECT = "object"
    CLOSE_NOTICE = "close_notice"
    RECOGNISE = "recognise"


NEXT: dict[str, dict[Step, str]] = {
    "submitted": {Step.RECOMMEND: "recommended", Step.DECLINE: "declined"},
    "recommended": {Step.PASS_REVIEW: "reviewed", Step.FAIL_REVIEW: "rejected"},
    "reviewed": {Step.OPEN_NOTICE: "on_notice", Step.RECOGNISE: "recognised"},
    "on_notice": {Step.OBJECT: "objected", Step.CLOSE_NOTICE: "notice_closed"},
    "notice_closed": {Step.RECOGNISE: "recognised"},
}
FINAL = {"declined", "rejected", "objected", "recognised"}


def advance(status: str, step: Step, *, notice_days: int | None = None,
            direct: bool = False) -> str:
    """The status after ``step``, or Invalid. Where a profile sets a notice period, a
    reviewed application cannot be recognised before its notice has closed; where it
    lets an applicant apply directly (淄博 第二十五条), review needs no recommendation."""
    if step is Step.RECOGNISE and status == "reviewed" and notice_days:
        raise Invalid(f"the policy requires a public notice of at least {notice_days} days "
                      "before recognition", code="public_notice_required")
    if direct and status == "submitted" and step in (Step.PASS_REVIEW, Step.FAIL_REVIEW):
        return NEXT["recommended"][step]
    try:
        return NEXT[status][step]
    except KeyError:
        raise Invalid(f"an application that is {status} cannot {step}",
                      code="application_step_invalid") from None


def notice_until(opened: date, days: int) -> date:
    """The last day of a notice of ``days`` days that opens on ``opened``, counted as the
    rest of the ledger counts a period (民法典 第二百零一条: 开始的当日不计入): the day it
    opens does not count, so 威海 第五条's "不少于5天" opened on the 6th runs to the 11th."""
    return opened + timedelta(days=days)
