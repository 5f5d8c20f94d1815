"""Who may claim a professional the ledger has already seen, and transfers between
jurisdictions.

Registering a person sets the jurisdiction whose committees read their record and
whose regulator may set their password, so it must not be a way to take over someone
another jurisdiction holds (issue 10: a 威海 regulator registered a person first posted
by a 淄博 base, set their password and read their 淄博 hours). A regulator may claim a
person only where its jurisdiction covers them:

- a registered person, by the jurisdiction they are registered in;
- a person known only from postings, by the jurisdiction of a base that posted them or
  by the region code of their ID number (GB 11643 第4.1条: the first six digits are the
  address code, GB/T 2260);

or where the regulator that holds the person has released them to it by a transfer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import identity
from ..actors import Actor, Role
from ..errors import Conflict, Invalid, NotFound
from ..store import Posting, Professional, ProfessionalTransfer, TrainingBase
from .context import Context, unit_of_work
from .jurisdictions import require_jurisdiction

OPEN, COMPLETED = "open", "completed"


def holders(ctx: Context, person: Professional, id_number: str) -> set[str]:
    """The jurisdictions whose regulators hold ``person``."""
    if person.jurisdiction_code is not None:
        return {person.jurisdiction_code}
    posted_by = set(ctx.session.scalars(
        select(TrainingBase.jurisdiction_code).join(Posting, Posting.base_id == TrainingBase.id)
        .where(Posting.professional_id == person.id).distinct()))
    return posted_by | {identity.normalize(id_number)[:6]}


def holds(ctx: Context, actor: Actor, person: Professional, id_number: str) -> bool:
    return any(actor.reaches(code) for code in holders(ctx, person, id_number))


def open_transfer(ctx: Context, person: Professional) -> ProfessionalTransfer | None:
    return ctx.session.scalar(select(ProfessionalTransfer).where(
        ProfessionalTransfer.professional_id == person.id,
        ProfessionalTransfer.status == OPEN).with_for_update())


def authorise_claim(ctx: Context, actor: Actor, person: Professional, id_number: str) -> None:
    """Let ``actor`` register ``person`` already known to the ledger, or answer 404
    (never 403: it would confirm that another jurisdiction holds the person).

    A claim under an open transfer to the actor's jurisdiction completes the transfer.
    """
    if holds(ctx, actor, person, id_number):
        return
    transfer = open_transfer(ctx, person)
    if transfer is None or not actor.reaches(transfer.to_jurisdiction):
        raise NotFound("no such professional in your jurisdiction",
                       code="professional_not_found")
    transfer.status = COMPLETED
    transfer.completed_at = ctx.now()
    transfer.completed_by = actor.client_pk


@unit_of_work()
def release(ctx: Context, actor: Actor, id_number: str, to_jurisdiction: str,
            reason: str) -> dict[str, Any]:
    """The regulator holding a professional releases them to another jurisdiction,
    whose regulator then registers them; the transfer is kept as the record of why."""
    actor.require(Role.REGULATOR)
    if not identity.is_valid(id_number):
        raise Invalid("invalid ID number", code="id_number_invalid")
    require_jurisdiction(ctx, to_jurisdiction)
    if not reason.strip():
        raise Invalid("a transfer states its reason", code="transfer_reason_missing")
    person = ctx.session.scalar(select(Professional).where(
        Professional.id_hash == identity.keyed_hash(id_number, ctx.id_key)))
    if person is None or not holds(ctx, actor, person, id_number):
        raise NotFound("no such professional in your jurisdiction",
                       code="professional_not_found")
    if open_transfer(ctx, person) is not None:
        raise Conflict("a transfer of this professional is already open",
                       code="transfer_already_open")
    transfer = ProfessionalTransfer(
        professional_id=person.id, from_jurisdiction=person.jurisdiction_code,
        to_jurisdiction=to_jurisdiction, reason=reason.strip(), requested_at=ctx.now(),
        requested_by=actor.client_pk, status=OPEN)
    ctx.session.add(transfer)
    ctx.session.flush()
    return as_dict(transfer, person.id_masked, person.name)


def transfers(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """Transfers out of or into the regulator's jurisdiction, newest first."""
    actor.require(Role.REGULATOR)
    rows = ctx.session.execute(
        select(ProfessionalTransfer, Professional.id_masked, Professional.name)
        .join(Professional, Professional.id == ProfessionalTransfer.professional_id)
        .order_by(ProfessionalTransfer.id.desc()))
    return [as_dict(t, masked, name) for t, masked, name in rows
            if actor.reaches(t.to_jurisdiction) or actor.reaches(t.from_jurisdiction)
            or t.requested_by == actor.client_pk]


def as_dict(transfer: ProfessionalTransfer, id_masked: str, name: str) -> dict[str, Any]:
    return {"id": transfer.id, "id_masked": id_masked, "name": name,
            "from_jurisdiction": transfer.from_jurisdiction,
            "to_jurisdiction": transfer.to_jurisdiction, "reason": transfer.reason,
            "status": transfer.status, "requested_at": transfer.requested_at,
            "completed_at": transfer.completed_at}
