"""API clients and professionals' logins."""

from __future__ import annotations

import secrets as _random

from sqlalchemy import select

from .. import identity
from ..actors import Actor, Role
from ..errors import Invalid, NotFound, Unauthorized
from ..secrets import hash_secret, new_secret, verify_secret
from ..store import Client, Professional, TrainingBase
from .context import Context, unit_of_work
from .jurisdictions import require_jurisdiction

# Checked when the client is unknown, so a wrong id costs as long as a wrong secret.
_DUMMY_HASH = hash_secret("not-a-real-secret")


@unit_of_work()
def create_client(ctx: Context, *, role: Role, name: str, jurisdiction: str | None = None,
                  base_id: int | None = None) -> tuple[Client, str]:
    """Create a client and return it with its secret, which is shown only this once."""
    if role is Role.PROFESSIONAL:
        raise Invalid("professionals log in with their ID number", code="role_invalid")
    if role is Role.BASE:
        if base_id is None or ctx.session.get(TrainingBase, base_id) is None:
            raise Invalid("a base client needs an existing base", code="base_required")
        jurisdiction = None
    else:
        if jurisdiction is None:
            raise Invalid(f"a {role} client needs a jurisdiction", code="jurisdiction_required")
        require_jurisdiction(ctx, jurisdiction)
        base_id = None
    secret = new_secret()
    client = Client(
        client_id=f"{role}-{_random.token_hex(6)}",
        secret_hash=hash_secret(secret),
        role=str(role),
        name=name,
        jurisdiction_code=jurisdiction,
        base_id=base_id,
        created_at=ctx.now(),
    )
    ctx.session.add(client)
    ctx.session.flush()
    return client, secret


def create_base_client(ctx: Context, actor: Actor, base_id: int, name: str) -> tuple[Client, str]:
    """A regulator issues credentials for a base's LMS in its jurisdiction."""
    actor.require(Role.REGULATOR)
    base = ctx.session.get(TrainingBase, base_id)
    if base is None or not actor.reaches(base.jurisdiction_code):
        raise NotFound("no such base", code="base_not_found")
    return create_client(ctx, role=Role.BASE, name=name, base_id=base_id)


def authenticate_client(ctx: Context, client_id: str, secret: str) -> Actor:
    client = ctx.session.scalar(select(Client).where(Client.client_id == client_id))
    ok = verify_secret(secret, client.secret_hash if client else _DUMMY_HASH)
    if client is None or not ok or client.disabled:
        raise Unauthorized("unknown client or wrong secret", code="invalid_client")
    return actor_for_client(client)


def actor_for_client(client: Client) -> Actor:
    return Actor(
        role=Role(client.role),
        subject=client.client_id,
        client_pk=client.id,
        name=client.name,
        jurisdiction=client.jurisdiction_code,
        base_id=client.base_id,
    )


def authenticate_professional(ctx: Context, id_number: str, password: str) -> Actor:
    person = ctx.session.scalar(
        select(Professional).where(Professional.id_hash == identity.keyed_hash(id_number,
                                                                              ctx.id_key))
    )
    ok = verify_secret(password, person.password_hash if person and person.password_hash
                       else _DUMMY_HASH)
    if person is None or not person.password_hash or not ok:
        raise Unauthorized("unknown ID number or wrong password", code="invalid_grant")
    return actor_for_professional(person)


def actor_for_professional(person: Professional) -> Actor:
    return Actor(role=Role.PROFESSIONAL, subject=f"professional-{person.id}",
                 name=person.name, jurisdiction=person.jurisdiction_code,
                 professional_id=person.id)
