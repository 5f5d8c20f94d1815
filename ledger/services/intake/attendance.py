"""Attendance per session, idempotent per base by external id; what completions check
against it; and the overlap of one person's classroom sessions at two bases."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select

from ... import identity
from ...actors import Actor, Role
from ...attendance import Session, amend, attendance_reasons, overlap_reason, overlapping
from ...clock import business_date
from ...errors import Conflict, Invalid, NotFound
from ...policy import Resolved
from ...rules import Completion, Decision, Outcome, Reason
from ...store import AnomalyFlag, Attendance, Posting, Project, TrainingBase
from ...store.any_of import any_of
from .. import flags
from ..context import Context, unit_of_work
from ..people import people_for

MAX_BATCH = 1000
MODES = ("classroom", "online")


@dataclass(frozen=True)
class NewAttendance:
    """A session: sign-in and sign-out times, or the minutes attended (online) on a day."""

    external_id: str
    project_id: int
    id_number: str
    name: str
    session_on: date | None = None
    sign_in: datetime | None = None
    sign_out: datetime | None = None
    minutes: int | None = None
    mode: str = "classroom"

    def problems(self) -> list[str]:
        out = list(identity.problems(self.id_number))
        if self.mode not in MODES:
            out.append(f"mode is one of {list(MODES)}")
        if (self.sign_in is None) != (self.sign_out is None):
            out.append("sign_in and sign_out come together")
        if self.sign_in is not None and self.sign_out is not None:
            if self.sign_in.tzinfo is None or self.sign_out.tzinfo is None:
                out.append("sign_in and sign_out carry a UTC offset")
            elif not self.sign_in < self.sign_out:
                out.append("sign_out is after sign_in")
            elif (self.sign_out - self.sign_in).total_seconds() > 86400:
                out.append("a session lasts at most a day")
            elif self.session_on and self.session_on != business_date(self.sign_in):
                out.append("session_on is the Beijing date of sign_in")
        elif self.minutes is None or self.session_on is None:
            out.append("either sign_in and sign_out, or session_on and minutes")
        if self.minutes is not None and not 0 < self.minutes <= 1440:
            out.append("minutes lie between 1 and 1440")
        return out

    def day(self) -> date:
        return business_date(self.sign_in) if self.sign_in else self.session_on  # type: ignore

    def attended_minutes(self) -> int:
        if self.sign_in and self.sign_out:
            return int((self.sign_out - self.sign_in).total_seconds() // 60)
        return int(self.minutes or 0)

    def content_hash(self) -> str:
        body = [self.external_id, self.project_id, identity.normalize(self.id_number),
                self.name, str(self.day()), self.sign_in and self.sign_in.isoformat(),
                self.sign_out and self.sign_out.isoformat(), self.attended_minutes(),
                self.mode]
        return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def _receipt(row: Attendance, replayed: bool, flag_ids: Sequence[int] = ()) -> dict[str, Any]:
    return {"external_id": row.external_id, "attendance_id": row.id,
            "project_id": row.project_id, "session_on": row.session_on,
            "minutes": row.minutes, "mode": row.mode, "replayed": replayed,
            "flags": list(flag_ids)}


@unit_of_work()
def post_attendance(ctx: Context, actor: Actor, items: Sequence[NewAttendance]
                    ) -> dict[str, Any]:
    """Record a batch of sessions in one transaction, one receipt per item.

    An external id received before with the same content answers its receipt again
    (``replayed``); with other content it is a conflict. A classroom session that
    overlaps one of the same person at another base raises an overlap flag.
    """
    actor.require(Role.BASE)
    return record_attendance(ctx, actor, items)


def record_attendance(ctx: Context, actor: Actor, items: Sequence[NewAttendance]
                      ) -> dict[str, Any]:
    """post_attendance inside a unit of work the caller holds (xAPI, rosters)."""
    if not 1 <= len(items) <= MAX_BATCH:
        raise Invalid(f"a batch holds 1 to {MAX_BATCH} items", code="batch_size_invalid")
    session = ctx.session
    base = session.get(TrainingBase, actor.base_id)
    if base is None:
        raise NotFound("no such base", code="base_not_found")
    repeated = sorted(k for k, n in Counter(i.external_id for i in items).items() if n > 1)
    if repeated:
        raise Invalid("external_id repeats within the batch", code="external_id_repeated",
                      external_ids=repeated)
    bad = {i.external_id: i.problems() for i in items if i.problems()}
    if bad:
        raise Invalid("some sessions are not valid", code="attendance_invalid",
                      external_ids=sorted(bad), problems=bad)
    project_ids = {i.project_id for i in items}
    known = set(session.scalars(select(Project.id).where(Project.id.in_(project_ids),
                                                          Project.base_id == base.id)))
    if project_ids - known:
        raise NotFound("no such project", code="project_not_found",
                       project_ids=sorted(project_ids - known))
    existing = {a.external_id: a for a in session.scalars(
        select(Attendance).where(Attendance.base_id == base.id,
                                 any_of(Attendance.external_id, [i.external_id for i in items])))}
    clashes = sorted(i.external_id for i in items if i.external_id in existing
                     and existing[i.external_id].content_hash != i.content_hash())
    if clashes:
        raise Conflict("external_id was received before with other content",
                       code="external_id_conflict", external_ids=clashes)
    fresh = [i for i in items if i.external_id not in existing]
    people = people_for(ctx, fresh)
    now = ctx.now()
    if fresh:
        session.execute(insert(Attendance), [{
            "base_id": base.id, "external_id": i.external_id, "project_id": i.project_id,
            "professional_id": people[identity.keyed_hash(i.id_number, ctx.id_key)].id,
            "session_on": i.day(), "mode": i.mode, "sign_in": i.sign_in,
            "sign_out": i.sign_out, "minutes": i.attended_minutes(),
            "content_hash": i.content_hash(), "received_at": now} for i in fresh])
    rows = {a.external_id: a for a in session.scalars(
        select(Attendance).where(Attendance.base_id == base.id,
                                 any_of(Attendance.external_id, [i.external_id for i in fresh])))}
    raised = _flag_overlaps(ctx, base, [rows[i.external_id] for i in fresh])
    receipts = [_receipt(existing[i.external_id], True) if i.external_id in existing
                else _receipt(rows[i.external_id], False, raised.get(rows[i.external_id].id, []))
                for i in items]
    return {"receipts": receipts}


def _session(row: Attendance) -> Session:
    return Session(row.id, row.base_id, row.project_id, row.sign_in, row.sign_out)


def _flag_overlaps(ctx: Context, base: TrainingBase, rows: Sequence[Attendance]
                   ) -> dict[int, list[int]]:
    """Flag each new timed classroom session that overlaps an earlier one elsewhere."""
    timed = [r for r in rows if r.mode == "classroom" and r.sign_in is not None]
    raised: dict[int, list[int]] = defaultdict(list)
    for row in timed:
        others = ctx.session.scalars(select(Attendance).where(
            Attendance.professional_id == row.professional_id, Attendance.id != row.id,
            Attendance.mode == "classroom", Attendance.base_id != row.base_id,
            Attendance.voided_at.is_(None),
            Attendance.sign_in < row.sign_out, Attendance.sign_out > row.sign_in))
        for other in overlapping(_session(row), [_session(o) for o in others]):
            flag = flags.raise_flag(
                ctx, kind="overlap", basis=f"attendance:{other.id}:{row.id}", base=base,
                project_id=row.project_id, professional_id=row.professional_id,
                message="one person in two classrooms at once: this session overlaps one "
                        "recorded earlier at another base",
                evidence={"earlier": _evidence(ctx.session.get(Attendance, other.id)),
                          "later": _evidence(row)})
            raised[row.id].append(flag.id)
    return raised


def _evidence(row: Attendance) -> dict[str, Any]:
    return {"attendance_id": row.id, "base_id": row.base_id, "project_id": row.project_id,
            "external_id": row.external_id, "session_on": str(row.session_on),
            "sign_in": row.sign_in and row.sign_in.isoformat(),
            "sign_out": row.sign_out and row.sign_out.isoformat(), "minutes": row.minutes}


class AttendanceFacts:
    """What one batch's decisions need to know of attendance, read in two queries."""

    def __init__(self, ctx: Context, postings: Sequence[Any]):
        keys = {(p.professional_id, p.project_id) for p in postings
                if p.professional_id is not None}
        self.minutes: dict[tuple[int, int], dict[date, int]] = defaultdict(dict)
        self.overlaps: dict[tuple[int, int], list[tuple[int, str, str | None]]] = \
            defaultdict(list)
        if not keys:
            return
        people = {k[0] for k in keys}
        projects = {k[1] for k in keys}
        for pid, project, day, minutes in ctx.session.execute(
                select(Attendance.professional_id, Attendance.project_id,
                       Attendance.session_on, Attendance.minutes)
                .where(any_of(Attendance.professional_id, people),
                       any_of(Attendance.project_id, projects), Attendance.voided_at.is_(None))):
            per_day = self.minutes[(pid, project)]
            per_day[day] = per_day.get(day, 0) + minutes
        for pid, project, fid, status, resolution in ctx.session.execute(
                select(AnomalyFlag.professional_id, AnomalyFlag.project_id, AnomalyFlag.id,
                       AnomalyFlag.status, AnomalyFlag.resolution)
                .where(AnomalyFlag.kind == "overlap", any_of(AnomalyFlag.professional_id, people),
                       any_of(AnomalyFlag.project_id, projects))):
            self.overlaps[(pid, project)].append((fid, status, resolution))

    def recorded_for(self, posting: Any) -> bool:
        """Whether any attendance or overlap flag is recorded for the posting's person and
        project; where none is, ``amend`` depends on nothing of the posting but its
        project (and the completion, policy and decision it is given)."""
        key = (posting.professional_id, posting.project_id)
        return bool(self.minutes.get(key)) or bool(self.overlaps.get(key))

    def amend(self, posting: Any, completion: Completion, project: Project,
              policy: Resolved, decision: Decision) -> Decision:
        """The decision, with what the attendance recorded says about it."""
        key = (posting.professional_id, posting.project_id)
        extra: list[Reason] = list(attendance_reasons(
            completion.hours, completion.training_dates, project.hours,
            self.minutes.get(key, {}), policy))
        flagged = self.overlaps.get(key, [])
        held = [f for f, status, _ in flagged if status == "open"]
        upheld = [f for f, status, res in flagged if status == "resolved" and res == "upheld"]
        if held:
            extra.append(overlap_reason(policy, held))
        if upheld:
            reason = overlap_reason(policy, upheld)
            extra.append(Reason("attendance_overlap_upheld",
                                "a regulator found this session overlapped one at another "
                                "base; it does not credit", reason.rule, reason.details))
        return amend(decision, tuple(extra))


def release_overlap(ctx: Context, flag: AnomalyFlag) -> None:
    """Decide again the postings an overlap flag held, now that it is resolved; where it
    is upheld, also reverse what the later session's project had already credited (a
    completion posted before the overlapping session was recorded)."""
    from ..completions import redecide_held

    held = [p for p in ctx.session.scalars(select(Posting).where(
        Posting.professional_id == flag.professional_id,
        Posting.project_id == flag.project_id, Posting.status == Outcome.HELD))
        if any(r.get("code") == "attendance_overlap" for r in p.reasons)]
    if held:
        redecide_held(ctx, ctx.session.get(Project, flag.project_id), held)
    if flag.resolution == "upheld":
        _reverse_for_overlap(ctx, flag)


def _reverse_for_overlap(ctx: Context, flag: AnomalyFlag) -> None:
    from ...store import Entry
    from ..chains import Chains

    reversed_ids = select(Entry.reverses_id).where(Entry.reverses_id.is_not(None))
    credits = list(ctx.session.scalars(select(Entry).join(Posting, Posting.id ==
                                                          Entry.posting_id).where(
        Entry.professional_id == flag.professional_id, Entry.project_id == flag.project_id,
        Entry.kind == "credit", Posting.status == Outcome.CREDITED,
        Entry.id.not_in(reversed_ids)).order_by(Entry.id)))
    chains = Chains(ctx, [flag.professional_id] if credits else [])
    for credit in credits:
        chains.append(
            professional_id=credit.professional_id, kind="reversal", hours=-credit.hours,
            subject=credit.subject, year=credit.year, posting_id=credit.posting_id,
            base_id=credit.base_id, project_id=credit.project_id, reverses_id=credit.id,
            policy_version=credit.policy_version,
            reason=f"overlap flag {flag.id} upheld by the regulator: one person cannot sit "
                   "in two classrooms at once")
        posting = ctx.session.get(Posting, credit.posting_id)
        posting.status = "voided"
        posting.reasons = [*posting.reasons, {
            "code": "attendance_overlap_upheld", "rule": None, "details": {"flag": flag.id},
            "message": "a regulator found this session overlapped one at another base"}]
    ctx.session.flush()
