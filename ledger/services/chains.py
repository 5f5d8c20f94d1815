"""Appending to professionals' journal chains (see ledger/journal.py)."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from .. import canonical
from ..journal import GENESIS, entry_hash
from ..store import Entry
from ..store.any_of import any_of
from . import log
from .context import Context
from .rows import inserted_ids


class Chains:
    """The head (last seq and hash) of each professional's journal chain."""

    def __init__(self, ctx: Context, professional_ids: Iterable[int]):
        self.ctx = ctx
        ids = sorted(set(professional_ids))
        self.heads: dict[int, tuple[int, str]] = {}
        if ids:
            last = (select(Entry.professional_id, func.max(Entry.seq).label("seq"))
                    .where(any_of(Entry.professional_id, ids))
                    .group_by(Entry.professional_id).subquery())
            rows = ctx.session.execute(
                select(Entry.professional_id, Entry.seq, Entry.hash).join(
                    last, (Entry.professional_id == last.c.professional_id)
                    & (Entry.seq == last.c.seq))
                # Repeated on the outer side so that PostgreSQL probes the
                # (professional_id, seq) index instead of hashing the whole journal.
                .where(any_of(Entry.professional_id, ids))
            )
            self.heads = {pid: (seq, h) for pid, seq, h in rows}

    def next_row(self, **fields: Any) -> dict[str, Any]:
        """The next entry of a professional's chain, as a row: seq, prev_hash and hash."""
        pid = fields["professional_id"]
        seq, prev = self.heads.get(pid, (0, GENESIS))
        row = {"reason": "", **fields, "seq": seq + 1, "prev_hash": prev,
               "created_at": self.ctx.now()}
        # Stored as hashed: 6 would read back as 6.0 and break the chain for ever.
        row["hours"] = canonical.hours(row["hours"])
        row["hash"] = entry_hash(prev, hashed_fields(row))
        self.heads[pid] = (row["seq"], row["hash"])
        return row

    def append(self, **fields: Any) -> Entry:
        """Append one entry through the session."""
        entry = Entry(**self.next_row(**fields))
        self.ctx.session.add(entry)
        return entry


def insert_rows(ctx: Context, rows: list[dict[str, Any]]) -> list[SimpleNamespace]:
    """Append many entries in one round; return them, with their ids, in order (each
    row is given its ``id``).

    Every writer of entries goes through here: ``rows.inserted_ids`` gives them ids up
    front and writes them through the driver (COPY on PostgreSQL from rows.COPY_FROM
    rows). (Re-selecting the ids by (professional_id, seq) was a row-value IN that
    PostgreSQL answers with a scan: seconds per thousand rows.)
    """
    if not rows:
        return []
    ids = inserted_ids(ctx, Entry, rows)
    for row, entry_id in zip(rows, ids, strict=True):
        row["id"] = entry_id
    # Each entry's Merkle-log leaf, in this transaction (ORM appends get theirs at flush).
    log.record(ctx, "entry", rows)
    return [SimpleNamespace(**row) for row in rows]


def hashed_fields(entry: Entry | dict[str, Any]) -> dict[str, Any]:
    """The fields journal.entry_hash covers, from an Entry or an entry's row dict."""
    get = entry.get if isinstance(entry, dict) else lambda name: getattr(entry, name)
    return {
        "professional": get("professional_id"), "seq": get("seq"), "kind": get("kind"),
        "hours": get("hours"), "subject": get("subject"), "year": get("year"),
        "posting": get("posting_id"), "base": get("base_id"), "project": get("project_id"),
        "reverses": get("reverses_id"), "policy_version": get("policy_version"),
        "reason": get("reason") or "", "created_at": get("created_at"),
    }
