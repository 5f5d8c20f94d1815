"""Reversing credits in bulk: a revocation that voids a base's credits from a date.

A revocation can reach a million credits, so nothing here is proportional to them: the
credits are streamed (a server-side cursor on PostgreSQL), reversed in chunks through
``chains.insert_rows`` (every entry writer goes through it), and the postings are marked
with one set-based UPDATE. Memory stays bounded by the chunk size.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import Row, and_, exists, select, update
from sqlalchemy.orm import aliased

from ..store import Entry, Posting
from .chains import Chains, insert_rows
from .context import Context

# Credits reversed per round trip: large enough that the per-statement cost vanishes,
# small enough that a chunk's rows, hashes and parameters stay a few megabytes and far
# below PostgreSQL's 65,535 bind parameters per statement (Chains reads one head per
# professional of the chunk).
CHUNK = 5_000


def reverse_credits_from(ctx: Context, base_id: int, void_from: date, reason: str) -> int:
    """Reverse every standing credit of a base for training on or after ``void_from``.

    A credit already reversed (by the base's own void, an earlier revocation or any
    other correction) is left alone: each credit is reversed at most once. The
    reversals continue each professional's hash chain in order; the postings of the
    reversed credits become ``voided``. Returns how many credits were reversed. Does
    not commit: the caller's unit of work makes it one transaction.
    """
    reversed_count = 0
    for chunk in _chunks(_standing_credits(ctx, base_id, void_from), CHUNK):
        chains = Chains(ctx, {credit.professional_id for credit in chunk})
        insert_rows(ctx, [chains.next_row(
            professional_id=credit.professional_id, kind="reversal", hours=-credit.hours,
            subject=credit.subject, year=credit.year, posting_id=credit.posting_id,
            base_id=base_id, project_id=credit.project_id, reverses_id=credit.id,
            policy_version=credit.policy_version, reason=reason) for credit in chunk])
        reversed_count += len(chunk)
    if reversed_count:
        _void_postings(ctx, base_id, void_from)
    return reversed_count


def _standing_credits(ctx: Context, base_id: int, void_from: date) -> Iterator[Row[Any]]:
    """The base's unreversed credits for training from ``void_from``, by professional.

    Streamed: ``yield_per`` makes psycopg use a named (server-side) cursor, whose
    snapshot is taken when it opens, so the reversals written while reading it do not
    disturb it. Ordered by professional and id so that each professional's reversals
    are appended in the order of the credits.
    """
    reversal = aliased(Entry)
    query = (
        select(Entry.id, Entry.professional_id, Entry.hours, Entry.subject, Entry.year,
               Entry.posting_id, Entry.project_id, Entry.policy_version)
        .join(Posting, Posting.id == Entry.posting_id)
        .where(Entry.base_id == base_id, Entry.kind == "credit",
               Posting.base_id == base_id, Posting.trained_to >= void_from,
               ~exists().where(reversal.reverses_id == Entry.id))
        .order_by(Entry.professional_id, Entry.id)
    )
    yield from ctx.session.execute(query, execution_options={"yield_per": CHUNK})


def _chunks(rows: Iterator[Row[Any]], size: int) -> Iterator[Sequence[Row[Any]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _void_postings(ctx: Context, base_id: int, void_from: date) -> None:
    """Mark ``voided`` the credited postings in range whose credit is now reversed.

    One statement, whatever the number of postings: the same range as the credits,
    with the reversal found through the unique index on ``entry.reverses_id``.
    """
    credit, reversal = aliased(Entry), aliased(Entry)
    ctx.session.execute(
        update(Posting)
        .where(Posting.base_id == base_id, Posting.trained_to >= void_from,
               Posting.status == "credited",
               exists().where(and_(credit.posting_id == Posting.id, credit.kind == "credit",
                                   reversal.reverses_id == credit.id)))
        .values(status="voided")
        .execution_options(synchronize_session=False))
    # Postings already loaded in this session would otherwise keep their old status.
    for obj in list(ctx.session.identity_map.values()):
        if isinstance(obj, Posting):
            ctx.session.expire(obj, ["status"])
