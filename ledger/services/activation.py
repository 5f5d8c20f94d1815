"""The first password: a one-time activation code a regulator issues to a professional.

The code reaches the professional on paper or by SMS, never in a link: they type it,
with their ID number, on the activation page, and choose a password. Only its scrypt
hash is stored; it works once, within ``CODE_TTL``, and issuing a new one retires the
old ones.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from .. import identity
from ..actors import Actor, Role
from ..errors import Invalid, NotFound, Unauthorized
from ..store import ActivationCode, Professional
from .context import Context, unit_of_work
from .passwords import hash_secret, verify_secret

CODE_TTL = timedelta(days=14)
# No 0/O, 1/I/L: the code is read off paper and typed.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MIN_PASSWORD = 10
_DUMMY_HASH = hash_secret("not-a-real-code")


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _person(ctx: Context, id_number: str) -> Professional | None:
    return ctx.session.scalar(select(Professional).where(
        Professional.id_hash == identity.keyed_hash(id_number, ctx.id_key)))


@unit_of_work()
def issue_code(ctx: Context, actor: Actor, id_number: str) -> dict:
    """A regulator issues a code for a professional registered in its jurisdiction.

    Returns ``{"code", "expires_at", "professional": {"id_masked", "name"}}``; the code
    is shown only this once.
    """
    actor.require(Role.REGULATOR)
    person = _person(ctx, id_number)
    if person is None or not actor.reaches(person.jurisdiction_code):
        raise NotFound("no professional with that ID number in your jurisdiction",
                       code="professional_not_found")
    now = ctx.now()
    ctx.session.execute(update(ActivationCode).where(
        ActivationCode.professional_id == person.id, ActivationCode.used_at.is_(None),
        ActivationCode.expires_at > now).values(expires_at=now))
    code = _new_code()
    row = ActivationCode(professional_id=person.id, code_hash=hash_secret(normalize_code(code)),
                         issued_by=actor.client_pk, issued_at=now, expires_at=now + CODE_TTL)
    ctx.session.add(row)
    ctx.session.flush()
    return {"code": code, "expires_at": row.expires_at,
            "professional": {"id_masked": person.id_masked, "name": person.name}}


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password needs at least {MIN_PASSWORD} characters",
                      code="password_too_short")
    if len(password) > 256:
        raise Invalid("the password is too long", code="password_too_long")


@unit_of_work()
def activate(ctx: Context, id_number: str, code: str, password: str) -> Professional:
    """Spend an activation code and set the professional's password.

    Every failure (unknown number, wrong, used or expired code) is the same
    ``activation_failed``, so the page reveals nothing about who is registered.
    """
    check_password(password)
    person = _person(ctx, id_number) if identity.is_valid(id_number) else None
    now = ctx.now()
    rows = [] if person is None else list(ctx.session.scalars(
        select(ActivationCode).where(ActivationCode.professional_id == person.id,
                                     ActivationCode.used_at.is_(None),
                                     ActivationCode.expires_at > now)
        .with_for_update()))
    wanted = normalize_code(code)
    match = next((r for r in rows if verify_secret(wanted, r.code_hash)), None)
    if match is None:
        verify_secret(wanted, _DUMMY_HASH)  # as slow as a real miss
        raise Unauthorized("wrong, used or expired activation code",
                           code="activation_failed")
    match.used_at = now
    assert person is not None
    person.password_hash = hash_secret(password)
    # A new password ends every token issued before it (RFC 6750 practice, issue 10).
    person.credentials_version = (person.credentials_version or 0) + 1
    ctx.session.flush()
    return person
