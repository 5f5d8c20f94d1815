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

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from ..standing import EventType, StandingEvent, Status, standing_on
from ..store import AnnualPlan, JobRun, Posting, Project, Proposal, Reminder, TrainingBase
from .applications import close_ended_notices
from .bases import events_of, record_event, to_event
from .completions import redecide_held
from .context import Context
from .plans import plan_deadline

Change = dict[str, Any]


def _bases_with_standing(ctx: Context):
    today = ctx.today()
    for base in ctx.session.scalars(select(TrainingBase).order_by(TrainingBase.id)):
        events = [to_event(r) for r in events_of(ctx, base.id)]
        yield base, events, standing_on(events, today)


def expire_terms(ctx: Context) -> list[Change]:
    """A recognition whose term has ended gets its 'expired' event, dated the day after.
    (A term is the ledger's operational state, set by the regulator; no text sets one.)"""
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
    """A rectification past its due date is proposed for revocation, never revoked: every
    text requires a finding first ("仍然达不到要求", "由批准设立的部门取消": 淄博 第二十三条,
    威海 第十九条, 四川 第二十三条, 上海 第二十三条, 常州 第八条), which is the regulator's."""
    today = ctx.today()
    changes = []
    for base, _events, standing in _bases_with_standing(ctx):
        due = standing.rectification_due
        if standing.status is not Status.RECTIFYING or due is None or due >= today:
            continue
        policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, due)
        reason = f"rectification ordered on {standing.since} was due on {due} and not closed"
        if _propose(ctx, base, "revocation", f"rectification:{base.id}:{standing.since}:{due}",
                    reason, {**policy.citation("standing").as_dict(),
                             "profile": policy.profile.key}, "overdue-rectifications"):
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


def missing_annual_plans(ctx: Context) -> list[Change]:
    """After the plan deadline, a base in good standing then with no plan filed by it is
    proposed for rectification (淄博 第十九、二十三条; 威海 第十六、十九条; ...)."""
    year = ctx.today().year
    changes = []
    for base, events, _standing in _bases_with_standing(ctx):
        due = plan_deadline(ctx, base.jurisdiction_code, year)
        if due is None or ctx.today() <= due[0]:
            continue
        if not standing_on(events, due[0]).good:
            continue
        plan = ctx.session.scalar(select(AnnualPlan).where(AnnualPlan.base_id == base.id,
                                                           AnnualPlan.year == year))
        if plan is not None and plan.submitted_on <= due[0]:
            continue
        if _propose(ctx, base, "rectification", f"plan:{base.id}:{year}",
                    f"no {year} annual plan was submitted by {due[0]}", due[1],
                    "missing-annual-plans"):
            changes.append({"base_id": base.id, "proposal": "rectification", "year": year})
    return changes


def inactivity(ctx: Context) -> list[Change]:
    """常州 第八条 "一年内没有开展继续教育活动": no training held (training dates the ledger
    knows, or the recognition if none) for a year is proposed to the regulator; filing a
    project is not holding training."""
    today = ctx.today()
    changes = []
    for base, events, standing in _bases_with_standing(ctx):
        policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, today)
        limit = policy.get("inactivity_removes_after_days")
        if limit is None or not standing.good:
            continue
        last = max(filter(None, [
            max((e.effective_on for e in events if e.type is EventType.RECOGNISED),
                default=None),
            ctx.session.scalar(select(func.max(Posting.trained_to))
                               .where(Posting.base_id == base.id)),
        ]))
        if (today - last).days <= limit.value:
            continue
        if _propose(ctx, base, "revocation", f"inactive:{base.id}:{last}",
                    f"no continuing-education activity since {last}",
                    {**limit.citation.as_dict(), "profile": policy.profile.key},
                    "inactivity"):
            changes.append({"base_id": base.id, "proposal": "revocation", "inactive_since":
                            str(last)})
    return changes


def reminders(ctx: Context) -> list[Change]:
    """Remind bases ahead of their deadlines: next year's plan, a rectification's due date,
    the end of the recognition's term."""
    today = ctx.today()
    changes = []
    for base, _events, standing in _bases_with_standing(ctx):
        if not standing.good:
            continue
        ahead = ctx.policies.resolve_for_decision(base.jurisdiction_code, today).value(
            "reminder_days_before")
        due = plan_deadline(ctx, base.jurisdiction_code, today.year + 1)
        wanted = []
        if due is not None and 0 <= (due[0] - today).days <= ahead and not ctx.session.scalar(
                select(AnnualPlan.id).where(AnnualPlan.base_id == base.id,
                                            AnnualPlan.year == today.year + 1)):
            wanted.append(("annual_plan", due[0],
                           f"the {today.year + 1} annual plan is due by {due[0]}"))
        if standing.rectification_due and 0 <= (standing.rectification_due - today).days \
                <= ahead:
            wanted.append(("rectification", standing.rectification_due,
                           f"the rectification is due by {standing.rectification_due}"))
        if standing.term_end and 0 <= (standing.term_end - today).days <= ahead:
            wanted.append(("term_end", standing.term_end,
                           f"the recognition's term ends on {standing.term_end}"))
        for kind, deadline, message in wanted:
            if ctx.session.scalar(select(Reminder.id).where(
                    Reminder.base_id == base.id, Reminder.kind == kind,
                    Reminder.deadline == deadline)):
                continue
            ctx.session.add(Reminder(base_id=base.id, kind=kind, deadline=deadline,
                                     message=message, created_at=ctx.now()))
            ctx.session.flush()
            changes.append({"base_id": base.id, "reminder": kind, "deadline": str(deadline)})
    return changes


def _propose(ctx: Context, base: TrainingBase, kind: str, basis: str, reason: str,
             citation: dict[str, Any], job: str) -> bool:
    """Add a proposal unless one with this basis exists; True when added."""
    if ctx.session.scalar(select(Proposal.id).where(Proposal.kind == kind,
                                                    Proposal.basis == basis)):
        return False
    ctx.session.add(Proposal(base_id=base.id, kind=kind, basis=basis, reason=reason,
                             citation=citation, created_at=ctx.now(), created_by_job=job,
                             status="open"))
    ctx.session.flush()
    return True


JOBS: dict[str, Callable[[Context], list[Change]]] = {
    "expire-terms": expire_terms,
    "overdue-rectifications": overdue_rectifications,
    "decide-held": decide_held,
    "notices": close_ended_notices,
    "missing-annual-plans": missing_annual_plans,
    "inactivity": inactivity,
    "reminders": reminders,
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


def _intake_jobs() -> dict[str, Callable[[Context], list[Change]]]:
    """The sweeps of issue 11: anomaly flags, and the feed's sequencing and push."""
    from .feed import push_job
    from .flag_scan import scan_job

    return {"flag-scan": scan_job, "feed-push": push_job}


JOBS.update(_intake_jobs())
