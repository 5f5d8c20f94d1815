"""A person's credited hours per training day, at every base (see ledger/daycap.py).

Kept apart so every intake path (postings, attendance, rosters) counts a person's day
the same way before deciding what more fits under the daily cap.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from .. import daycap
from ..store import Entry, Posting
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
        .where(Entry.professional_id.in_(ids), Entry.kind == "credit",
               Posting.trained_to >= first, Posting.trained_from <= last,
               ~exists().where(reversal.reverses_id == Entry.id)))
    loads: dict[int, dict[date, Decimal]] = {}
    for pid, hours, days in rows:
        daycap.add(loads.setdefault(pid, {}), [date.fromisoformat(d) for d in days],
                   Decimal(hours))
    return loads
