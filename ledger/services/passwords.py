"""Secrets and passwords hashed with argon2id at OWASP's cost; older hashes still verify
and are upgraded on the next successful login.

OWASP Password Storage Cheat Sheet (2025): argon2id with m=19 MiB, t=2, p=1 is the
minimum. The scrypt hashes written before (N=2**14) verify through ``ledger.secrets``.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .. import secrets as legacy

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def verify_secret(secret: str, stored: str | None) -> bool:
    """True when ``secret`` matches ``stored`` (argon2id, or a legacy scrypt hash)."""
    if not stored:
        return False
    if stored.startswith("scrypt$"):
        return legacy.verify_secret(secret, stored)
    try:
        return HASHER.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True for a hash below today's cost: a legacy scrypt hash, or weaker argon2 settings."""
    if stored.startswith("scrypt$"):
        return True
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
