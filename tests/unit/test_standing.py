"""A base's standing folded from its events and asked for any date."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.errors import Invalid
from ledger.standing import EventType, Standing, StandingEvent, Status, check_append, standing_on

E = EventType

# One base's whole life: recognised, ordered to rectify, rectified, suspended,
# reinstated, lapsed, recognised again, then revoked for misconduct.
TIMELINE = (
    StandingEvent(E.RECOGNISED, date(2020, 1, 1)),
    StandingEvent(E.RECTIFICATION_ORDERED, date(2021, 3, 1), due_on=date(2021, 6, 1)),
    StandingEvent(E.RECTIFIED, date(2021, 5, 1)),
    StandingEvent(E.SUSPENDED, date(2022, 1, 1)),
    StandingEvent(E.REINSTATED, date(2022, 6, 1)),
    StandingEvent(E.EXPIRED, date(2023, 1, 1)),
    StandingEvent(E.RECOGNISED, date(2023, 3, 1)),
    StandingEvent(E.REVOKED, date(2024, 1, 1)),
)


@pytest.mark.parametrize(
    ("day", "status", "since", "good"),
    [
        (date(2019, 12, 31), Status.UNRECOGNISED, None, False),
        (date(2020, 1, 1), Status.RECOGNISED, date(2020, 1, 1), True),
        (date(2021, 2, 28), Status.RECOGNISED, date(2020, 1, 1), True),
        (date(2021, 3, 1), Status.RECTIFYING, date(2021, 3, 1), True),
        (date(2021, 4, 30), Status.RECTIFYING, date(2021, 3, 1), True),
        (date(2021, 5, 1), Status.RECOGNISED, date(2021, 5, 1), True),
        (date(2021, 12, 31), Status.RECOGNISED, date(2021, 5, 1), True),
        (date(2022, 1, 1), Status.SUSPENDED, date(2022, 1, 1), False),
        (date(2022, 5, 31), Status.SUSPENDED, date(2022, 1, 1), False),
        (date(2022, 6, 1), Status.RECOGNISED, date(2022, 6, 1), True),
        (date(2023, 1, 1), Status.EXPIRED, date(2023, 1, 1), False),
        (date(2023, 2, 28), Status.EXPIRED, date(2023, 1, 1), False),
        (date(2023, 3, 1), Status.RECOGNISED, date(2023, 3, 1), True),
        (date(2023, 12, 31), Status.RECOGNISED, date(2023, 3, 1), True),
        (date(2024, 1, 1), Status.REVOKED, date(2024, 1, 1), False),
        (date(2030, 1, 1), Status.REVOKED, date(2024, 1, 1), False),
    ],
    ids=[
        "before recognition",
        "on the day of recognition",
        "the day before a rectification order",
        "on the day of the order",
        "while rectifying",
        "on the day rectified",
        "after rectification",
        "on the day suspended",
        "the last day of suspension",
        "on the day reinstated",
        "on the day it expired",
        "while expired",
        "on the day recognised again",
        "the day before revocation",
        "on the day revoked",
        "years after revocation",
    ],
)
def test_the_standing_on_a_day_follows_the_events_up_to_that_day(day, status, since, good):
    standing = standing_on(TIMELINE, day)
    assert standing.status is status
    assert standing.since == since
    assert standing.good is good


def test_a_rectification_order_keeps_its_due_date_in_the_standing():
    standing = standing_on(TIMELINE, date(2021, 4, 1))
    assert standing == Standing(Status.RECTIFYING, date(2021, 3, 1), date(2021, 6, 1))


def test_a_base_past_its_rectification_deadline_stays_good_until_the_regulator_acts():
    # 威海 第十九条: the regulator revokes after the deadline; until it does, training credits.
    events = TIMELINE[:2]
    standing = standing_on(events, date(2021, 9, 1))
    assert standing.status is Status.RECTIFYING
    assert standing.good


def test_a_rectified_base_no_longer_carries_a_due_date():
    assert standing_on(TIMELINE, date(2021, 5, 2)).rectification_due is None


def test_no_events_means_unrecognised():
    assert standing_on((), date(2025, 1, 1)) == Standing(Status.UNRECOGNISED)


MISCONDUCT = (
    StandingEvent(E.RECOGNISED, date(2020, 1, 1)),
    StandingEvent(E.REVOKED, date(2024, 6, 1), void_from=date(2024, 3, 1), reason="乱发证"),
)


@pytest.mark.parametrize(
    ("day", "status", "since"),
    [
        (date(2024, 2, 29), Status.RECOGNISED, date(2020, 1, 1)),
        (date(2024, 3, 1), Status.VOID, date(2024, 3, 1)),
        (date(2024, 4, 15), Status.VOID, date(2024, 3, 1)),
        (date(2024, 5, 31), Status.VOID, date(2024, 3, 1)),
        (date(2024, 6, 1), Status.REVOKED, date(2024, 6, 1)),
        (date(2025, 1, 1), Status.REVOKED, date(2024, 6, 1)),
    ],
    ids=[
        "the day before void_from is untouched",
        "void_from itself is void",
        "inside the voided span",
        "the day before the revocation is void",
        "the revocation day is revoked, not void",
        "after the revocation",
    ],
)
def test_a_revocation_with_void_from_voids_the_days_from_void_from_up_to_itself(
    day, status, since
):
    standing = standing_on(MISCONDUCT, day)
    assert standing.status is status
    assert standing.since == since
    assert standing.good is (status is Status.RECOGNISED)


def test_a_revocation_without_void_from_leaves_earlier_days_good():
    events = (MISCONDUCT[0], StandingEvent(E.REVOKED, date(2024, 6, 1)))
    assert standing_on(events, date(2024, 5, 31)).good


# check_append: what may be appended.

def test_the_next_event_in_date_order_may_be_appended():
    for i, event in enumerate(TIMELINE):
        check_append(TIMELINE[:i], event)


def test_an_event_on_the_same_day_as_the_last_may_be_appended():
    check_append(TIMELINE[:1], StandingEvent(E.SUSPENDED, date(2020, 1, 1)))


@pytest.mark.parametrize(
    ("events", "new", "code"),
    [
        (TIMELINE[:1], StandingEvent(E.SUSPENDED, date(2019, 12, 31)),
         "standing_event_out_of_order"),
        (TIMELINE[:4], StandingEvent(E.REINSTATED, date(2021, 12, 31)),
         "standing_event_out_of_order"),
        ((), StandingEvent(E.SUSPENDED, date(2020, 1, 1)), "standing_transition_invalid"),
        ((), StandingEvent(E.REVOKED, date(2020, 1, 1)), "standing_transition_invalid"),
        (TIMELINE[:1], StandingEvent(E.RECTIFIED, date(2020, 2, 1)),
         "standing_transition_invalid"),
        (TIMELINE[:1], StandingEvent(E.REINSTATED, date(2020, 2, 1)),
         "standing_transition_invalid"),
        (TIMELINE[:1], StandingEvent(E.RECOGNISED, date(2020, 2, 1)),
         "standing_transition_invalid"),
        (TIMELINE[:4], StandingEvent(E.RECTIFIED, date(2022, 2, 1)),
         "standing_transition_invalid"),
        (TIMELINE[:4], StandingEvent(E.RECTIFICATION_ORDERED, date(2022, 2, 1),
                                     due_on=date(2022, 3, 1)),
         "standing_transition_invalid"),
        (TIMELINE[:6], StandingEvent(E.SUSPENDED, date(2023, 2, 1)),
         "standing_transition_invalid"),
        (TIMELINE, StandingEvent(E.RECOGNISED, date(2024, 2, 1)), "standing_transition_invalid"),
        (TIMELINE, StandingEvent(E.REINSTATED, date(2024, 2, 1)), "standing_transition_invalid"),
        (TIMELINE, StandingEvent(E.EXPIRED, date(2024, 2, 1)), "standing_transition_invalid"),
        (TIMELINE, StandingEvent(E.REVOKED, date(2024, 2, 1)), "standing_transition_invalid"),
        (TIMELINE[:1], StandingEvent(E.RECTIFICATION_ORDERED, date(2020, 2, 1)),
         "rectification_due_date_required"),
        (TIMELINE[:1], StandingEvent(E.RECTIFICATION_ORDERED, date(2020, 2, 1),
                                     due_on=date(2020, 2, 1)),
         "rectification_due_date_required"),
        (TIMELINE[:1], StandingEvent(E.SUSPENDED, date(2020, 2, 1), due_on=date(2020, 3, 1)),
         "due_date_not_allowed"),
        (TIMELINE[:1], StandingEvent(E.SUSPENDED, date(2020, 2, 1), void_from=date(2020, 1, 15)),
         "void_from_invalid"),
        (TIMELINE[:1], StandingEvent(E.EXPIRED, date(2020, 2, 1), void_from=date(2020, 1, 15)),
         "void_from_invalid"),
        (TIMELINE[:1], StandingEvent(E.REVOKED, date(2020, 2, 1), void_from=date(2020, 2, 2)),
         "void_from_invalid"),
    ],
    ids=[
        "dated before the last event",
        "reinstatement dated before the suspension",
        "suspended before ever recognised",
        "revoked before ever recognised",
        "rectified when not rectifying",
        "reinstated when not suspended",
        "recognised twice",
        "rectified while suspended",
        "rectification ordered while suspended",
        "suspended while expired",
        "recognised after revoked",
        "reinstated after revoked",
        "expired after revoked",
        "revoked twice",
        "rectification order without a due date",
        "rectification due on the day ordered",
        "a due date on a suspension",
        "void_from on a suspension",
        "void_from on an expiry",
        "void_from after the revocation",
    ],
)
def test_an_event_that_may_not_follow_the_timeline_is_refused(events, new, code):
    with pytest.raises(Invalid) as refused:
        check_append(events, new)
    assert refused.value.code == code


def test_a_refused_transition_names_the_status_and_the_event():
    with pytest.raises(Invalid) as refused:
        check_append(TIMELINE, StandingEvent(E.RECOGNISED, date(2024, 2, 1)))
    assert refused.value.details == {"status": "revoked", "event": "recognised"}


DECISION = {"document_number": "威人社字〔2024〕7号", "basis": "威海 第二十条"}


@pytest.mark.parametrize(
    "new",
    [
        StandingEvent(E.REVOKED, date(2024, 6, 1), void_from=date(2024, 3, 1), **DECISION),
        StandingEvent(E.REVOKED, date(2024, 6, 1), void_from=date(2024, 6, 1), **DECISION),
        StandingEvent(E.RECTIFICATION_ORDERED, date(2024, 6, 1), due_on=date(2024, 6, 2)),
        StandingEvent(E.EXPIRED, date(2024, 6, 1)),
    ],
    ids=["revocation reaching back", "void_from on the revocation day",
         "rectification due the next day", "expiry"],
)
def test_a_well_formed_event_after_recognition_is_accepted(new):
    check_append(MISCONDUCT[:1], new)


@pytest.mark.parametrize("decision", [{}, {"document_number": "威人社字〔2024〕7号"},
                                      {"basis": "威海 第二十条"},
                                      {"document_number": " ", "basis": "威海 第二十条"}])
def test_a_void_from_without_the_decisions_number_and_basis_is_refused(decision):
    with pytest.raises(Invalid) as refused:
        check_append(MISCONDUCT[:1], StandingEvent(E.REVOKED, date(2024, 6, 1),
                                                   void_from=date(2024, 3, 1), **decision))
    assert refused.value.code == "void_from_needs_decision"


def test_a_decision_dated_before_the_day_it_is_recorded_is_accepted():
    check_append(MISCONDUCT[:1], StandingEvent(E.SUSPENDED, date(2024, 6, 1)),
                 today=date(2024, 6, 4))
