"""Deciding a completion the same way on every intake path (postings, attendance,
rosters): a person's credited hours per training day at every base (ledger/daycap.py),
and the decision under the profile in force with a draft's advice (ledger/advice.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from .. import daycap
from ..advice import draft_advice
from ..rules import BaseFacts, Completion, Decision, Filing, decide, plan_deadline_day
from ..rules.deciding import SharedChecks
from ..store import Entry, Posting
from ..store.any_of import any_of
from .context import Context


def credited_days(ctx: Context, professional_ids: Iterable[int], first: date, last: date
                  ) -> dict[int, dict[date, Decimal]]:
    """Hours each professional is credited on each day (standing credits, any base) for
    credits whose training touches ``first`` to ``last``; days outside may appear too."""
    ids = sorted(set(professional_ids))
    if not ids:
        return {}
    reversal = aliased(Entry)
    rows = ctx.session.execute(
        select(Entry.professional_id, Entry.hours, Posting.training_dates)
        .join(Posting, Posting.id == Entry.posting_id)
        .where(any_of(Entry.professional_id, ids), Entry.kind == "credit",
               Posting.trained_to >= first, Posting.trained_from <= last,
               ~exists().where(reversal.reverses_id == Entry.id)))
    loads: dict[int, dict[date, Decimal]] = {}
    for pid, hours, days in rows:
        daycap.add(loads.setdefault(pid, {}), [date.fromisoformat(d) for d in days],
                   Decimal(hours))
    return loads


def decide_under_policy(ctx: Context, jurisdiction: str, completion: Completion,
                        filing: Filing, facts: BaseFacts, today: date,
                        shared: SharedChecks | None = None) -> Decision:
    """Decide under the profile in force on the first training day; where a draft nobody
    enabled would apply, its view is added as an advisory note and changes nothing.
    ``shared``: one batch's answers of the checks alike for its items (rules.decide)."""
    first = min(completion.training_dates)
    plan_policy = None if filing.plan_year is None else ctx.policies.resolve_for_decision(
        jurisdiction, plan_deadline_day(filing.plan_year))
    decision = decide(completion, filing, facts,
                      ctx.policies.resolve_for_decision(jurisdiction, first), today,
                      plan_policy=plan_policy, shared=shared)
    draft = ctx.policies.advisory(jurisdiction, first)
    if draft is None:
        return decision
    draft_plan = None if filing.plan_year is None else ctx.policies.resolve(
        jurisdiction, plan_deadline_day(filing.plan_year), drafts=True)
    advice = draft_advice(decision, decide(completion, filing, facts, draft, today,
                                           plan_policy=draft_plan, shared=shared), draft)
    return replace(decision, notes=(*decision.notes, advice))
