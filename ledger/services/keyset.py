"""The ledger's signing keys: one current Ed25519 key, and every retired public key.

The current private key lives in a file outside the database (``JWT_KEY_PATH``, mode
0600). Rotating writes the current public key to ``<key file>.retired.jwks.json`` and a
new private key in its place; retired public keys stay published in the JWKS forever,
so attestations and checkpoints signed before a rotation still verify. A retired private
key is not kept: nothing can sign with it again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .. import checkpoint

ALGORITHM = "EdDSA"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk_for(raw: bytes) -> dict[str, str]:
    """The public JWK (RFC 8037) with its RFC 7638 thumbprint as ``kid``."""
    x = _b64url(raw)
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x},
                           separators=(",", ":"), sort_keys=True)
    kid = _b64url(hashlib.sha256(canonical.encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": ALGORITHM}


def raw_from_jwk(jwk: dict[str, Any]) -> bytes:
    x = jwk["x"]
    return base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    os.replace(tmp, path)  # atomic: a reader sees the old key or the new, never half


class KeySet:
    """The current signing key and the retired public keys; signs for the log's origin."""

    def __init__(self, path: Path, origin: str):
        self.path = Path(path)
        self.origin = origin
        self.retired_path = self.path.with_name(self.path.name + ".retired.jwks.json")
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            _write_private(self.path, Ed25519PrivateKey.generate())
        key = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError(f"{self.path} does not hold an Ed25519 private key")
        self.private = key
        self.public_raw = public_raw(key.public_key())
        self.jwk = jwk_for(self.public_raw)
        self.kid = self.jwk["kid"]
        self.retired: list[dict[str, str]] = (
            json.loads(self.retired_path.read_text())["keys"]
            if self.retired_path.exists() else [])

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Every public key: the current one first, then the retired ones."""
        return {"keys": [self.jwk, *[k for k in self.retired if k["kid"] != self.kid]]}

    def public_keys(self) -> dict[str, bytes]:
        """kid -> raw public key, for every key the ledger has ever signed with."""
        return {k["kid"]: raw_from_jwk(k) for k in self.jwks()["keys"]}

    def note_keys(self) -> dict[str, bytes]:
        """Signed-note key ID (hex) -> raw public key, for checking checkpoints."""
        return checkpoint.keys_by_id(self.origin, list(self.public_keys().values()))

    def rotate(self) -> str:
        """Retire the current key (its public half stays published); return the new kid."""
        retired = [*self.retired, {**self.jwk}]
        tmp = self.retired_path.with_name(self.retired_path.name + ".new")
        tmp.write_text(json.dumps({"keys": retired}, indent=2))
        os.replace(tmp, self.retired_path)
        _write_private(self.path, Ed25519PrivateKey.generate())
        self._load()
        return self.kid
