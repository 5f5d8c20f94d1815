"""As-of reads: what the ledger said at a signed checkpoint, reproducibly.

``as_of`` is a checkpoint's tree size (digits) or a moment (ISO 8601; the last checkpoint
sealed by then). The answer counts exactly the entries whose leaves lie in that
checkpoint's tree, and names the checkpoint, so anyone can recompute it from the log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..actors import Actor, Role
from ..errors import Invalid, NotFound
from ..journal import GENESIS
from ..store import Entry, LogCheckpoint, LogLeaf, Posting, Professional, TrainingBase
from . import log
from .context import Context
from .reading import Years, _default_years, _who, _year_summaries


def resolve(ctx: Context, as_of: str) -> LogCheckpoint:
    """The checkpoint an ``as_of`` names; Invalid or NotFound otherwise."""
    text = as_of.strip()
    if text.isdigit():
        return log.checkpoint_at(ctx, int(text))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid("as_of is a checkpoint size or an ISO 8601 time",
                      code="as_of_invalid") from exc
    if moment.tzinfo is None:
        raise Invalid("as_of needs a time zone (e.g. +08:00 or Z)", code="as_of_invalid")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError as exc:
        raise Invalid("as_of is out of range", code="as_of_invalid") from exc
    return log.checkpoint_as_of(ctx, moment)


def entries_at(ctx: Context, professional_id: int, size: int,
               years: Years | None = None) -> list[Entry]:
    """The professional's entries in the tree of ``size`` leaves, in seq order."""
    query = (select(Entry).join(LogLeaf, (LogLeaf.kind == "entry")
                                & (LogLeaf.ref_id == Entry.id))
             .where(Entry.professional_id == professional_id, LogLeaf.idx < size)
             .order_by(Entry.seq))
    if years is not None:
        query = query.where(Entry.year.between(years.first, years.last))
    return list(ctx.session.scalars(query))


def checkpoint_view(head: LogCheckpoint) -> dict[str, Any]:
    return {"size": head.size, "root_hash": head.root_hash,
            "time": head.sealed_at.isoformat()}


def chain_at(entries: list[Entry]) -> dict[str, Any]:
    head = entries[-1] if entries else None
    return {"length": len(entries), "head_seq": head.seq if head else 0,
            "head_hash": head.hash if head else GENESIS,
            "intact": [e.seq for e in entries] == list(range(1, len(entries) + 1))}


def my_hours_as_of(ctx: Context, actor: Actor, as_of: str, year_from: int | None = None,
                   year_to: int | None = None) -> dict[str, Any]:
    """A professional's own hours as the ledger stated them at a checkpoint."""
    actor.require(Role.PROFESSIONAL)
    person = ctx.session.get(Professional, actor.professional_id)
    if person is None:
        raise NotFound("no such professional", code="professional_not_found")
    head = resolve(ctx, as_of)
    years = _default_years(ctx, year_from, year_to)
    postings = list(ctx.session.scalars(
        select(Posting).where(Posting.professional_id == person.id,
                              Posting.status.in_(["rejected", "held"]),
                              Posting.received_at <= head.sealed_at).order_by(Posting.id)))
    bases = {b.id: b.name for b in ctx.session.scalars(
        select(TrainingBase).where(TrainingBase.id.in_({p.base_id for p in postings})))}
    return {
        "professional": _who(person),
        "years": _year_summaries(ctx, person, entries_at(ctx, person.id, head.size, years),
                                 years),
        "not_credited": [{
            "posting_id": p.id, "external_id": p.external_id, "status": p.status,
            "base": {"id": p.base_id, "name": bases[p.base_id]}, "project_id": p.project_id,
            "hours": p.hours, "training_dates": p.training_dates, "reasons": p.reasons,
            "received_at": p.received_at,
        } for p in postings],
        "chain": chain_at(entries_at(ctx, person.id, head.size)),
        "as_of": checkpoint_view(head),
    }
