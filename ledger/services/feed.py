"""The feed to the province (四川 第二十七条: hours go into the provincial system; 第三十一条:
data is pushed to it): a cursor-paged change feed of credits and reversals, and an
outbound push with retries, backoff and a dead-letter list a regulator can replay.

Order: ``sequence`` gives each journal entry a feed position once, in entry order, from
one runner at a time (the job lock). A reader paging by position never skips an entry
that committed after a later one: it is sequenced when it appears, after what was
already read. The push delivers positions in order; an item that keeps failing goes to
the dead letters after ``MAX_ATTEMPTS`` so the rest can flow, and a replay puts it back.
A batch is marked delivered only on a 2xx, so nothing is lost; a receiver that stored a
batch and failed to answer gets it again under the same ``Idempotency-Key`` and the same
item positions, so it can drop what it has (at-least-once, deduplicated by ``seq``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from .. import jurisdiction
from ..actors import Actor, Role
from ..errors import Conflict, NotFound
from ..store import Entry, FeedDelivery, FeedItem, Posting, Professional, TrainingBase
from .context import WRITE_OPTION, Context, unit_of_work

PAGE_MAX = 1000
PUSH_BATCH = 200
MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=6)
Sender = Callable[[str, bytes, dict[str, str]], int]


def sequence(ctx: Context, limit: int = 50_000) -> int:
    """Give feed positions to entries that have none, oldest entry first; each new item
    is also queued for the push. Call under the job lock (one runner at a time)."""
    last = ctx.session.scalar(select(func.max(FeedItem.seq))) or 0
    rows = ctx.session.execute(
        select(Entry.id, TrainingBase.jurisdiction_code)
        .join(TrainingBase, TrainingBase.id == Entry.base_id)
        .outerjoin(FeedItem, FeedItem.entry_id == Entry.id)
        .where(FeedItem.seq.is_(None)).order_by(Entry.id).limit(limit)).all()
    now = ctx.now()
    items = [{"seq": last + n, "entry_id": entry_id, "jurisdiction_code": code,
              "sequenced_at": now} for n, (entry_id, code) in enumerate(rows, start=1)]
    if items:
        ctx.session.execute(FeedItem.__table__.insert(), items)
        ctx.session.execute(FeedDelivery.__table__.insert(), [
            {"seq": i["seq"], "status": "pending", "attempts": 0, "next_attempt_at": now,
             "last_error": "", "delivered_at": None, "replayed": 0} for i in items])
    return len(items)


def _prefix(scope: str) -> str:
    """The code prefix every division under ``scope`` shares (GB/T 2260 nests)."""
    if scope == jurisdiction.NATION:
        return ""
    return scope[:2] if scope[2:] == "0000" else scope[:4] if scope[4:] == "00" else scope


def _items(ctx: Context, seqs_query) -> list[dict[str, Any]]:
    rows = ctx.session.execute(
        seqs_query.add_columns(Entry, Posting.external_id, Posting.training_dates,
                               Professional.id_masked, Professional.name)
        .join(Entry, Entry.id == FeedItem.entry_id)
        .join(Posting, Posting.id == Entry.posting_id)
        .join(Professional, Professional.id == Entry.professional_id)).all()
    return [{
        "seq": item.seq, "kind": entry.kind, "entry_id": entry.id,
        "reverses_entry_id": entry.reverses_id, "hours": str(entry.hours),
        "subject": entry.subject, "year": entry.year, "jurisdiction": item.jurisdiction_code,
        "base_id": entry.base_id, "project_id": entry.project_id,
        "external_id": external_id, "training_dates": dates,
        "professional": {"id": entry.professional_id, "id_masked": masked, "name": name},
        "reason": entry.reason, "policy_version": entry.policy_version,
        "created_at": entry.created_at.isoformat(), "hash": entry.hash,
        "prev_hash": entry.prev_hash,
    } for item, entry, external_id, dates, masked, name in rows]


def read_feed(ctx: Context, actor: Actor, after: int = 0, limit: int = 100) -> dict[str, Any]:
    """Credits and reversals in the regulator's jurisdiction after position ``after``.

    ``next`` is the cursor for the following page; an empty page keeps the cursor.
    """
    actor.require(Role.REGULATOR)
    limit = max(1, min(limit, PAGE_MAX))
    query = (select(FeedItem).where(FeedItem.seq > after,
                                    FeedItem.jurisdiction_code.like(
                                        _prefix(actor.jurisdiction or "") + "%"))
             .order_by(FeedItem.seq).limit(limit + 1))
    items = _items(ctx, query)
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next": items[-1]["seq"] if items else after, "has_more": more}


def _send(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 6 hours between attempts."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_DELAY)


def push(ctx: Context, url: str, send: Sender = _send, token: str | None = None,
         batch: int = PUSH_BATCH, max_batches: int = 50) -> list[dict[str, Any]]:
    """Deliver pending items in order, a batch at a time, until one fails or none is due.

    Each batch is committed as delivered or as failed before the next is sent.
    """
    report = []
    for _ in range(max_batches):
        pending = ctx.session.execute(
            select(FeedDelivery.seq, FeedDelivery.next_attempt_at)
            .where(FeedDelivery.status == "pending")
            .order_by(FeedDelivery.seq).limit(batch)).all()
        now = ctx.now()
        if not pending or pending[0].next_attempt_at > now:
            break
        seqs = [seq for seq, due in pending if due <= now]
        items = _items(ctx, select(FeedItem).where(FeedItem.seq.in_(seqs))
                       .order_by(FeedItem.seq))
        ctx.session.rollback()  # hold no transaction (nor SQLite's lock) while sending
        error = _deliver(url, send, token, seqs, items)
        _record(ctx, seqs, error)
        report.append({"from": seqs[0], "to": seqs[-1], "items": len(seqs),
                       "error": error or None})
        if error:
            break
    return report


def _deliver(url: str, send: Sender, token: str | None, seqs: list[int],
             items: list[dict[str, Any]]) -> str:
    """Send one batch; the error in words, or "" when the receiver took it (2xx)."""
    body = json.dumps({"items": items}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json",
               "Idempotency-Key": f"feed-{seqs[0]}-{seqs[-1]}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        status = send(url, body, headers)
    except OSError as exc:  # refused, reset, timed out, DNS
        return f"{type(exc).__name__}: {exc}"
    return "" if 200 <= status < 300 else f"HTTP {status}"


def _record(ctx: Context, seqs: list[int], error: str) -> None:
    """Mark a batch delivered, or count the failed attempt (dead after MAX_ATTEMPTS)."""
    ctx.session.connection(execution_options={WRITE_OPTION: True})
    now = ctx.now()
    for delivery in ctx.session.scalars(select(FeedDelivery).where(
            FeedDelivery.seq.in_(seqs), FeedDelivery.status == "pending")):
        if not error:
            delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, ""
            continue
        delivery.attempts += 1
        delivery.last_error = error
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "dead"
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    ctx.session.commit()


def push_job(ctx: Context) -> list[dict[str, Any]]:
    """The scheduled push: sequence, then deliver to LEDGER_FEED_PUSH_URL if it is set."""
    changes: list[dict[str, Any]] = [{"sequenced": sequence(ctx)}]
    ctx.session.commit()
    url = os.environ.get("LEDGER_FEED_PUSH_URL")
    if url:
        changes += push(ctx, url, token=os.environ.get("LEDGER_FEED_PUSH_TOKEN"))
    return changes


def _delivery(ctx: Context, actor: Actor, seq: int) -> tuple[FeedDelivery, FeedItem]:
    actor.require(Role.REGULATOR)
    item = ctx.session.get(FeedItem, seq)
    delivery = ctx.session.get(FeedDelivery, seq)
    if item is None or delivery is None or not actor.reaches(item.jurisdiction_code):
        raise NotFound("no such feed item", code="feed_item_not_found")
    return delivery, item


def _describe(delivery: FeedDelivery, item: FeedItem) -> dict[str, Any]:
    return {"seq": delivery.seq, "entry_id": item.entry_id,
            "jurisdiction": item.jurisdiction_code, "status": delivery.status,
            "attempts": delivery.attempts, "last_error": delivery.last_error,
            "next_attempt_at": delivery.next_attempt_at, "replayed": delivery.replayed}


def dead_letters(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """Items the push gave up on, in the regulator's jurisdiction, in feed order."""
    actor.require(Role.REGULATOR)
    rows = ctx.session.execute(
        select(FeedDelivery, FeedItem).join(FeedItem, FeedItem.seq == FeedDelivery.seq)
        .where(FeedDelivery.status == "dead",
               FeedItem.jurisdiction_code.like(_prefix(actor.jurisdiction or "") + "%"))
        .order_by(FeedDelivery.seq)).all()
    return [_describe(d, i) for d, i in rows]


@unit_of_work()
def replay(ctx: Context, actor: Actor, seq: int) -> dict[str, Any]:
    """Put a dead letter back in the queue, due now; the next push sends it."""
    delivery, item = _delivery(ctx, actor, seq)
    if delivery.status != "dead":
        raise Conflict("only a dead letter is replayed", code="feed_item_not_dead",
                       status=delivery.status)
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, ctx.now()
    delivery.replayed += 1
    ctx.session.flush()
    return _describe(delivery, item)
