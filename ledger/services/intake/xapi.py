"""xAPI statements from a base's LMS: stored, idempotent by statement id, and turned into
completions, attendance or voids through the same services the JSON API uses."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ... import xapi
from ...actors import Actor, Role
from ...errors import Conflict, Invalid, NotFound
from ...store import Attendance, Posting, Project, TrainingBase, XapiStatement
from .. import completions
from ..context import Context, unit_of_work
from .attendance import NewAttendance, record_attendance

MAX_BATCH = 1000


def _external_id(statement_id: str) -> str:
    return f"xapi:{statement_id}"


@unit_of_work()
def store_statements(ctx: Context, actor: Actor, statements: Sequence[Any],
                     statement_id: str | None = None) -> list[str]:
    """Store a statement or a batch in one transaction; answer their ids, in order.

    A statement without an id gets one (xAPI 1.0.3 §2.2). An id stored before with an
    equal body is answered again and acted on once; with another body it is a conflict.
    ``statement_id`` is PUT's statementId, which the statement must match if it has one.
    """
    actor.require(Role.BASE)
    if not 1 <= len(statements) <= MAX_BATCH:
        raise Invalid(f"a batch holds 1 to {MAX_BATCH} statements",
                      code="batch_size_invalid")
    base = ctx.session.get(TrainingBase, actor.base_id)
    if base is None:
        raise NotFound("no such base", code="base_not_found")
    batch = [_with_id(s, statement_id, n) for n, s in enumerate(statements)]
    repeated = sorted(k for k, n in Counter(s["id"] for s in batch).items() if n > 1)
    if repeated:
        raise Invalid("a statement id repeats within the batch",
                      code="xapi_statement_id_repeated", statement_ids=repeated)
    stored = {row.statement_id: row for row in ctx.session.scalars(
        select(XapiStatement).where(XapiStatement.base_id == base.id,
                                    XapiStatement.statement_id.in_([s["id"] for s in batch])))}
    clashes = sorted(s["id"] for s in batch
                     if s["id"] in stored and stored[s["id"]].body_hash != xapi.body_hash(s))
    if clashes:
        raise Conflict("a statement with this id was stored with another body",
                       code="xapi_statement_conflict", statement_ids=clashes)
    projects = _Projects(ctx, base)
    completing = _Completions(ctx, actor)
    for index, statement in enumerate(batch):
        if statement["id"] in stored:
            continue
        try:
            intent = xapi.read(statement)
        except xapi.StatementError as exc:
            raise Invalid(f"statement {index}: {exc}", code="xapi_statement_invalid",
                          index=index, path=exc.path, statement_id=statement["id"]) from exc
        row = XapiStatement(base_id=base.id, statement_id=intent.statement_id,
                            verb=intent.verb, body_hash=xapi.body_hash(statement),
                            statement=statement, receipt={}, stored_at=ctx.now())
        if intent.kind == "completion":
            completing.add(row, _receipt_head(intent), _completion(projects.find(intent),
                                                                   intent))
            continue
        # Anything else acts on what came before it in the batch (a void on an earlier
        # statement's credit, attendance after a completion): those are posted first.
        completing.post()
        row.receipt = _apply(ctx, actor, projects, intent, row)
        ctx.session.add(row)
        ctx.session.flush()  # a later statement of the batch may void this one
    completing.post()
    return [s["id"] for s in batch]


class _Completions:
    """Consecutive completion statements, posted together as one batch of completions.

    One statement at a time cost the whole per-request path of ``post_completions``
    (some twenty statements) for each of up to 1000; posted together they are decided
    exactly as they would be one after another, since a batch already counts earlier
    items' credits and day loads (ledger/services/completions.py)."""

    def __init__(self, ctx: Context, actor: Actor):
        self.ctx, self.actor = ctx, actor
        self.pending: list[tuple[XapiStatement, dict[str, Any], completions.NewCompletion]] = []

    def add(self, row: XapiStatement, head: dict[str, Any],
            item: completions.NewCompletion) -> None:
        self.pending.append((row, head, item))

    def post(self) -> None:
        if not self.pending:
            return
        # The undecorated service: the statements' unit of work is the whole batch.
        receipts = completions.post_completions.__wrapped__(
            self.ctx, self.actor, [item for _, _, item in self.pending])["receipts"]
        for (row, head, _), receipt in zip(self.pending, receipts, strict=True):
            row.posting_id = receipt["posting_id"]
            row.receipt = {**head, "status": receipt["status"], "completion": receipt}
            self.ctx.session.add(row)
        self.ctx.session.flush()
        self.pending = []


def _with_id(statement: Any, statement_id: str | None, index: int) -> dict[str, Any]:
    if not isinstance(statement, dict):
        raise Invalid(f"statement {index}: a statement is a JSON object",
                      code="xapi_statement_invalid", index=index)
    given = statement.get("id")
    try:
        if statement_id is not None:
            statement_id = xapi.check_id(statement_id, "statementId")
            if given is not None and xapi.check_id(given) != statement_id:
                raise Invalid("the statement's id differs from statementId",
                              code="xapi_statement_id_mismatch")
            return {**statement, "id": statement_id}
        return {**statement, "id": xapi.check_id(given) if given else str(uuid.uuid4())}
    except xapi.StatementError as exc:
        raise Invalid(f"statement {index}: {exc}", code="xapi_statement_invalid",
                      index=index, path=exc.path) from exc


class _Projects:
    """The base's projects, by id and by the registration UUID that names each."""

    def __init__(self, ctx: Context, base: TrainingBase):
        self.by_id = {p.id: p for p in ctx.session.scalars(
            select(Project).where(Project.base_id == base.id))}
        self.by_registration = {xapi.project_registration(p.id): p
                                for p in self.by_id.values()}

    def find(self, intent: xapi.Intent) -> Project:
        project = (self.by_id.get(intent.project_id) if intent.project_id is not None
                   else self.by_registration.get(intent.registration or ""))
        if project is None:
            raise NotFound("no such project", code="project_not_found",
                           statement_id=intent.statement_id)
        return project


def _apply(ctx: Context, actor: Actor, projects: _Projects, intent: xapi.Intent,
           row: XapiStatement) -> dict[str, Any]:
    """What a statement other than a completion does: attendance, a void, nothing."""
    base = _receipt_head(intent)
    if intent.kind == "ignored":
        return {**base, "status": "ignored"}
    if intent.kind == "void":
        row.voids_statement_id = intent.voids
        return {**base, **_void(ctx, actor, intent, row)}
    # Attendance: completions never come here (store_statements posts them in batches).
    project = projects.find(intent)
    item = NewAttendance(
        external_id=_external_id(intent.statement_id), project_id=project.id,
        id_number=intent.id_number, name=intent.name, session_on=intent.session_on,
        sign_in=intent.sign_in, sign_out=intent.sign_out,
        minutes=intent.minutes if intent.mode == "online" else None, mode=intent.mode)
    receipt = record_attendance(ctx, actor, [item])["receipts"][0]
    row.attendance_id = receipt["attendance_id"]
    return {**base, "status": "recorded",
            "attendance": {**receipt, "session_on": str(receipt["session_on"])}}


def _receipt_head(intent: xapi.Intent) -> dict[str, Any]:
    return {"statement_id": intent.statement_id, "verb": intent.verb, "kind": intent.kind}


def _completion(project: Project, intent: xapi.Intent) -> completions.NewCompletion:
    days = intent.training_dates or tuple(
        project.start_on + timedelta(days=n)
        for n in range((project.end_on - project.start_on).days + 1))
    failed = intent.outcome == "failed" or intent.success is False
    return completions.NewCompletion(
        external_id=_external_id(intent.statement_id), project_id=project.id,
        id_number=intent.id_number, name=intent.name, hours=intent.hours or project.hours,
        subject=project.subject, training_dates=days,
        assessment="failed" if failed else "passed", minutes=intent.minutes)


def _void(ctx: Context, actor: Actor, intent: xapi.Intent, row: XapiStatement
          ) -> dict[str, Any]:
    """Void the target statement: its completion gets a reversal, its session stops
    counting. A target the ledger never saw is stored and does nothing (xAPI 2.3.2)."""
    target = ctx.session.scalar(select(XapiStatement).where(
        XapiStatement.base_id == row.base_id, XapiStatement.statement_id == intent.voids))
    if target is None:
        return {"status": "target_unknown", "voids": intent.voids}
    if target.verb == xapi.VOIDED:
        raise Invalid("a voiding statement cannot itself be voided",
                      code="xapi_void_of_void", statement_id=intent.statement_id)
    if target.voided_by is not None:
        return {"status": "already_voided", "voids": intent.voids,
                "voided_by": target.voided_by}
    target.voided_by = intent.statement_id
    out: dict[str, Any] = {"status": "voided", "voids": intent.voids}
    if target.posting_id is not None:
        posting = ctx.session.get(Posting, target.posting_id)
        if posting.status in ("credited", "held"):
            reason = f"xAPI statement {intent.statement_id} voided {intent.voids}"
            out["completion"] = completions.void_completion.__wrapped__(
                ctx, actor, posting.id, reason)
    if target.attendance_id is not None:
        ctx.session.get(Attendance, target.attendance_id).voided_at = ctx.now()
    return out


def statement_receipt(ctx: Context, actor: Actor, statement_id: str) -> dict[str, Any]:
    """What the ledger made of one of the base's statements, and where it stands now."""
    actor.require(Role.BASE)
    try:
        statement_id = xapi.check_id(statement_id)
    except xapi.StatementError as exc:
        raise NotFound("no such statement", code="xapi_statement_not_found") from exc
    row = ctx.session.scalar(select(XapiStatement).where(
        XapiStatement.base_id == actor.base_id, XapiStatement.statement_id == statement_id))
    if row is None:
        raise NotFound("no such statement", code="xapi_statement_not_found")
    current = (completions.get_completion(ctx, actor, row.posting_id)
               if row.posting_id is not None else None)
    return {**row.receipt, "stored": row.stored_at, "voided_by": row.voided_by,
            "current": current}
