"""Reversing credits in bulk: a revocation that voids a base's credits from a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from ..store import Entry, Posting
from .chains import Chains, insert_rows
from .context import Context


def reverse_credits_from(ctx: Context, base_id: int, void_from: date, reason: str) -> int:
    """Reverse every standing credit of a base for training on or after ``void_from``.

    Set-based: one query finds the credits, one executemany appends the reversals (each
    professional's chain continued in order), one UPDATE marks the postings voided.
    Returns how many credits were reversed. Does not commit.
    """
    reversed_ids = select(Entry.reverses_id).where(Entry.reverses_id.is_not(None))
    credits = list(ctx.session.execute(
        select(Entry.id, Entry.professional_id, Entry.hours, Entry.subject, Entry.year,
               Entry.posting_id, Entry.project_id, Entry.policy_version)
        .join(Posting, Posting.id == Entry.posting_id)
        .where(Entry.base_id == base_id, Entry.kind == "credit",
               Posting.trained_to >= void_from, Entry.id.not_in(reversed_ids))
        .order_by(Entry.professional_id, Entry.id)
    ))
    if not credits:
        return 0
    chains = Chains(ctx, (c.professional_id for c in credits))
    rows = [chains.next_row(
        professional_id=credit.professional_id, kind="reversal", hours=-credit.hours,
        subject=credit.subject, year=credit.year, posting_id=credit.posting_id,
        base_id=base_id, project_id=credit.project_id, reverses_id=credit.id,
        policy_version=credit.policy_version, reason=reason) for credit in credits]
    insert_rows(ctx, rows)  # with their Merkle-log leaves
    ctx.session.execute(
        update(Posting).where(Posting.id.in_({c.posting_id for c in credits}))
        .values(status="voided"))
    return len(rows)
