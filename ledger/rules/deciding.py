"""``decide``: every check runs, in a fixed order (the receipt lists reasons in it), and
the outcome follows from what they found.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..policy import Resolved
from ..workdays import CHINA, ChinaWorkdays
from .base import check_county_base, check_registry_number, check_scope, check_standing
from .filing import (
    check_annual_plan_deadline,
    check_dates_known,
    check_filed,
    check_inside_filing,
    check_one_off_lead_time,
)
from .person import check_assessment, check_hours_plausible, check_identity, creditable_hours
from .values import (
    BaseFacts,
    Case,
    Check,
    Completion,
    Decision,
    Filing,
    Outcome,
    Reason,
    _plain,
)


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
