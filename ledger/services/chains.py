"""Appending to professionals' journal chains (see ledger/journal.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from ..journal import GENESIS, entry_hash
from ..store import Entry
from .context import Context


class Chains:
    """The head (last seq and hash) of each professional's journal chain."""

    def __init__(self, ctx: Context, professional_ids: Iterable[int]):
        self.ctx = ctx
        ids = sorted(set(professional_ids))
        self.heads: dict[int, tuple[int, str]] = {}
        if ids:
            last = (select(Entry.professional_id, func.max(Entry.seq).label("seq"))
                    .where(Entry.professional_id.in_(ids))
                    .group_by(Entry.professional_id).subquery())
            rows = ctx.session.execute(
                select(Entry.professional_id, Entry.seq, Entry.hash).join(
                    last, (Entry.professional_id == last.c.professional_id)
                    & (Entry.seq == last.c.seq))
            )
            self.heads = {pid: (seq, h) for pid, seq, h in rows}

    def append(self, **fields: Any) -> Entry:
        pid = fields["professional_id"]
        seq, prev = self.heads.get(pid, (0, GENESIS))
        entry = Entry(seq=seq + 1, prev_hash=prev, created_at=self.ctx.now(), **fields)
        entry.hash = entry_hash(prev, hashed_fields(entry))
        self.heads[pid] = (entry.seq, entry.hash)
        self.ctx.session.add(entry)
        return entry


def hashed_fields(entry: Entry | dict[str, Any]) -> dict[str, Any]:
    """The fields journal.entry_hash covers, from an Entry or an entry's row dict."""
    get = entry.get if isinstance(entry, dict) else lambda name: getattr(entry, name)
    return {
        "professional": get("professional_id"), "seq": get("seq"), "kind": get("kind"),
        "hours": get("hours"), "subject": get("subject"), "year": get("year"),
        "posting": get("posting_id"), "base": get("base_id"), "project": get("project_id"),
        "reverses": get("reverses_id"), "policy_version": get("policy_version"),
        "reason": get("reason") or "", "created_at": get("created_at").isoformat(),
    }
