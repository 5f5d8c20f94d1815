"""Signed tree heads in the C2SP formats (c2sp.org/tlog-checkpoint, c2sp.org/signed-note).

A checkpoint's text is three lines — the log's origin, the tree size in decimal, the
root hash in base64 — followed by extension lines; this log adds one, ``time <ISO 8601
UTC>``, the moment it was sealed. A signed note appends a blank line and one line per
signature: an em dash, the key name, and base64 of the 4-byte key ID followed by the
signature over the text (newline included). Ed25519 key IDs are
``SHA-256(name || 0x0A || 0x01 || public key)[:4]``. Signing and Ed25519 verification are
passed in as functions, so this module stays in the standard library.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

ED25519 = b"\x01"
SIG_PREFIX = "\u2014 "  # "— "

# verify(public_key_raw, message, signature) -> bool
Ed25519Verify = Callable[[bytes, bytes, bytes], bool]


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, or whose signature does not check."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: datetime
    signatures: list[tuple[str, bytes, bytes]] = field(default_factory=list, compare=False)

    def text(self) -> str:
        """The signed text (what every signature covers), ending with a newline."""
        stamp = self.time.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return (f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
                f"time {stamp}\n")


def key_id(name: str, public_raw: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_raw).digest()[:4]


def verifier_key(name: str, public_raw: bytes) -> str:
    """The note verifier key string (``name+hexid+base64(0x01||key)``) for witnesses."""
    return (f"{name}+{key_id(name, public_raw).hex()}+"
            f"{base64.b64encode(ED25519 + public_raw).decode()}")


def sign(checkpoint: Checkpoint, name: str, public_raw: bytes,
         sign_fn: Callable[[bytes], bytes]) -> str:
    """The signed note of a checkpoint."""
    text = checkpoint.text()
    signature = sign_fn(text.encode())
    blob = base64.b64encode(key_id(name, public_raw) + signature).decode()
    return f"{text}\n{SIG_PREFIX}{name} {blob}\n"


def parse(note: str) -> Checkpoint:
    """Read a signed checkpoint note; raises CheckpointError when it is malformed."""
    text, sep, sigs = note.partition("\n\n")
    if not sep or not text:
        raise CheckpointError("a signed note is text, a blank line, then signatures")
    lines = text.split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise CheckpointError(f"the tree size {size_text!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError as exc:
        raise CheckpointError("the root hash is not base64") from exc
    if len(root) != 32:
        raise CheckpointError("the root hash is not 32 bytes")
    times = [e.removeprefix("time ") for e in extensions if e.startswith("time ")]
    if len(times) != 1:
        raise CheckpointError("the checkpoint has no time line")
    try:
        time = datetime.fromisoformat(times[0].replace("Z", "+00:00"))
    except ValueError as exc:
        raise CheckpointError("the time line is not ISO 8601") from exc
    signatures = []
    for line in sigs.split("\n"):
        if not line:
            continue
        if not line.startswith(SIG_PREFIX):
            raise CheckpointError("a signature line starts with an em dash")
        name, _, blob = line.removeprefix(SIG_PREFIX).rpartition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except ValueError as exc:
            raise CheckpointError("a signature is not base64") from exc
        if len(raw) < 5:
            raise CheckpointError("a signature is too short")
        signatures.append((name, raw[:4], raw[4:]))
    if not signatures:
        raise CheckpointError("the note carries no signature")
    checkpoint = Checkpoint(origin, int(size_text), root, time, signatures)
    if checkpoint.text() != text + "\n":
        raise CheckpointError("the text is not in this log's canonical form")
    return checkpoint


def verify(note: str, keys: Mapping[str, bytes], ed25519_verify: Ed25519Verify) -> Checkpoint:
    """Parse a note and check that a signature by a known key covers it.

    ``keys`` maps a key ID (hex) to a raw Ed25519 public key (see keys_by_id); the
    signature's key name must be the checkpoint's origin. Raises CheckpointError unless
    at least one signature verifies.
    """
    checkpoint = parse(note)
    message = checkpoint.text().encode()
    for name, kid, signature in checkpoint.signatures:
        public = keys.get(kid.hex())
        if (public is not None and name == checkpoint.origin
                and key_id(name, public) == kid and ed25519_verify(public, message, signature)):
            return checkpoint
    raise CheckpointError("no signature on the checkpoint verifies with a known key")


def keys_by_id(origin: str, public_keys: list[bytes]) -> dict[str, bytes]:
    """Key ID (hex) -> raw public key, for the log named ``origin``."""
    return {key_id(origin, k).hex(): k for k in public_keys}
