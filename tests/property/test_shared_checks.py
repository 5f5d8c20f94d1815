"""rules.decide with a batch's SharedChecks decides every item exactly as alone: the
same outcome, reasons (in order), notes and hours, whatever mix of projects, bases,
days, people and profiles the batch holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.policy import load_book
from ledger.rules import BaseFacts, Completion, Filing, FilingStatus, Subject, decide
from ledger.rules.deciding import BY_DAYS, CHECKS, SharedChecks
from ledger.standing import EventType, StandingEvent

BOOK = load_book()
MON = date(2025, 6, 2)
DAYS = [MON + timedelta(days=n) for n in range(-3, 9)]
POLICIES = [BOOK.resolve(code, MON) for code in ("370300", "320402", "371000")]

FILINGS = [
    Filing(subject=Subject.PROFESSIONAL, field="engineering", start_on=MON,
           end_on=date(2025, 6, 6), hours=Decimal("16"), status=FilingStatus.ACCEPTED,
           submitted_on=date(2025, 5, 20)),
    Filing(subject=Subject.PUBLIC, field="health", start_on=MON - timedelta(days=1),
           end_on=date(2025, 6, 4), hours=Decimal("8"), status=FilingStatus.PENDING,
           submitted_on=MON),
    Filing(subject=Subject.PROFESSIONAL, field="law", start_on=MON, end_on=date(2025, 6, 9),
           hours=Decimal("40"), status=FilingStatus.ACCEPTED, submitted_on=date(2025, 1, 2),
           plan_year=2025),
]
GOOD = (StandingEvent(EventType.RECOGNISED, date(2020, 1, 1)),)
BASES = [
    BaseFacts(jurisdiction="370300", level="municipal", registry_number="ZB-1",
              scope_subjects=frozenset(Subject), scope_fields=frozenset({"engineering"}),
              events=GOOD),
    BaseFacts(jurisdiction="320402", level="county", registry_number=None,
              scope_subjects=frozenset({Subject.PROFESSIONAL}), scope_fields=frozenset(),
              events=(*GOOD, StandingEvent(EventType.SUSPENDED, MON + timedelta(days=1)))),
]

completions = st.builds(
    Completion,
    hours=st.sampled_from([Decimal("4"), Decimal("8"), Decimal("12.5")]),
    subject=st.sampled_from(list(Subject)),
    training_dates=st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True)
    .map(lambda days: tuple(sorted(days))),
    assessment_passed=st.booleans(),
    identity_problems=st.sampled_from([(), ("check character is 1, expected X",)]),
    name_matches=st.booleans(),
    professional_jurisdiction=st.sampled_from([None, "370300", "320402", "320481"]),
    already_credited=st.sampled_from([Decimal("0"), Decimal("10")]),
)
# What the shared checks key on: few of them per batch, so that items meet again.
cases = st.tuples(st.sampled_from(range(len(FILINGS))), st.sampled_from(range(len(BASES))),
                  st.sampled_from(range(len(POLICIES))),
                  st.sampled_from([MON, MON + timedelta(days=20)]))


@settings(max_examples=150, deadline=None)
@given(batch_cases=st.lists(cases, min_size=1, max_size=3), data=st.data())
def test_a_batch_decides_each_item_as_alone(batch_cases, data):
    shared = SharedChecks()
    dates = data.draw(st.lists(completions.map(lambda c: c.training_dates), min_size=1,
                               max_size=2))
    batch = data.draw(st.lists(st.tuples(completions, st.sampled_from(batch_cases),
                                         st.sampled_from(dates)), min_size=1, max_size=25))
    for completion, (f, b, p, today), days in batch:
        completion = replace(completion, training_dates=days)
        args = (completion, FILINGS[f], BASES[b], POLICIES[p], today)
        assert decide(*args, shared=shared) == decide(*args)
        # An equal but distinct filing is another key, never a wrong hit.
        copy = replace(FILINGS[f], hours=FILINGS[f].hours + 1)
        assert decide(completion, copy, *args[2:], shared=shared) == decide(
            completion, copy, *args[2:])


def test_only_checks_that_exist_are_shared():
    assert BY_DAYS <= set(CHECKS)
