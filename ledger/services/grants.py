"""A professional's time-limited grants of access to their record for a named committee.

A committee reads the record of a professional registered in its own jurisdiction (as
the regulation has it); a grant lets a committee elsewhere (a candidate who moved, or
is evaluated by a provincial or industry committee) read it too, until the grant
expires or the professional revokes it. Every read is still access-logged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ..actors import Actor, Role
from ..errors import Invalid, NotFound
from ..store import AccessGrant, Client, Professional
from .context import Context, unit_of_work

MAX_DAYS = 365


def committees(ctx: Context) -> list[Client]:
    """The committees a professional may name in a grant."""
    return list(ctx.session.scalars(
        select(Client).where(Client.role == str(Role.COMMITTEE), Client.disabled.is_(False))
        .order_by(Client.jurisdiction_code, Client.name)))


def committees_for(ctx: Context, actor: Actor) -> list[Client]:
    actor.require(Role.PROFESSIONAL)
    return committees(ctx)


def _view(ctx: Context, grant: AccessGrant, committee: Client) -> dict[str, Any]:
    return {"id": grant.id, "committee": committee.name,
            "jurisdiction": committee.jurisdiction_code, "purpose": grant.purpose,
            "granted_at": grant.granted_at, "expires_at": grant.expires_at,
            "revoked_at": grant.revoked_at,
            "active": grant.revoked_at is None and grant.expires_at > ctx.now()}


def grants_of(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """The professional's grants, newest first, each with whether it is in force now."""
    actor.require(Role.PROFESSIONAL)
    rows = ctx.session.execute(
        select(AccessGrant, Client).join(Client, Client.id == AccessGrant.client_id)
        .where(AccessGrant.professional_id == actor.professional_id)
        .order_by(AccessGrant.id.desc()))
    return [_view(ctx, grant, committee) for grant, committee in rows]


def grant_view(ctx: Context, actor: Actor, committee_id: int, days: int,
               purpose: str) -> dict[str, Any]:
    row = grant(ctx, actor, committee_id, days, purpose)
    return _view(ctx, row, ctx.session.get(Client, row.client_id))


def revoke_view(ctx: Context, actor: Actor, grant_id: int) -> dict[str, Any]:
    row = revoke(ctx, actor, grant_id)
    return _view(ctx, row, ctx.session.get(Client, row.client_id))


@unit_of_work()
def grant(ctx: Context, actor: Actor, committee_id: int, days: int, purpose: str) -> AccessGrant:
    actor.require(Role.PROFESSIONAL)
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(f"a grant lasts 1 to {MAX_DAYS} days", code="grant_days_invalid")
    committee = ctx.session.get(Client, committee_id)
    if committee is None or committee.role != str(Role.COMMITTEE) or committee.disabled:
        raise NotFound("no such committee", code="committee_not_found")
    now = ctx.now()
    row = AccessGrant(professional_id=actor.professional_id, client_id=committee.id,
                      purpose=purpose.strip()[:500], granted_at=now,
                      expires_at=now + timedelta(days=days))
    ctx.session.add(row)
    ctx.session.flush()
    return row


@unit_of_work()
def revoke(ctx: Context, actor: Actor, grant_id: int) -> AccessGrant:
    actor.require(Role.PROFESSIONAL)
    row = ctx.session.get(AccessGrant, grant_id)
    if row is None or row.professional_id != actor.professional_id:
        raise NotFound("no such grant", code="grant_not_found")
    if row.revoked_at is None:
        row.revoked_at = ctx.now()
        ctx.session.flush()
    return row


def may_read(ctx: Context, actor: Actor, person: Professional) -> bool:
    """Whether a committee may read this professional's record now."""
    if actor.role is not Role.COMMITTEE:
        return False
    if actor.reaches(person.jurisdiction_code):
        return True
    now = ctx.now()
    return ctx.session.scalar(select(AccessGrant.id).where(
        AccessGrant.professional_id == person.id, AccessGrant.client_id == actor.client_pk,
        AccessGrant.revoked_at.is_(None), AccessGrant.expires_at > now).limit(1)) is not None
