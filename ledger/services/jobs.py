"""The scheduled sweeps: plain functions of a Context, idempotent, appending only.

Each looks at the ledger as of the clock's today, appends what the facts call for
(standing events, proposals, decisions of held postings) and returns what it changed.
Running one twice changes nothing the second time. ``run_job`` records each run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ..standing import EventType, StandingEvent, Status, standing_on
from ..store import JobRun, Posting, Project, Proposal, TrainingBase
from .bases import events_of, record_event, to_event
from .completions import redecide_held
from .context import Context

Change = dict[str, Any]


def _bases_with_standing(ctx: Context):
    today = ctx.today()
    for base in ctx.session.scalars(select(TrainingBase).order_by(TrainingBase.id)):
        events = [to_event(r) for r in events_of(ctx, base.id)]
        yield base, events, standing_on(events, today)


def expire_terms(ctx: Context) -> list[Change]:
    """A recognition whose term has ended gets its 'expired' event, dated the day after."""
    changes = []
    for base, events, standing in _bases_with_standing(ctx):
        if standing.status is not Status.EXPIRED or not events:
            continue
        if events[-1].type in (EventType.EXPIRED, EventType.REVOKED):
            continue  # already recorded
        ended = standing.since
        record_event(ctx, base, StandingEvent(
            EventType.EXPIRED, ended, reason=f"term ended on {ended - timedelta(days=1)}"),
            job="expire-terms")
        changes.append({"base_id": base.id, "event": "expired", "effective_on": str(ended)})
    return changes


def overdue_rectifications(ctx: Context) -> list[Change]:
    """A rectification past its due date: propose revocation, or revoke where the policy
    says so (淄博 第二十三条, 威海 第十九条, 四川 第二十三条, 上海 第二十三条, 常州 第八条)."""
    today = ctx.today()
    changes = []
    for base, _events, standing in _bases_with_standing(ctx):
        due = standing.rectification_due
        if standing.status is not Status.RECTIFYING or due is None or due >= today:
            continue
        policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, due)
        action = policy.param("rectification_overdue_action")
        reason = f"rectification ordered on {standing.since} was due on {due} and not closed"
        if action.value == "revoke":
            record_event(ctx, base, StandingEvent(EventType.REVOKED, due + timedelta(days=1),
                                                  reason=reason), job="overdue-rectifications")
            changes.append({"base_id": base.id, "event": "revoked"})
            continue
        basis = f"rectification:{base.id}:{standing.since}:{due}"
        if ctx.session.scalar(select(Proposal.id).where(Proposal.kind == "revocation",
                                                        Proposal.basis == basis)):
            continue
        ctx.session.add(Proposal(
            base_id=base.id, kind="revocation", basis=basis, reason=reason,
            citation={**policy.citation("standing").as_dict(), "profile": policy.profile.key},
            created_at=ctx.now(), created_by_job="overdue-rectifications", status="open"))
        ctx.session.flush()
        changes.append({"base_id": base.id, "proposal": "revocation", "due_on": str(due)})
    return changes


def decide_held(ctx: Context) -> list[Change]:
    """Decide again postings held for a reason that time may settle (a calendar year the
    holiday library did not know yet); those held for a pending filing wait for it."""
    rows = list(ctx.session.scalars(
        select(Posting).join(Project).where(Posting.status == "held",
                                            Project.status != "pending")
        .order_by(Posting.project_id, Posting.id)))
    changes = []
    for project_id in sorted({p.project_id for p in rows}):
        held = [p for p in rows if p.project_id == project_id]
        redecide_held(ctx, ctx.session.get(Project, project_id), held)
        changes.extend({"posting_id": p.id, "status": p.status} for p in held)
    return [c for c in changes if c["status"] != "held"]


def _lock_key(name: str) -> int:
    """A stable 63-bit key for the job's advisory lock."""
    return int.from_bytes(hashlib.sha256(f"ledger-job:{name}".encode()).digest()[:8],
                          "big") >> 1


JOBS: dict[str, Callable[[Context], list[Change]]] = {
    "expire-terms": expire_terms,
    "overdue-rectifications": overdue_rectifications,
    "decide-held": decide_held,
}


def run_job(ctx: Context, name: str) -> list[Change] | None:
    """Run one job in one transaction and record the run with what it changed.

    On PostgreSQL a transaction-scoped advisory lock makes one runner of a job at a time;
    a second one finds it taken and returns None (skipped). SQLite's write lock, taken at
    BEGIN, serialises runners by itself.
    """
    job = JOBS[name]
    started = ctx.now()
    try:
        if ctx.session.get_bind().dialect.name == "postgresql" and not ctx.session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _lock_key(name)}
        ):
            ctx.session.rollback()
            return None
        changes = job(ctx)
        ctx.session.add(JobRun(job=name, started_at=started, finished_at=ctx.now(),
                               as_of=ctx.today(), changes=changes))
        ctx.session.commit()
    except IntegrityError:
        # Another runner got there first; what it appended stands.
        ctx.session.rollback()
        return []
    except BaseException:
        ctx.session.rollback()
        raise
    return changes
