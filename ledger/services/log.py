"""The Merkle log: leaves written with their rows, sealing into signed checkpoints, proofs.

Every journal entry and every credit-deciding fact (standing events, filings, decisions
on filings, identity bindings of professionals) gets a ``log_leaf`` row in the same
transaction as the row itself: ORM writes through the session hook below, bulk writes
through ``record``. A leaf has no index until ``seal`` gives the committed, unindexed
leaves their places in order and signs the new tree head, so writers never contend for
one counter. Sealing extends the tree from the right edge kept with the last checkpoint;
it never rereads old leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, event, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from .. import checkpoint, leaves, merkle
from ..errors import Conflict, Invalid, NotFound
from ..store import (
    Entry,
    LogCheckpoint,
    LogLeaf,
    LogNode,
    LogTile,
    Professional,
    Project,
    ScopeGrantRow,
    StandingEventRow,
)
from . import tile_nodes, tree
from .context import Context, unit_of_work
from .rows import insert_all

LOG_FLAG = "ledger_log"  # session.info key; False only in the cost benchmark
SEAL_LOCK = 0x6C6F67  # the PostgreSQL advisory lock that serialises sealers
DECIDED = ("accepted", "rejected")


def _leaf_row(kind: str, row: Any, ref_id: int, now: datetime) -> dict[str, Any]:
    data = leaves.encode(kind, row)
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name, None))
    owner = get("professional_id") if kind == "entry" else (
        ref_id if kind == "professional" else None)
    return {"kind": kind, "ref_id": ref_id, "owner": owner, "data": data.decode(),
            "leaf_hash": leaves.hash_hex(data), "created_at": now}


def record(ctx: Context, kind: str, rows: Iterable[Any]) -> None:
    """Write the leaves of rows written in bulk (each with its id), in their order."""
    if not ctx.session.info.get(LOG_FLAG, True):
        return
    now = ctx.now()
    out = [_leaf_row(kind, r, r["id"] if isinstance(r, dict) else r.id, now) for r in rows]
    # Through the driver (COPY on PostgreSQL): the rows are built, and the ORM's or
    # Core's per-row work is most of what inserting them would cost.
    insert_all(ctx, LogLeaf.__table__, out)


def record_on(conn: Any, kind: str, rows: Iterable[dict[str, Any]], now: datetime) -> None:
    """``record`` for maintenance commands that hold a bare connection (a key rotation)."""
    out = [_leaf_row(kind, r, r["id"], now) for r in rows]
    if out:
        conn.execute(insert(LogLeaf), out)


def _changed(obj: Any, names: Sequence[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _leaves_for_flushed_rows(session: Session, _flush_context) -> None:
    """Leaves for rows the ORM has just written, in the same transaction."""
    if not session.info.get(LOG_FLAG, True):
        return
    pending: list[tuple[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Entry):
            pending.append(("entry", obj))
        elif isinstance(obj, StandingEventRow):
            pending.append(("standing_event", obj))
        elif isinstance(obj, Professional):
            pending.append(("professional", obj))
        elif isinstance(obj, ScopeGrantRow):
            pending.append(("scope_grant", obj))
        elif isinstance(obj, Project):
            pending.append(("filing", obj))
            if obj.status in DECIDED:
                pending.append(("decision", obj))
    for obj in session.dirty:
        if isinstance(obj, Project) and _changed(obj, ("status",)) and obj.status in DECIDED:
            pending.append(("decision", obj))
        elif isinstance(obj, Professional) and _changed(obj, ("id_hash", "id_masked", "name")):
            pending.append(("professional", obj))
    if not pending:
        return
    # session.new is a set: order by kind and id, so a professional's entries keep seq order.
    order = {kind: i for i, kind in enumerate(leaves.KINDS)}
    pending.sort(key=lambda p: (order[p[0]], p[1].id))
    # created_at is bookkeeping, outside the leaf data; the session knows no ledger clock.
    now = datetime.now(UTC)
    rows = [_leaf_row(kind, obj, obj.id, now) for kind, obj in pending]
    session.connection().execute(insert(LogLeaf), rows)


# --- sealing ------------------------------------------------------------------------


def latest(ctx: Context) -> LogCheckpoint | None:
    return ctx.session.scalar(select(LogCheckpoint).order_by(LogCheckpoint.size.desc())
                              .limit(1))


def latest_or_404(ctx: Context) -> LogCheckpoint:
    head = latest(ctx)
    if head is None:
        raise NotFound("the log has no checkpoint yet", code="checkpoint_not_found")
    return head


def _signed_frontier(ctx: Context, last: LogCheckpoint | None) -> merkle.Frontier:
    """The right edge kept with the last checkpoint, after checking it against its signed
    root: a frontier altered in the database must not be extended and signed."""
    if last is None:
        return merkle.Frontier()
    frontier = merkle.Frontier(last.size, [bytes.fromhex(h) for h in last.frontier])
    try:
        signed = checkpoint.verify(last.note, ctx.signer.note_keys(), _ed25519_verify())
    except checkpoint.CheckpointError as exc:
        raise Conflict(f"the last checkpoint does not verify: {exc}",
                       code="log_integrity_failed") from exc
    if (signed.size != last.size or signed.root.hex() != last.root_hash
            or frontier.root() != signed.root):
        raise Conflict("the stored tree edge does not match the last signed checkpoint",
                       code="log_integrity_failed")
    return frontier


def _ed25519_verify():
    from .keyset import ed25519_verify

    return ed25519_verify


@unit_of_work()
def seal(ctx: Context, limit: int | None = None) -> LogCheckpoint | None:
    """Give the committed, unindexed leaves their indices and sign the new tree head.

    Returns the new checkpoint, or None when no leaf is waiting (no empty checkpoints).
    One sealer at a time: an advisory lock on PostgreSQL, the write lock on SQLite.
    """
    if ctx.signer is None:
        raise Invalid("the ledger has no signing key", code="no_signing_key")
    session = ctx.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEAL_LOCK})
    last = latest(ctx)
    frontier = _signed_frontier(ctx, last)
    query = select(LogLeaf.id, LogLeaf.leaf_hash).where(LogLeaf.idx.is_(None)) \
        .order_by(LogLeaf.id)
    if limit:
        query = query.limit(limit)
    waiting = list(session.execute(query))
    if not waiting:
        return None
    old_size = frontier.size
    ids = [leaf_id for leaf_id, _ in waiting]  # leaf k of them becomes old_size + k
    new_hashes = [bytes.fromhex(leaf_hash) for _, leaf_hash in waiting]
    for leaf_hash in new_hashes:
        frontier.append(leaf_hash)
    if session.get_bind().dialect.name == "postgresql":
        # One set-based statement: the ids alone (one array parameter) say the indices;
        # a row per leaf was most of a seal.
        session.execute(text(
            "UPDATE log_leaf SET idx = :old_size + v.n - 1 FROM unnest(CAST(:ids AS integer[]))"
            " WITH ORDINALITY AS v(id, n) WHERE log_leaf.id = v.id"),
            {"old_size": old_size, "ids": ids})
    else:
        session.connection().execute(
            update(LogLeaf.__table__).where(LogLeaf.__table__.c.id == bindparam("leaf_id"))
            .values(idx=bindparam("idx")),
            [{"leaf_id": leaf_id, "idx": old_size + k} for k, leaf_id in enumerate(ids)])
    tiles = tree.tiles_for(ctx, old_size, new_hashes)
    if tiles:
        session.execute(insert(LogTile), tiles)
        nodes = tile_nodes.rows_for(ctx, tiles)
        if nodes:
            session.execute(insert(LogNode), nodes)
    now = ctx.now()
    head = checkpoint.Checkpoint(ctx.signer.origin, frontier.size, frontier.root(), now)
    note = checkpoint.sign(head, ctx.signer.origin, ctx.signer.public_raw, ctx.signer.sign)
    row = LogCheckpoint(size=frontier.size, root_hash=frontier.root().hex(), sealed_at=now,
                        kid=ctx.signer.kid, note=note,
                        frontier=[n.hex() for n in frontier.nodes])
    session.add(row)
    session.flush()
    return row


# --- reading the tree ---------------------------------------------------------------


def tree_size(ctx: Context) -> int:
    return ctx.session.scalar(select(func.count()).select_from(LogLeaf)
                              .where(LogLeaf.idx.is_not(None))) or 0


MAX_INDEX = 2**31 - 1  # the columns are 32-bit integers: nothing larger can exist


def checkpoint_at(ctx: Context, size: int) -> LogCheckpoint:
    row = (ctx.session.scalar(select(LogCheckpoint).where(LogCheckpoint.size == size))
           if 0 <= size <= MAX_INDEX else None)
    if row is None:
        raise NotFound(f"no checkpoint of size {size}", code="checkpoint_not_found")
    return row


def checkpoint_as_of(ctx: Context, moment: datetime) -> LogCheckpoint:
    """The last checkpoint sealed at or before a moment."""
    row = ctx.session.scalar(select(LogCheckpoint).where(LogCheckpoint.sealed_at <= moment)
                             .order_by(LogCheckpoint.size.desc()).limit(1))
    if row is None:
        raise NotFound(f"no checkpoint was sealed by {moment.isoformat()}",
                       code="checkpoint_not_found")
    return row


def checkpoints(ctx: Context, after: int = 0, limit: int = 100) -> list[LogCheckpoint]:
    return list(ctx.session.scalars(
        select(LogCheckpoint).where(LogCheckpoint.size > after)
        .order_by(LogCheckpoint.size).limit(limit)))


def inclusion_proof(ctx: Context, index: int, size: int) -> dict[str, Any]:
    """The audit path of leaf ``index`` in the checkpoint of ``size`` leaves."""
    head = checkpoint_at(ctx, size)
    if not 0 <= index < size:
        raise Invalid(f"leaf {index} is not in the tree of size {size}",
                      code="leaf_not_in_tree")
    hashes = tree.Tree(ctx, size)
    leaf = ctx.session.scalar(select(LogLeaf).where(LogLeaf.idx == index))
    return {"index": index, "tree_size": size, "root_hash": head.root_hash,
            "leaf_hash": hashes.leaf(index).hex(), "leaf_data": leaf.data if leaf else None,
            "path": [h.hex() for h in merkle.inclusion_path(index, size, hashes.subtree)]}


def consistency_proof(ctx: Context, first: int, second: int) -> dict[str, Any]:
    """The proof that the checkpoint of size ``second`` extends the one of size ``first``."""
    if first > second:
        raise Invalid("the first size is larger than the second", code="proof_sizes_invalid")
    old, new = checkpoint_at(ctx, first), checkpoint_at(ctx, second)
    hashes = tree.Tree(ctx, second)
    return {"first": first, "second": second, "first_root": old.root_hash,
            "second_root": new.root_hash,
            "path": [h.hex() for h in merkle.consistency_path(first, second, hashes.subtree)]}


def leaf_at(ctx: Context, index: int) -> LogLeaf:
    leaf = (ctx.session.scalar(select(LogLeaf).where(LogLeaf.idx == index))
            if 0 <= index <= MAX_INDEX else None)
    if leaf is None:
        raise NotFound(f"no leaf at index {index}", code="leaf_not_found")
    return leaf
