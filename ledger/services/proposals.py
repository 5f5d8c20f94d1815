"""Regulators decide what the sweeps propose."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..actors import Actor, Role
from ..errors import Conflict
from ..standing import EventType, StandingEvent
from ..store import MisconductRecord, Proposal, TrainingBase
from .bases import base_in_reach, in_reach_via_base, record_event
from .context import Context, unit_of_work


def list_proposals(ctx: Context, actor: Actor, status: str | None = "open") -> list[Proposal]:
    actor.require(Role.REGULATOR)
    query = select(Proposal, TrainingBase.jurisdiction_code).join(TrainingBase)
    if status:
        query = query.where(Proposal.status == status)
    return [p for p, code in ctx.session.execute(query.order_by(Proposal.id))
            if actor.reaches(code)]


@unit_of_work()
def decide_proposal(ctx: Context, actor: Actor, proposal_id: int, accept: bool, *,
                    effective_on: date | None = None, void_from: date | None = None,
                    misconduct: bool = False, reason: str = "",
                    due_on: date | None = None, document_number: str | None = None,
                    basis: str | None = None) -> Proposal:
    """Accept or dismiss a proposal. Accepting a revocation revokes the base as of
    ``effective_on``; accepting a rectification orders it, due on ``due_on``."""
    actor.require(Role.REGULATOR)
    proposal = in_reach_via_base(ctx, actor, Proposal, proposal_id, "proposal")
    base = base_in_reach(ctx, actor, proposal.base_id)
    ctx.session.refresh(proposal, with_for_update=True)
    if proposal.status != "open":
        raise Conflict(f"the proposal was already {proposal.status}",
                       code="proposal_already_decided")
    if accept and proposal.kind == "rectification":
        record_event(ctx, base, StandingEvent(
            EventType.RECTIFICATION_ORDERED, effective_on or ctx.today(), due_on=due_on,
            reason=reason or proposal.reason), client_pk=actor.client_pk)
    elif accept:
        record_event(ctx, base, StandingEvent(
            EventType.REVOKED, effective_on or ctx.today(), void_from=void_from,
            reason=reason or proposal.reason, misconduct=misconduct,
            document_number=document_number, basis=basis),
            client_pk=actor.client_pk)
    proposal.status = "accepted" if accept else "dismissed"
    proposal.decided_at = ctx.now()
    proposal.decided_by = actor.client_pk
    ctx.session.flush()
    return proposal


def misconduct_records(ctx: Context, actor: Actor, base_id: int) -> list[MisconductRecord]:
    base = base_in_reach(ctx, actor, base_id)
    return list(ctx.session.scalars(select(MisconductRecord).where(
        MisconductRecord.base_id == base.id).order_by(MisconductRecord.id)))
