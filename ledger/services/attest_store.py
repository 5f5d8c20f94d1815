"""What the attestation table keeps of a token: enough to re-serve it, not the token.

A format-2 attestation carries every entry of the professional's chain (1.5 MB at 10,000
entries). The journal is append-only, so those entries are already in the database; the
row keeps the rest of the claims, the protected header, the signature and the token's
SHA-256. Re-serving rebuilds the entries from the journal, puts the token together and
compares its digest: a journal changed since makes a different token, which then fails
the signature check (and the digest), so "genuine" keeps meaning the ledger's signed
statement and its rows still agree. Rows written before keep the whole JWS and are read
as they are.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from sqlalchemy import select

from .. import leaves
from ..store import Attestation, Entry
from . import attest_check, compact_json
from .context import Context

STORED = "attestation-skeleton"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def payload(claims: dict[str, Any]) -> str:
    """The JWS payload of the claims, exactly as attestations.sign_jws encodes it: the
    bytes of json.dumps(ensure_ascii=False, compact, default=str), orjson or not."""
    return b64url(compact_json.dumps(claims))


def stored_form(token: str, signed: dict[str, Any] | None = None) -> str:
    """What the table keeps of a signed token (the claims without their entries).
    ``signed``: the claims the token was signed over, if the caller has them (not
    decoding 1.5 MB again); the same, as JSON reads them back."""
    head, body, signature = token.split(".")
    claims = json.loads(b64url_decode(body)) if signed is None else signed
    if signed is not None and isinstance(signed.get("chain"), dict):
        claims = {**signed, "chain": {**signed["chain"]}}  # the caller's stays whole
    if not isinstance(claims.get("chain"), dict):
        return token  # a format-1 token: kept whole, as before
    claims["chain"]["entries"] = None
    return json.dumps({"kind": STORED, "sha256": hashlib.sha256(token.encode()).hexdigest(),
                       "header": head, "signature": signature, "claims": claims},
                      ensure_ascii=False, separators=(",", ":"), default=str)


def token_of(ctx: Context, row: Attestation) -> str | None:
    """The token as issued, rebuilt from the journal; None if the journal no longer makes
    the same token (an entry was changed, removed or inserted since)."""
    if not row.jws.startswith("{"):
        return row.jws
    kept = json.loads(row.jws)
    claims = kept["claims"]
    head = claims["chain"]["head"]
    last = leaves.decode(head["data"])["row"]["seq"] if head else 0
    entry = Entry.__table__
    entries = ctx.session.execute(
        select(*(entry.c[name] for name in attest_check.COLUMNS))
        .where(entry.c.professional_id == row.professional_id, entry.c.seq <= last)
        .order_by(entry.c.seq)).all()
    carried, _ = attest_check.rehash(row.professional_id, entries)
    claims["chain"]["entries"] = carried
    token = f"{kept['header']}.{payload(claims)}.{kept['signature']}"
    if hashlib.sha256(token.encode()).hexdigest() != kept["sha256"]:
        return None
    return token
