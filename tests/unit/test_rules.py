"""The crediting rule decided from plain values: every failed rule is reported."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from ledger.policy import load_book
from ledger.rules import (
    BaseFacts,
    Completion,
    Filing,
    FilingStatus,
    Outcome,
    Subject,
    decide,
)
from ledger.standing import EventType, StandingEvent

BOOK = load_book()

# A Zibo base's two-day professional class in June 2025, filed in May; Zibo 2025 in force.
MON, TUE = date(2025, 6, 2), date(2025, 6, 3)
TODAY = date(2025, 6, 10)
ZIBO = BOOK.resolve("370300", MON)

COMPLETION = Completion(
    hours=Decimal("12"),
    subject=Subject.PROFESSIONAL,
    training_dates=(MON, TUE),
    assessment_passed=True,
)
FILING = Filing(
    subject=Subject.PROFESSIONAL,
    field="engineering",
    start_on=MON,
    end_on=date(2025, 6, 6),
    hours=Decimal("16"),
    status=FilingStatus.ACCEPTED,
    submitted_on=date(2025, 5, 20),
)
BASE = BaseFacts(
    jurisdiction="370300",
    level="municipal",
    registry_number="ZB-2025-001",
    scope_subjects=frozenset({Subject.PROFESSIONAL, Subject.PUBLIC}),
    scope_fields=frozenset({"engineering", "health"}),
    events=(StandingEvent(EventType.RECOGNISED, date(2020, 1, 1)),),
)


def codes(decision):
    return [reason.code for reason in decision.reasons]


def test_a_completion_that_meets_every_rule_is_credited():
    decision = decide(COMPLETION, FILING, BASE, ZIBO, TODAY)
    assert decision.outcome is Outcome.CREDITED
    assert decision.reasons == ()
    assert decision.hours == Decimal("12")
    assert decision.subject is Subject.PROFESSIONAL
    assert decision.policy["jurisdiction"] == "370300"
    assert decision.policy["version"] == "2025"


SUSPENDED_ON_TUESDAY = BASE.events + (StandingEvent(EventType.SUSPENDED, TUE),)

SINGLE_FAILURES = {
    "identity invalid": (
        {"completion": {"identity_problems": ("check character is 1, expected X",)}},
        "identity_invalid"),
    "name mismatch": ({"completion": {"name_matches": False}}, "identity_name_mismatch"),
    "assessment failed": ({"completion": {"assessment_passed": False}}, "assessment_not_passed"),
    "training date in the future": ({"today": MON}, "training_date_in_future"),
    "filing rejected": ({"filing": {"status": FilingStatus.REJECTED}}, "project_filing_rejected"),
    "filed on the start day": ({"filing": {"submitted_on": MON}}, "project_filed_late"),
    "filed after the start day": ({"filing": {"submitted_on": TUE}}, "project_filed_late"),
    "a date outside the filing": (
        {"completion": {"training_dates": (MON, date(2025, 6, 9))}},
        "training_date_outside_filing"),
    "a date before the filing": (
        {"completion": {"training_dates": (date(2025, 6, 1), MON)}},
        "training_date_outside_filing"),
    "hours exceed the filing": ({"filing": {"hours": Decimal("11.5")}}, "hours_exceed_filing"),
    "subject mismatch": ({"completion": {"subject": Subject.PUBLIC}}, "subject_mismatch"),
    "base suspended on one of the dates": (
        {"base": {"events": SUSPENDED_ON_TUESDAY}}, "base_not_in_good_standing"),
    "base recognised only after the first date": (
        {"base": {"events": (StandingEvent(EventType.RECOGNISED, TUE),)}},
        "base_not_in_good_standing"),
    "subject outside scope": (
        {"base": {"scope_subjects": frozenset({Subject.PUBLIC})}}, "project_outside_scope"),
    "field outside scope": (
        {"base": {"scope_fields": frozenset({"health"})}}, "project_outside_scope"),
    "a day already full at 8 hours": (
        {"completion": {"training_dates": (MON,), "day_load": ((MON, Decimal("8.0")),)},
         "filing": {"end_on": MON}},
        "hours_exceed_daily_cap"),
    "more hours than the minutes attended": (
        {"completion": {"minutes": 500}}, "hours_exceed_minutes"),
    "annual plan item filed after 31 December": (
        {"filing": {"plan_year": 2025, "submitted_on": date(2025, 1, 2)}},
        "annual_plan_filed_late"),
}


def case(changes):
    completion = replace(COMPLETION, **changes.get("completion", {}))
    filing = replace(FILING, **changes.get("filing", {}))
    base = replace(BASE, **changes.get("base", {}))
    return completion, filing, base, changes.get("today", TODAY)


@pytest.mark.parametrize(
    ("changes", "code"), list(SINGLE_FAILURES.values()), ids=list(SINGLE_FAILURES)
)
def test_a_single_failed_rule_rejects_with_exactly_its_reason(changes, code):
    completion, filing, base, today = case(changes)
    decision = decide(completion, filing, base, ZIBO, today)
    assert codes(decision) == [code]
    assert decision.outcome is Outcome.REJECTED


@pytest.mark.parametrize(
    ("changes", "code"), list(SINGLE_FAILURES.values()), ids=list(SINGLE_FAILURES)
)
def test_every_reason_cites_its_rule_and_the_profile_applied(changes, code):
    completion, filing, base, today = case(changes)
    (reason,) = decide(completion, filing, base, ZIBO, today).reasons
    assert reason.rule["profile"] == "370300@2025"
    assert set(reason.rule) == {"document", "source", "article", "summary", "profile"}
    assert reason.message
    assert reason.as_dict()["rule"] == reason.rule


def test_a_standing_reason_cites_zibos_own_articles():
    completion, filing, base, today = case(SINGLE_FAILURES["base suspended on one of the dates"][0])
    (reason,) = decide(completion, filing, base, ZIBO, today).reasons
    assert reason.rule["article"] == "第二十三条、第二十四条"
    assert reason.rule["source"] == "000_878c5ac79252050a.txt"


def test_a_standing_reason_names_only_the_bad_day():
    completion, filing, base, today = case(SINGLE_FAILURES["base suspended on one of the dates"][0])
    (reason,) = decide(completion, filing, base, ZIBO, today).reasons
    assert reason.details["days"] == [{"date": "2025-06-03", "status": "suspended"}]


def test_an_identity_reason_cites_gb_11643():
    completion, filing, base, today = case(SINGLE_FAILURES["identity invalid"][0])
    (reason,) = decide(completion, filing, base, ZIBO, today).reasons
    assert reason.rule["source"] == "GB 11643-1999"
    assert reason.rule["article"] == "6.2"
    assert reason.details["problems"] == ["check character is 1, expected X"]


def test_a_pending_filing_holds_the_completion_rather_than_rejecting_it():
    decision = decide(COMPLETION, replace(FILING, status=FilingStatus.PENDING), BASE, ZIBO,
                      TODAY)
    assert decision.outcome is Outcome.HELD
    assert codes(decision) == ["project_filing_pending"]
    assert decision.reasons[0].hold


def test_a_pending_filing_with_another_failure_is_rejected_with_both_reasons():
    decision = decide(replace(COMPLETION, assessment_passed=False),
                      replace(FILING, status=FilingStatus.PENDING), BASE, ZIBO, TODAY)
    assert decision.outcome is Outcome.REJECTED
    assert codes(decision) == ["assessment_not_passed", "project_filing_pending"]


def test_an_invalid_identity_is_reported_instead_of_a_name_mismatch():
    completion = replace(COMPLETION, identity_problems=("x",), name_matches=False)
    assert codes(decide(completion, FILING, BASE, ZIBO, TODAY)) == ["identity_invalid"]


def test_several_failed_rules_are_all_reported():
    completion = replace(COMPLETION, name_matches=False, assessment_passed=False,
                         subject=Subject.PUBLIC, training_dates=(MON, date(2025, 6, 9)))
    filing = replace(FILING, submitted_on=MON, hours=Decimal("10"))
    base = replace(BASE, events=SUSPENDED_ON_TUESDAY, scope_fields=frozenset({"health"}))
    decision = decide(completion, filing, base, ZIBO, TODAY)
    assert decision.outcome is Outcome.REJECTED
    assert sorted(codes(decision)) == sorted([
        "identity_name_mismatch",
        "assessment_not_passed",
        "project_filed_late",
        "training_date_outside_filing",
        "hours_exceed_filing",
        "subject_mismatch",
        "base_not_in_good_standing",
        "project_outside_scope",
    ])


def test_a_subject_and_a_field_both_outside_scope_give_two_reasons():
    base = replace(BASE, scope_subjects=frozenset({Subject.PUBLIC}),
                   scope_fields=frozenset({"health"}))
    reasons = decide(COMPLETION, FILING, base, ZIBO, TODAY).reasons
    assert [r.code for r in reasons] == ["project_outside_scope", "project_outside_scope"]
    assert "subject" in reasons[0].details
    assert reasons[1].details["field"] == "engineering"


def test_a_base_with_no_field_limits_takes_any_field():
    base = replace(BASE, scope_fields=frozenset())
    filing = replace(FILING, field="law")
    assert decide(COMPLETION, filing, base, ZIBO, TODAY).outcome is Outcome.CREDITED


def test_an_annual_plan_item_filed_by_31_december_is_credited():
    filing = replace(FILING, plan_year=2025, submitted_on=date(2024, 12, 31))
    assert decide(COMPLETION, filing, BASE, ZIBO, TODAY).outcome is Outcome.CREDITED


def test_training_before_any_profile_was_in_force_is_rejected_as_such():
    day = date(2015, 9, 1)
    policy = BOOK.resolve_for_decision("370300", day)
    completion = replace(COMPLETION, training_dates=(day,))
    filing = replace(FILING, start_on=day, end_on=day, submitted_on=date(2015, 8, 1))
    decision = decide(completion, filing, BASE, policy, TODAY)
    assert "no_policy_in_force" in codes(decision)
    assert decision.outcome is Outcome.REJECTED


@pytest.mark.parametrize(
    ("dates", "year"),
    [
        ((date(2024, 12, 30), date(2025, 1, 2)), 2025),
        ((date(2025, 1, 2), date(2024, 12, 30)), 2025),
        ((date(2024, 12, 30), date(2024, 12, 31)), 2024),
    ],
    ids=["across new year", "across new year, listed out of order", "inside one year"],
)
def test_the_decision_year_is_the_year_of_the_last_training_date(dates, year):
    shanghai = BOOK.resolve("310000", min(dates))
    completion = replace(COMPLETION, training_dates=dates)
    filing = replace(FILING, start_on=date(2024, 12, 30), end_on=date(2025, 1, 2),
                     submitted_on=date(2024, 12, 1))
    base = replace(BASE, jurisdiction="310000")
    decision = decide(completion, filing, base, shanghai, TODAY)
    assert decision.outcome is Outcome.CREDITED, codes(decision)
    assert decision.year == year


# Weihai 2019 第十六条: a one-off project is filed 5 working days before it starts.

WEIHAI_START = date(2024, 10, 8)  # the first working day after the National Day week


@pytest.mark.parametrize(
    ("submitted_on", "expected"),
    [
        (date(2024, 9, 20), []),
        (date(2024, 9, 27), ["one_off_filed_too_late"]),
        (date(2024, 9, 30), ["one_off_filed_too_late"]),
    ],
    ids=[
        "seven working days ahead",
        "two working days ahead, counting the Sunday make-up day",
        "zero working days ahead, the holiday week between",
    ],
)
def test_weihai_counts_working_days_between_filing_and_start(submitted_on, expected):
    weihai = BOOK.resolve("371002", WEIHAI_START)
    completion = replace(COMPLETION, training_dates=(WEIHAI_START, date(2024, 10, 9)))
    filing = replace(FILING, start_on=WEIHAI_START, end_on=date(2024, 10, 11),
                     submitted_on=submitted_on)
    base = replace(BASE, jurisdiction="371000")
    assert codes(decide(completion, filing, base, weihai, TODAY)) == expected


def test_weihai_says_when_a_late_one_off_class_could_have_started():
    weihai = BOOK.resolve("371002", WEIHAI_START)
    filing = replace(FILING, start_on=WEIHAI_START, end_on=date(2024, 10, 11),
                     submitted_on=date(2024, 9, 30))
    completion = replace(COMPLETION, training_dates=(WEIHAI_START,), hours=Decimal("8"))
    (reason,) = decide(completion, filing, replace(BASE, jurisdiction="371000"), weihai,
                       TODAY).reasons
    assert reason.details["working_days"] == 1  # the filing day itself, Mon 30 September
    # Sep 30, Oct 8-11 make five: the class could start on Saturday the 12th.
    assert reason.details["earliest_start"] == "2024-10-12"
    assert reason.rule["article"] == "第十六条"


# Changzhou 2011 第四条, 第九条: registry numbers and county-level bases.

CHANGZHOU = BOOK.resolve("320402", MON)
COUNTY = replace(BASE, jurisdiction="320402", level="county", registry_number="CZ-0001")
AT_HOME = replace(COMPLETION, professional_jurisdiction="320402")


@pytest.mark.parametrize(
    ("completion", "filing", "base", "expected"),
    [
        (AT_HOME, FILING, COUNTY, []),
        (AT_HOME, FILING, replace(COUNTY, registry_number=None), ["base_not_numbered"]),
        (replace(AT_HOME, subject=Subject.PUBLIC), replace(FILING, subject=Subject.PUBLIC),
         COUNTY, ["county_base_public_subject"]),
        (COMPLETION, FILING, COUNTY, ["professional_jurisdiction_unknown"]),
        (replace(COMPLETION, professional_jurisdiction="320404"), FILING, COUNTY,
         ["county_base_outside_district"]),
        (replace(COMPLETION, professional_jurisdiction="320404"), FILING,
         replace(COUNTY, level="municipal"), []),
    ],
    ids=[
        "a numbered county base teaching its own district",
        "a base without a registry number",
        "a county base teaching a public subject",
        "a county base cannot tell an unregistered professional's district: held",
        "a county base training another district's professional",
        "a municipal base may train any district",
    ],
)
def test_changzhou_limits_unnumbered_and_county_level_bases(completion, filing, base, expected):
    assert codes(decide(completion, filing, base, CHANGZHOU, TODAY)) == expected
