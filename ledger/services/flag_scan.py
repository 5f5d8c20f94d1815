"""The detectors behind anomaly flags (乱办班、只收费不培训, 四川 第二十五条; 常州 第八条).

Each reads what the ledger holds and raises a flag, with its evidence, once per basis.
None of them touches a posting or an entry: a flag is for a regulator to look at.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..store import Attendance, Posting, Project, TrainingBase
from .context import Context
from .flags import raise_flag

# A batch with at least this many completions identical in hours, dates and result is
# flagged. A whole class passing together is normal; hundreds at once with nothing to
# tell them apart is what a regulator wants to look at.
IDENTICAL_MIN = 100
DAY_MINUTES = 24 * 60


def _credited(ctx: Context, project_ids: set[int] | None):
    """Postings whose credit stands (credited, not voided)."""
    query = select(Posting).where(Posting.status == "credited")
    if project_ids is not None:
        query = query.where(Posting.project_id.in_(project_ids))
    return ctx.session.scalars(query)


def scan(ctx: Context, project_ids: set[int] | None = None) -> list[dict[str, Any]]:
    """Run every detector (over the given projects, or all) and return the flags raised."""
    bases = {b.id: b for b in ctx.session.scalars(select(TrainingBase))}
    projects = {p.id: p for p in ctx.session.scalars(
        select(Project) if project_ids is None
        else select(Project).where(Project.id.in_(project_ids)))}
    postings = list(_credited(ctx, set(projects)))
    raised = []
    raised += _over_capacity(ctx, bases, projects, postings)
    raised += _no_attendance(ctx, bases, projects, postings)
    raised += _identical_batches(ctx, bases, projects)
    raised += _overfull_days(ctx, bases, {p.professional_id for p in postings})
    return raised


def _over_capacity(ctx, bases, projects, postings) -> list[dict[str, Any]]:
    people: dict[int, set[int]] = defaultdict(set)
    for posting in postings:
        people[posting.project_id].add(posting.professional_id)
    out = []
    for project_id, who in people.items():
        project = projects[project_id]
        if len(who) > project.capacity:
            flag = raise_flag(
                ctx, kind="over_capacity", basis=f"project:{project_id}:{len(who)}",
                base=bases[project.base_id], project_id=project_id,
                message=f"{len(who)} people credited for a project filed for "
                        f"{project.capacity}",
                evidence={"credited_people": len(who), "capacity": project.capacity,
                          "professional_ids": sorted(who)[:200]})
            out.append({"flag": flag.id, "kind": flag.kind})
    return out


def _no_attendance(ctx, bases, projects, postings) -> list[dict[str, Any]]:
    if not postings:
        return []
    attended = {(pid, project) for pid, project in ctx.session.execute(
        select(Attendance.professional_id, Attendance.project_id)
        .where(Attendance.project_id.in_(set(projects)), Attendance.voided_at.is_(None))
        .distinct())}
    missing: dict[int, list[Posting]] = defaultdict(list)
    for posting in postings:
        if (posting.professional_id, posting.project_id) not in attended:
            missing[posting.project_id].append(posting)
    out = []
    for project_id, without in missing.items():
        project = projects[project_id]
        flag = raise_flag(
            ctx, kind="no_attendance", basis=f"project:{project_id}:{len(without)}",
            base=bases[project.base_id], project_id=project_id,
            message=f"{len(without)} credited completions with no attendance recorded "
                    "(只收费不培训?)",
            evidence={"postings": [{"posting_id": p.id, "external_id": p.external_id,
                                    "hours": str(p.hours)} for p in without[:200]],
                      "count": len(without)})
        out.append({"flag": flag.id, "kind": flag.kind})
    return out


def _identical_batches(ctx, bases, projects) -> list[dict[str, Any]]:
    """Completions received in one request (one received_at) alike in every result."""
    rows = ctx.session.execute(
        select(Posting.base_id, Posting.project_id, Posting.received_at, Posting.hours,
               Posting.trained_from, Posting.trained_to, Posting.assessment,
               func.count(), func.min(Posting.id), func.max(Posting.id))
        .where(Posting.project_id.in_(set(projects)))
        .group_by(Posting.base_id, Posting.project_id, Posting.received_at, Posting.hours,
                  Posting.trained_from, Posting.trained_to, Posting.assessment)
        .having(func.count() >= IDENTICAL_MIN))
    out = []
    for base_id, project_id, at, hours, first, last, result, n, low, high in rows:
        flag = raise_flag(
            ctx, kind="identical_batch",
            basis=f"project:{project_id}:{at.isoformat()}:{hours}:{first}:{last}:{result}",
            base=bases[base_id], project_id=project_id,
            message=f"{n} identical completions ({hours} 学时, {first}..{last}, {result}) "
                    "posted at once",
            evidence={"count": n, "received_at": at.isoformat(), "hours": str(hours),
                      "trained_from": str(first), "trained_to": str(last),
                      "assessment": result, "posting_ids": [low, high]})
        out.append({"flag": flag.id, "kind": flag.kind})
    return out


def _overfull_days(ctx, bases, people: set[int]) -> list[dict[str, Any]]:
    """More in a person's day than the day holds: the 学时 bases *claimed* across every base
    (every posting not voided, credited or not: the daily cap keeps the excess from
    crediting, but the claim itself is the evidence of 乱办班), spread evenly over each
    posting's training days at the national default of 45 minutes a 学时, past 24 hours.
    (Cross-base overlaps of recorded sessions are the overlap flag.)"""
    if not people:
        return []
    minutes: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    sources: dict[tuple[int, date], list[dict[str, Any]]] = defaultdict(list)
    base_of: dict[tuple[int, date], int] = {}
    for posting in ctx.session.scalars(select(Posting).where(
            Posting.professional_id.in_(people), Posting.status != "voided")):
        days = posting.training_dates
        share = Decimal(posting.hours) * 45 / len(days)
        for day in days:
            key = (posting.professional_id, date.fromisoformat(day))
            minutes[key] += share
            sources[key].append({"posting_id": posting.id, "base_id": posting.base_id,
                                 "minutes": str(share.quantize(Decimal(1)))})
            base_of[key] = posting.base_id
    out = []
    for key, total in minutes.items():
        if total > DAY_MINUTES:
            pid, day = key
            flag = raise_flag(
                ctx, kind="day_overfull", basis=f"person:{pid}:{day}",
                base=bases[base_of[key]], professional_id=pid,
                message=f"{total.quantize(Decimal(1))} minutes credited on {day}, more than "
                        "a day holds",
                evidence={"day": str(day), "minutes": str(total.quantize(Decimal(1))),
                          "postings": sources[key]})
            out.append({"flag": flag.id, "kind": flag.kind})
    return out


def scan_job(ctx: Context) -> list[dict[str, Any]]:
    """The daily sweep: every detector over every project."""
    return scan(ctx)
