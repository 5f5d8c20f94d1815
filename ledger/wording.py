"""Plain Chinese for the people's pages: why a posting did not credit, in words a
professional understands, keyed by the reason's stable code. The article cited comes
with the reason itself (its ``rule``); this module only says it in Chinese.

Standard library only: the PDF and the pages use it alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SUBJECTS = {"public": "公需科目", "professional": "专业科目"}

STANDING = {
    "unrecognised": "未认定", "recognised": "正常", "rectifying": "限期整改中",
    "suspended": "暂停", "revoked": "已撤销", "expired": "有效期届满", "void": "认定无效期间",
}

POSTING_STATUS = {"rejected": "未予登记", "held": "暂缓登记", "voided": "已撤回冲销",
                  "credited": "已登记"}

LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}

OUTCOMES = {"pass": "合格", "fail": "不合格"}

ROLES = {"committee": "职称评审委员会", "regulator": "人力资源社会保障部门",
         "base": "继续教育基地", "professional": "本人"}

REASONS: dict[str, str] = {
    "no_policy_in_force": "培训日期当天没有可适用的继续教育规定，无法登记学时。",
    "identity_invalid": "身份证号码校验未通过（{problems}），无法确认是您本人。",
    "identity_name_mismatch": "基地报送的姓名与登记的姓名不一致，无法确认是您本人。",
    "assessment_not_passed": "培训考核未通过，不予登记学时。",
    "training_date_in_future": "报送的培训日期晚于今天（{today}），暂不能登记。",
    "project_filing_pending": "该培训项目的备案尚待人社部门审核，审核通过后将自动重新判定。",
    "project_filing_rejected": "该培训项目的备案未获人社部门同意，不予登记学时。",
    "project_filed_late": "该项目于{submitted_on}才备案，晚于开班日期{start_on}；"
                          "须在开班前备案，事后备案不计学时。",
    "annual_plan_filed_late": "该项目于{submitted_on}报入{plan_year}年度计划，"
                              "已超过截止日期{deadline}，不属于年度计划内项目。",
    "one_off_filed_too_late": "该项目开班前只提前了{working_days}个工作日备案，规定至少"
                              "{required}个工作日（按{submitted_on}备案，最早可于{earliest_start}开班）。",
    "working_days_unknown": "{year}年的法定节假日安排尚未公布，无法计算工作日，暂缓登记。",
    "training_date_outside_filing": "培训日期不在备案的{start_on}至{end_on}之内。",
    "hours_exceed_filing": "报送{hours}学时，本项目已登记{already_credited}学时，"
                           "超过备案的{filed_hours}学时。",
    "subject_mismatch": "报送的科目与备案的科目不一致。",
    "hours_exceed_daily_cap": "{days}：每人每天最多{daily_cap}学时（各基地合计），这几天已登记"
                              "{already_credited_on_days}学时；本次报送{hours}学时，"
                              "登记{credited_hours}学时。",
    "one_off_lead_time_exception": "该项目开班前{working_days}个工作日才备案"
                                   "（一般应提前{required}个），人社部门于{exception_decided_on}准予例外：{exception_reason}。",
    "hours_exceed_attendance": "报送{hours}学时，但考勤记录（{minutes}分钟）只折合{earned}学时，"
                               "不予登记；请基地撤回后按实际出勤重新报送。",
    "attendance_below_minimum": "出勤折合{earned}学时，未达到备案{filed_hours}学时的最低比例"
                                "{share_min}。",
    "attendance_overlap": "同一时段您在另一基地也有面授考勤记录，暂缓登记，"
                          "待人社部门核实后重新判定。",
    "attendance_overlap_upheld": "人社部门核实该时段与另一基地的面授重叠，不予登记学时。",
    "draft_advisory": "征求意见稿（尚未施行）对此的看法，仅供参考，不影响登记结果。",
    "hours_exceed_minutes": "实际学习{minutes}分钟，按每学时{minutes_per_xueshi}分钟只折合"
                            "{earned}学时，少于报送的{hours}学时。",
    "base_not_numbered": "该基地没有统一编号，在未编号基地参加的培训不计学时。",
    "county_base_public_subject": "县级继续教育基地只能开展专业科目培训，不能开展公需科目培训。",
    "professional_jurisdiction_unknown": "县级基地只培训本辖区人员，您尚未在任何地区登记，"
                                         "暂缓登记，待人社部门登记后重新判定。",
    "county_base_outside_district": "县级基地只培训本辖区人员，您登记在其他地区。",
    "project_outside_scope": "该项目超出了基地获准开展的培训范围。",
    "base_not_in_good_standing": "培训期间该基地不在正常状态：{days}。",
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def _plain(value: Any) -> str:
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, Mapping) and "date" in item:
                status = item.get("status")
                parts.append(f"{item['date']}（{STANDING.get(status, status)}）")
            else:
                parts.append(str(item))
        return "、".join(parts)
    return str(value)


def reason_text(reason: Mapping[str, Any]) -> str:
    """A reason (``{"code", "message", "details", ...}``) in plain Chinese; the English
    message when the code is new to this table, so nothing is ever hidden."""
    template = REASONS.get(reason.get("code", ""))
    if template is None:
        return str(reason.get("message", ""))
    details = _Blank({k: _plain(v) for k, v in (reason.get("details") or {}).items()})
    return template.format_map(details)


def citation_text(rule: Mapping[str, Any] | None) -> str:
    """《document》第N条 (the seed file), for the article a reason cites."""
    if not rule:
        return ""
    article = rule.get("article") or ""
    document = rule.get("document") or rule.get("source") or ""
    return f"《{document}》{article}".strip()


_REVOKED = re.compile(r"^base revoked on (\S+); its credits for training from (\S+) are void: "
                      r"(.*)$", re.S)
_VOIDED = "voided by the base: "


def reversal_text(reason: str | None) -> str:
    """Why a credit was reversed, in Chinese, for the two ways the ledger reverses
    (a base voiding its record, a revocation voiding credits from a date); other
    reasons are shown as written."""
    reason = reason or ""
    if reason.startswith(_VOIDED):
        return f"基地撤回了这条记录，已登记的学时冲销。基地说明：{reason[len(_VOIDED):]}"
    match = _REVOKED.match(reason)
    if match:
        on, since, why = match.groups()
        return (f"该基地于{on}被撤销认定，{since}起在该基地培训的学时一律作废并冲销。"
                f"撤销原因：{why}")
    return f"冲销原因：{reason}"


def chinese(text: str | None) -> str:
    """The text if it is written in Chinese, else "": some profiles summarise an article
    in English, which a page in Chinese leaves out (the article itself is still cited)."""
    text = text or ""
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return text if han > latin else ""
