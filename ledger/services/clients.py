"""API clients and professionals' logins."""

from __future__ import annotations

import math
import secrets as _random
from datetime import datetime, timedelta

from sqlalchemy import select, update

from .. import identity
from ..actors import Actor, Role
from ..errors import Invalid, NotFound, Unauthorized
from ..secrets import new_secret
from ..store import Client, Professional, TrainingBase
from .context import Context, unit_of_work
from .jurisdictions import require_jurisdiction
from .passwords import hash_secret, needs_rehash, verify_secret

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
    if needs_rehash(client.secret_hash):
        _rehash(ctx, Client, client.id, secret)
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
    """The professional whose password this is; Unauthorized (``invalid_grant``) otherwise.

    After ``LOCK_AFTER`` wrong passwords in a row the login locks, for a minute that
    doubles with each further failure (at most an hour); while locked even the right
    password is refused (``account_locked``, with ``retry_after`` in seconds).
    """
    person = ctx.session.scalar(
        select(Professional).where(Professional.id_hash == identity.keyed_hash(id_number,
                                                                              ctx.id_key))
    )
    ok = verify_secret(password, person.password_hash if person and person.password_hash
                       else _DUMMY_HASH)
    if person is None or not person.password_hash:
        raise Unauthorized("unknown ID number or wrong password", code="invalid_grant")
    now = ctx.now()
    if person.locked_until is not None and person.locked_until > now:
        raise Unauthorized("too many wrong passwords; try again later", code="account_locked",
                           retry_after=_seconds_until(person.locked_until, now))
    if not ok:
        _record_failure(ctx, person.id)
        raise Unauthorized("unknown ID number or wrong password", code="invalid_grant")
    if person.failed_logins or needs_rehash(person.password_hash):
        _record_success(ctx, person.id, password)
    return actor_for_professional(person)


LOCK_AFTER = 5
LOCK_FIRST = timedelta(minutes=1)
LOCK_LONGEST = timedelta(hours=1)


def lock_for(failures: int) -> timedelta | None:
    """How long a login locks after ``failures`` wrong passwords in a row."""
    if failures < LOCK_AFTER:
        return None
    doublings = min(failures - LOCK_AFTER, 12)  # 2**12 minutes is past the cap already
    return min(LOCK_FIRST * 2**doublings, LOCK_LONGEST)


@unit_of_work()
def _record_failure(ctx: Context, person_id: int) -> None:
    # One atomic increment, so concurrent wrong guesses all count.
    failures = ctx.session.execute(
        update(Professional).where(Professional.id == person_id)
        .values(failed_logins=Professional.failed_logins + 1)
        .returning(Professional.failed_logins)).scalar_one()
    lock = lock_for(failures)
    if lock is not None:
        ctx.session.execute(update(Professional).where(Professional.id == person_id)
                            .values(locked_until=ctx.now() + lock))


@unit_of_work()
def _record_success(ctx: Context, person_id: int, password: str) -> None:
    person = ctx.session.get(Professional, person_id)
    person.failed_logins, person.locked_until = 0, None
    if needs_rehash(person.password_hash):
        person.password_hash = hash_secret(password)


@unit_of_work()
def _rehash(ctx: Context, model: type[Client], pk: int, secret: str) -> None:
    ctx.session.get(model, pk).secret_hash = hash_secret(secret)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _client(ctx: Context, client_id: str) -> Client:
    client = ctx.session.scalar(select(Client).where(Client.client_id == client_id))
    if client is None:
        raise NotFound("no such client", code="client_not_found")
    return client


@unit_of_work()
def disable_client(ctx: Context, client_id: str) -> Client:
    """Disable a client: its secret stops working and so do the tokens it holds."""
    client = _client(ctx, client_id)
    client.disabled = True
    client.credentials_version = (client.credentials_version or 0) + 1
    return client


@unit_of_work()
def rotate_client_secret(ctx: Context, client_id: str) -> tuple[Client, str]:
    """Give a client a new secret (shown only this once); the old one and the tokens
    issued with it stop working."""
    client = _client(ctx, client_id)
    secret = new_secret()
    client.secret_hash = hash_secret(secret)
    client.credentials_version = (client.credentials_version or 0) + 1
    return client, secret


def credentials_version(ctx: Context, actor: Actor) -> int:
    """The version of the credentials a token for ``actor`` is issued under."""
    if actor.professional_id is not None:
        model, pk = Professional, actor.professional_id
    else:
        model, pk = Client, actor.client_pk
    return ctx.session.scalar(select(model.credentials_version).where(model.id == pk)) or 0


def actor_for_professional(person: Professional) -> Actor:
    return Actor(role=Role.PROFESSIONAL, subject=f"professional-{person.id}",
                 name=person.name, jurisdiction=person.jurisdiction_code,
                 professional_id=person.id)
