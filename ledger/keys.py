"""The ID-hash key ring: how it is written down, read, generated and checked.

The ring is the key every digest of an ID number is made with (``identity.keyed_digest``),
oldest key first; each ``rotate-id-key`` appends one. It lives outside the database (an
environment variable or a file, best outside ``instance/``), so a copy of the database
alone cannot be brute-forced, and losing it loses every look-up: hence a key check value
kept in the database, compared at start-up.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from . import identity

Ring = tuple[bytes, ...]

KEY_BYTES = 32
# What the check value is a digest of; changing it invalidates every stored check.
CHECK_MESSAGE = b"xueshi-ledger id-hash key check v1"
CHECK_NAME = "id-hash"


class IdKeyError(Exception):
    """The ID key is missing, malformed or not the one the database was hashed with."""


def parse_ring(text: str, source: str) -> Ring:
    """Hex keys, oldest first, one a line or separated by commas; ``#`` starts a comment."""
    keys = []
    for line in text.splitlines():
        for part in line.split("#", 1)[0].split(","):
            part = part.strip()
            if not part:
                continue
            try:
                key = bytes.fromhex(part)
            except ValueError:
                raise IdKeyError(f"{source}: a key is not hexadecimal") from None
            if len(key) < 16:
                raise IdKeyError(f"{source}: a key has {len(key)} bytes, at least 16 needed")
            keys.append(key)
    if not keys:
        raise IdKeyError(f"{source}: holds no key")
    return tuple(keys)


def format_ring(ring: Sequence[bytes]) -> str:
    lines = ["# Xueshi Ledger ID-hash key ring, oldest first. Back it up with the database:",
             "# without every line, no ID number in the database can be looked up."]
    return "\n".join([*lines, *(key.hex() for key in ring)]) + "\n"


def read_ring(path: Path) -> Ring | None:
    """The ring in ``path``, or None if there is no such file."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    return parse_ring(text, str(path))


def write_ring(path: Path, ring: Sequence[bytes], *, exclusive: bool = False) -> None:
    """Write the ring readable by its owner only, atomically (or only if absent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(format_ring(ring))
        return
    os.replace(stage_ring(path, ring), path)


def stage_ring(path: Path, ring: Sequence[bytes]) -> Path:
    """Write the ring beside ``path`` (``….new``), synced, for an ``os.replace`` once the
    database has committed to it: a crash in between leaves both rings on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".new")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(format_ring(ring))
        out.flush()
        os.fsync(out.fileno())
    return staged


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def check_value(ring: Sequence[bytes]) -> str:
    """A digest of a fixed text under the ring: equal only for the same ring, and it
    reveals nothing about the keys (HMAC)."""
    return identity.keyed_digest(CHECK_MESSAGE, ring)
