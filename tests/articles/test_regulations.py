"""The rules matrix (../shared/seeds/README.md), article by article.

Each case names the document and the article it proves. The decisions run through
rules.decide with the real policy profiles in ledger/policies, as of the training dates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import chinese_calendar
import pytest

from ledger.assessment import effective_level, trainee_minimum
from ledger.policy import load_book
from ledger.rules import (
    BaseFacts,
    Completion,
    Filing,
    FilingStatus,
    Outcome,
    Subject,
    decide,
    plan_deadline_day,
)
from ledger.standing import EventType, StandingEvent
from ledger.workdays import CHINA, ChinaWorkdays

BOOK = load_book()
# 四川 第三十八条 leaves the day blank: its rules are exercised with the draft enabled.
SICHUAN_BOOK = load_book(enabled_drafts={"510000@2025-draft": date(2025, 1, 1)})
ZIBO, WEIHAI, SICHUAN, SHANGHAI, CHANGZHOU = "370300", "371000", "510000", "310000", "320400"


def base(jurisdiction: str, *, level="municipal", registry_number="REG-1",
         subjects=(Subject.PUBLIC, Subject.PROFESSIONAL)) -> BaseFacts:
    return BaseFacts(jurisdiction=jurisdiction, level=level, registry_number=registry_number,
                     scope_subjects=frozenset(subjects), scope_fields=frozenset(),
                     events=(StandingEvent(EventType.RECOGNISED, date(2010, 1, 1)),))


def filing(start: date, *, days=1, submitted_on: date, plan_year=None,
           subject=Subject.PROFESSIONAL, hours="8.0") -> Filing:
    return Filing(subject=subject, field="工程", start_on=start,
                  end_on=start + timedelta(days=days - 1), hours=Decimal(hours),
                  status=FilingStatus.ACCEPTED, submitted_on=submitted_on,
                  plan_year=plan_year)


def completion(start: date, *, days=1, hours="8.0", subject=Subject.PROFESSIONAL,
               minutes=None, home=None) -> Completion:
    return Completion(hours=Decimal(hours), subject=subject,
                      training_dates=tuple(start + timedelta(days=i) for i in range(days)),
                      assessment_passed=True, minutes=minutes, professional_jurisdiction=home)


def judge(where: BaseFacts, f: Filing, c: Completion, workdays: ChinaWorkdays = CHINA):
    policy = SICHUAN_BOOK.resolve_for_decision(where.jurisdiction, min(c.training_dates))
    plan_policy = None if f.plan_year is None else SICHUAN_BOOK.resolve_for_decision(
        where.jurisdiction, plan_deadline_day(f.plan_year))
    return decide(c, f, where, policy, today=date(2026, 11, 22), workdays=workdays,
                  plan_policy=plan_policy)


def codes(decision) -> list[str]:
    return [r.code for r in decision.reasons]


# --- 威海 第十六条: one-off filings 5 working days before the class -------------------

WEIHAI_LEAD_TIME = {
    # filed, class starts, working days from the filing day to the eve, credited?
    # 威海 第十六条 "开班前5个工作日": count back from the day before the start; the 5th
    # working day found is the last day to file, and the filing day itself may be it.
    "威海 第十六条 boundary day: Fri Nov 1 is the 5th working day before Fri Nov 8": (
        date(2024, 11, 1), date(2024, 11, 8), 5, True),
    "威海 第十六条 boundary day: filed a day later, Mon Nov 4, is late": (
        date(2024, 11, 4), date(2024, 11, 8), 4, False),
    "威海 第十六条 holiday week, National Day 2024: Sep 30 + Oct 8-11 = 5, start Oct 12": (
        date(2024, 9, 30), date(2024, 10, 12), 5, True),
    "威海 第十六条 holiday week, National Day 2024: Oct 1-7 off, start Oct 11 is late": (
        date(2024, 9, 30), date(2024, 10, 11), 4, False),
    "威海 第十六条 make-up working day: Sun Sep 29 2024 worked, Sep 27 for Oct 10": (
        date(2024, 9, 27), date(2024, 10, 10), 5, True),
    "威海 第十六条 make-up working day: Sat Oct 12 2024 worked, Oct 9 for Oct 15": (
        date(2024, 10, 9), date(2024, 10, 15), 5, True),
    "威海 第十六条 Spring Festival 2024: Feb 10-17 off, Feb 18 (Sun) worked, Feb 6 for Feb 19": (
        date(2024, 2, 6), date(2024, 2, 19), 5, True),
    "威海 第十六条 Spring Festival 2024: filed Feb 7, Feb 19 is late": (
        date(2024, 2, 7), date(2024, 2, 19), 4, False),
    "威海 第十六条 a filing on a rest day counts no day: Sat Sep 28 for Oct 10 is late": (
        date(2024, 9, 28), date(2024, 10, 10), 4, False),
}


@pytest.mark.parametrize(("filed", "start", "counted", "credited"),
                         WEIHAI_LEAD_TIME.values(), ids=WEIHAI_LEAD_TIME.keys())
def test_weihai_one_off_lead_time(filed, start, counted, credited):
    decision = judge(base(WEIHAI), filing(start, submitted_on=filed), completion(start))

    assert (decision.outcome is Outcome.CREDITED) is credited, codes(decision)
    last_day = CHINA.nth_working_day_before(start, 5)
    assert (filed <= last_day) is credited, "on or before the 5th working day before"
    if not credited:
        reason = decision.reasons[0]
        assert reason.code == "one_off_filed_too_late"
        assert reason.details["working_days"] == counted and reason.details["required"] == 5
        assert reason.details["counting"] == "filing_day_counts"
        assert reason.details["last_filing_day"] == str(last_day)
        assert reason.rule["article"] == "第十六条"
        assert reason.rule["source"] == "001_cc8696657ba7978b.txt"
        assert reason.rule["profile"] == "371000@2019"
        assert f"{counted} working days before the start" in reason.message
        later = date.fromisoformat(reason.details["earliest_start"])
        again = judge(base(WEIHAI), filing(later, submitted_on=filed), completion(later))
        assert again.outcome is Outcome.CREDITED, "the earliest start it names must pass"
        sooner = later - timedelta(days=1)
        if sooner > filed:
            before = judge(base(WEIHAI), filing(sooner, submitted_on=filed), completion(sooner))
            assert before.outcome is Outcome.REJECTED, "and the day before it must not"


def test_weihai_plan_items_need_no_lead_time_but_the_plan_deadline():
    start = date(2024, 3, 5)
    on_time = judge(base(WEIHAI), filing(start, submitted_on=date(2023, 12, 29),
                                         plan_year=2024), completion(start))
    late = judge(base(WEIHAI), filing(start, submitted_on=date(2024, 3, 1), plan_year=2024),
                 completion(start))

    assert on_time.outcome is Outcome.CREDITED
    assert codes(late) == ["annual_plan_filed_late"]
    assert late.reasons[0].rule["article"] == "第十六条"


def test_weihai_2019_lapsed_after_2024_12_17_and_the_national_rule_applies():
    # Filed two working days ahead: too late under 威海 第十六条, fine nationally.
    last_day = judge(base(WEIHAI), filing(date(2024, 12, 17), submitted_on=date(2024, 12, 12)),
                     completion(date(2024, 12, 17)))
    after = judge(base(WEIHAI), filing(date(2024, 12, 18), submitted_on=date(2024, 12, 13)),
                  completion(date(2024, 12, 18)))

    assert codes(last_day) == ["one_off_filed_too_late"]
    assert after.outcome is Outcome.CREDITED
    assert after.policy["jurisdiction"] == "000000"
    assert after.policy["requested_jurisdiction"] == WEIHAI


def test_a_lead_time_in_a_year_without_official_holidays_is_held_not_guessed():
    class Without2024(ChinaWorkdays):
        def has_official_data(self, year: int) -> bool:
            return year != 2024

    decision = judge(base(WEIHAI), filing(date(2024, 6, 3), submitted_on=date(2024, 5, 20)),
                     completion(date(2024, 6, 3)), workdays=Without2024())

    assert decision.outcome is Outcome.HELD
    assert codes(decision) == ["working_days_unknown"]
    assert decision.reasons[0].details["year"] == 2024


# --- 淄博 2025: in force from 2025-05-10 (第三十三条); plans by 12月底 (第十九条) ------------

def test_zibo_before_2025_05_10_is_judged_under_the_national_rule():
    late_plan = filing(date(2025, 5, 9), submitted_on=date(2025, 1, 15), plan_year=2025)

    before = judge(base(ZIBO), late_plan, completion(date(2025, 5, 9)))

    assert before.outcome is Outcome.CREDITED
    assert before.policy["jurisdiction"] == "000000"


def test_zibo_article_33_a_2025_plan_had_no_zibo_deadline_on_2024_12_31():
    # 淄博 applies from 2025-05-10 (第三十三条): on 2024-12-31 no deadline bound the plan.
    plan_2025 = filing(date(2025, 5, 12), submitted_on=date(2025, 1, 15), plan_year=2025)

    decision = judge(base(ZIBO), plan_2025, completion(date(2025, 5, 12)))

    assert decision.outcome is Outcome.CREDITED, codes(decision)


def test_zibo_article_19_a_2026_plan_item_filed_after_december_is_not_in_the_plan():
    late_plan = filing(date(2026, 5, 12), submitted_on=date(2026, 1, 15), plan_year=2026)

    after = judge(base(ZIBO), late_plan, completion(date(2026, 5, 12)))

    assert codes(after) == ["annual_plan_filed_late"]
    reason = after.reasons[0]
    assert reason.rule["article"] == "第十九条" and reason.rule["profile"] == "370300@2025"
    assert reason.details["deadline"] == "2025-12-31"


# --- 常州 2011 ------------------------------------------------------------------------

def test_changzhou_article_9_an_unnumbered_base_credits_nothing():
    start = date(2020, 6, 1)
    decision = judge(base(CHANGZHOU, registry_number=None),
                     filing(start, submitted_on=date(2020, 5, 1)), completion(start))

    assert codes(decision) == ["base_not_numbered"]
    assert decision.reasons[0].rule["article"] == "第九条"


def test_changzhou_article_4_a_county_base_may_not_teach_public_subjects():
    start = date(2020, 6, 1)
    county = base("320402", level="county")
    decision = judge(county, filing(start, submitted_on=date(2020, 5, 1),
                                    subject=Subject.PUBLIC),
                     completion(start, subject=Subject.PUBLIC, home="320402"))

    assert codes(decision) == ["county_base_public_subject"]
    assert decision.reasons[0].rule["article"] == "第四条"


def test_changzhou_article_4_a_county_base_trains_its_own_district():
    start = date(2020, 6, 1)
    county = base("320402", level="county")
    f = filing(start, submitted_on=date(2020, 5, 1))

    own = judge(county, f, completion(start, home="320402"))
    other = judge(county, f, completion(start, home="320411"))

    assert own.outcome is Outcome.CREDITED
    assert codes(other) == ["county_base_outside_district"]


def test_changzhou_city_bases_teach_public_subjects_anywhere_in_the_city():
    start = date(2020, 6, 1)
    decision = judge(base(CHANGZHOU, level="municipal"),
                     filing(start, submitted_on=date(2020, 5, 1), subject=Subject.PUBLIC),
                     completion(start, subject=Subject.PUBLIC, home="320411"))

    assert decision.outcome is Outcome.CREDITED


# --- the national rule: 人社部令第25号 -------------------------------------------------

def test_national_article_8_the_requirement_is_90_with_two_thirds_professional():
    policy = BOOK.resolve("370303", date(2026, 12, 31))

    assert policy.value("yearly_hours_required") == 90
    assert str(policy.value("professional_share_min")) == "2/3"
    assert policy.param("yearly_hours_required").citation.article == "第八条"


def test_ledger_default_a_day_credits_at_most_8_xueshi_and_what_fits_is_credited():
    # 人社部令第25号 第八条 leaves 学时认定 to the provinces: 8 a day is the ledger's default.
    start = date(2026, 3, 2)
    f = filing(start, days=2, submitted_on=date(2026, 2, 1), hours="20.0")

    two_days = judge(base(ZIBO), f, completion(start, days=2, hours="16.0"))
    too_much = judge(base(ZIBO), f, completion(start, days=2, hours="17.0"))
    full = replace(completion(start, days=1, hours="4.0"),
                   day_load=((start, Decimal("8.0")),))
    half = replace(completion(start, days=2, hours="12.0"),
                   day_load=((start, Decimal("6.0")),))

    assert two_days.outcome is Outcome.CREDITED and two_days.notes == ()
    assert too_much.outcome is Outcome.CREDITED and too_much.hours == Decimal("16.0")
    [note] = too_much.notes
    assert note.code == "hours_exceed_daily_cap"
    assert note.details["hours"] == "17.0" and note.details["credited_hours"] == "16.0"
    cap = BOOK.resolve(ZIBO, start).param("daily_hours_cap")
    assert cap.citation.article is None and "ledger's default" in cap.citation.summary
    assert codes(judge(base(ZIBO), f, full)) == ["hours_exceed_daily_cap"]
    assert judge(base(ZIBO), f, half).hours == Decimal("10.0")  # 2 on the 2nd, 8 on the 3rd


def test_national_default_45_minutes_make_a_xueshi():
    start = date(2026, 3, 2)
    f = filing(start, submitted_on=date(2026, 2, 1))

    enough = judge(base(ZIBO), f, completion(start, hours="4.0", minutes=180))
    short = judge(base(ZIBO), f, completion(start, hours="4.0", minutes=179))

    assert enough.outcome is Outcome.CREDITED
    assert codes(short) == ["hours_exceed_minutes"]
    assert short.reasons[0].details["earned"] == "3.9"


def test_training_before_the_national_rule_cannot_be_judged():
    start = date(2015, 9, 1)
    decision = judge(base(ZIBO), filing(start, submitted_on=date(2015, 8, 1)),
                     completion(start))

    assert codes(decision) == ["no_policy_in_force"]


# --- scale: 淄博 第八条, 上海 第八条, 四川 第八条 and 第三十六条 -----------------------------

SCALE = {
    "淄博 第八条 500 trained a year": (ZIBO, date(2026, 1, 1), "municipal", (500, "persons")),
    "上海 第八条 1500 person-times": (SHANGHAI, date(2026, 1, 1), "municipal",
                                      (1500, "person_times")),
    "四川 第八条 provincial bases 2000": (SICHUAN, date(2026, 1, 1), "provincial",
                                        (2000, "persons")),
    "四川 第三十六条 benefits, not obligations: no 2000 minimum for a national base": (
        SICHUAN, date(2026, 1, 1), "national", None),
    "四川 第八条 says nothing of city bases": (SICHUAN, date(2026, 1, 1), "municipal", None),
    "威海 2019 has lapsed: no number": (WEIHAI, date(2026, 1, 1), "municipal", None),
}


@pytest.mark.parametrize(("code", "on", "level", "expected"), SCALE.values(), ids=SCALE.keys())
def test_yearly_scale_minimums(code, on, level, expected):
    found = trainee_minimum(SICHUAN_BOOK.resolve(code, on), level)
    assert (None if found is None else (found.minimum, found.unit)) == expected


def test_sichuan_article_36_elsewhere_a_national_base_stays_national():
    assert effective_level("national",
                           SICHUAN_BOOK.resolve(SICHUAN, date(2026, 1, 1))) == "provincial"
    assert effective_level("national", BOOK.resolve(ZIBO, date(2026, 1, 1))) == "national"


# --- standing, in each document's words ------------------------------------------------

STANDING = {
    "淄博 第二十三、二十四条": (ZIBO, date(2026, 3, 2), "第二十三条、第二十四条"),
    "四川 第二十三、二十四条": (SICHUAN, date(2026, 3, 2), "第二十三条、第二十四条"),
    "上海 第二十三、二十五条": (SHANGHAI, date(2026, 3, 2), "第二十三条、第二十五条"),
    "常州 第八、九条": (CHANGZHOU, date(2026, 3, 2), "第八条、第九条"),
    "威海 第十九、二十条": (WEIHAI, date(2024, 3, 4), "第十九条、第二十条"),
}


@pytest.mark.parametrize(("code", "start", "article"), STANDING.values(), ids=STANDING.keys())
def test_a_revoked_base_credits_nothing_and_the_receipt_cites_the_article(code, start, article):
    revoked = replace(base(code), events=(
        StandingEvent(EventType.RECOGNISED, date(2010, 1, 1)),
        StandingEvent(EventType.REVOKED, start - timedelta(days=1)),
    ))
    decision = judge(revoked, filing(start, submitted_on=start - timedelta(days=30)),
                     completion(start))

    assert codes(decision) == ["base_not_in_good_standing"]
    assert decision.reasons[0].rule["article"] == article


# --- the working-day calendar against a second source --------------------------------

@pytest.mark.parametrize("year", range(2015, 2027))
def test_working_days_agree_with_chinesecalendar(year):
    day, disagreements = date(year, 1, 1), []
    while day.year == year:
        if CHINA.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []
