"""The crediting rule: decide one completion from facts, a policy and a date.

Pure: the facts come in as values, nothing here reads a clock or a database. Every
check is a small function that yields the reasons it finds; all of them run, so a
receipt reports every failed rule, not only the first (as beancount's validations do).

The package is split by what changes together: ``values`` (the facts, reasons and
decision), ``filing`` (the project's filing), ``base`` (the base's standing and scope),
``person`` (identity, assessment and hours) and ``deciding`` (the order of the checks and
``decide``). Every public name is re-exported here, so ``from ledger.rules import X`` works.
"""

from __future__ import annotations

from .base import (
    check_county_base,
    check_registry_number,
    check_scope,
    check_standing,
    scope_on,
)
from .deciding import CHECKS, check_policy_in_force, decide
from .filing import (
    annual_plan_due,
    check_annual_plan_deadline,
    check_dates_known,
    check_filed,
    check_inside_filing,
    check_one_off_lead_time,
    plan_deadline_day,
)
from .person import check_assessment, check_hours_plausible, check_identity, creditable_hours
from .values import (
    BaseFacts,
    Case,
    Check,
    Completion,
    Decision,
    Filing,
    FilingStatus,
    LeadTimeException,
    Outcome,
    Reason,
    ScopeGrant,
    Subject,
)

__all__ = [
    "CHECKS",
    "BaseFacts",
    "Case",
    "Check",
    "Completion",
    "Decision",
    "Filing",
    "FilingStatus",
    "LeadTimeException",
    "Outcome",
    "Reason",
    "ScopeGrant",
    "Subject",
    "annual_plan_due",
    "check_annual_plan_deadline",
    "check_assessment",
    "check_county_base",
    "check_dates_known",
    "check_filed",
    "check_hours_plausible",
    "check_identity",
    "check_inside_filing",
    "check_one_off_lead_time",
    "check_policy_in_force",
    "check_registry_number",
    "check_scope",
    "check_standing",
    "creditable_hours",
    "decide",
    "plan_deadline_day",
    "scope_on",
]
