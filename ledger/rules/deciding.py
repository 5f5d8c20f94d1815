"""``decide``: every check runs, in a fixed order (the receipt lists reasons in it), and
the outcome follows from what they found.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

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


# The checks that read of the completion nothing but its training dates and the
# professional's jurisdiction (and of the case its filing, base, policies, today and
# workdays): every item of one project with the same days and home gets the same answer
# from them, so a batch asks each once (SharedChecks).
BY_DAYS = frozenset({
    check_policy_in_force, check_dates_known, check_filed, check_annual_plan_deadline,
    check_one_off_lead_time, check_standing, check_registry_number, check_scope,
    check_county_base,
})


class SharedChecks:
    """The BY_DAYS checks' reasons, asked once per (filing, base, policies, today,
    workdays, training dates, professional's jurisdiction) within one batch:
    ``decide(..., shared=SharedChecks())``.

    Keyed by the identity of the (frozen) filing, base and policies, each held in the
    value so that no other object can take its id while the memo lives.
    """

    def __init__(self) -> None:
        self.found: dict[tuple[Any, ...], tuple[tuple[Reason, ...], tuple[Any, ...]]] = {}

    def reasons(self, check: Check, case: Case) -> tuple[Reason, ...]:
        held = (case.filing, case.base, case.policy, case.plan_policy, case.workdays)
        key = (check, *map(id, held), case.today, case.completion.training_dates,
               case.completion.professional_jurisdiction)
        hit = self.found.get(key)
        if hit is None:
            hit = self.found[key] = (tuple(check(case)), held)
        return hit[0]


def decide(completion: Completion, filing: Filing, base: BaseFacts, policy: Resolved,
           today: date, workdays: ChinaWorkdays = CHINA, *,
           plan_policy: Resolved | None = None,
           shared: SharedChecks | None = None) -> Decision:
    """Credit, reject or hold one completion, as of its training dates.

    ``policy`` is the profile in force for the base's jurisdiction on the first
    training date; ``today`` is the Beijing date the decision is taken; ``plan_policy``,
    for a plan item, the profile in force on its plan's deadline day
    (``plan_deadline_day``), ``policy`` if not given. ``shared``, within a batch,
    answers the BY_DAYS checks once for all its items alike.
    """
    case = Case(completion, filing, base, policy, today, workdays, plan_policy)
    if shared is None:
        found = [reason for check in CHECKS for reason in check(case)]
    else:
        found = [reason for check in CHECKS
                 for reason in (shared.reasons(check, case) if check in BY_DAYS
                                else check(case))]
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
