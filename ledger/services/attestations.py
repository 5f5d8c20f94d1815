"""Attestations anyone can check: a signed statement of a professional's hours, resting
on a signed checkpoint of the Merkle log, with the inclusion proof of the chain's head.

The attestation is a compact JWS (EdDSA, ``kid``, ``typ: verification+jwt``) whose claims
(``format`` 2) carry the years' totals, the checkpoint's signed note, every entry of the
professional's chain up to the last one in that checkpoint (its id and hashed fields),
and that last entry's leaf data and audit path. A verifier with only the JWKS
(``python -m ledger.verify_attestation``) re-checks the signature, the checkpoint, the
head's proof, recomputes the chain from seq 1 up to the proven head, and the totals.
Nothing is signed for a professional whose records fail the integrity check.
"""

from __future__ import annotations

import json
import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from .. import checkpoint, identity, leaves, merkle
from ..actors import Actor, Role
from ..errors import Conflict, Invalid, NotFound
from ..store import AccessLog, Attestation, Entry, LogCheckpoint, Professional
from . import asof, attest_check, attest_store, grants, log, tree
from .attest_store import b64url, b64url_decode
from .context import Context, unit_of_work
from .keyset import ed25519_verify
from .reading import Years, _who, year_summary

TYP = "verification+jwt"
# 1: every entry's leaf and audit path. 2: every entry's hashed fields and the chain
# head's one leaf and path (ledger/services/attest_check.py). The checker reads both.
FORMAT = 2
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_code() -> str:
    """A short code a person can type: 12 Crockford characters (60 bits), in threes of 4."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def sign_jws(signer: Any, claims: dict[str, Any]) -> str:
    header = {"alg": "EdDSA", "kid": signer.kid, "typ": TYP}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + attest_store.payload(claims))
    return signing_input + "." + b64url(signer.sign(signing_input.encode()))


def read_jws(signer: Any, token: str) -> dict[str, Any] | None:
    """The claims of a JWS signed by any key the ledger ever published; None otherwise."""
    try:
        head, body, sig = token.split(".")
        header = json.loads(b64url_decode(head))
        public = signer.public_keys().get(header.get("kid"))
        if (header.get("alg") != "EdDSA" or public is None
                or not ed25519_verify(public, f"{head}.{body}".encode(), b64url_decode(sig))):
            return None
        return json.loads(b64url_decode(body))
    except (ValueError, TypeError):
        return None


def _checkpoint_view(head: LogCheckpoint) -> dict[str, Any]:
    return {"size": head.size, "root_hash": head.root_hash,
            "time": head.sealed_at.isoformat()}


def _reach(ctx: Context, actor: Actor, professional_id: int) -> Professional:
    person = ctx.session.get(Professional, professional_id)
    if actor.role is Role.PROFESSIONAL:
        if person is None or actor.professional_id != professional_id:
            raise NotFound("no such professional", code="professional_not_found")
        return person
    actor.require(Role.COMMITTEE)
    # Its jurisdiction, or a live grant from the professional (i9-pages, grants.py).
    if person is None or not grants.may_read(ctx, actor, person):
        raise NotFound("no professional with that ID in your jurisdiction",
                       code="professional_not_found")
    return person


@unit_of_work()
def _issue(ctx: Context, actor: Actor, professional_id: int, years: Years,
           purpose: str, public_url: str, as_of: str | None) -> dict[str, Any]:
    person = _reach(ctx, actor, professional_id)
    head = asof.resolve(ctx, as_of) if as_of else log.latest(ctx)
    if head is None:
        raise Conflict("the log has no checkpoint yet", code="log_not_sealed")
    checked = attest_check.check(ctx, person, head, sealed_all=not as_of,
                                 years=(years.first, years.last))
    now = ctx.now()
    made = checked.report
    assert made is not None  # asked for with the years
    summaries = [year_summary(ctx, person, year, made.sums[year]["public"],
                              made.sums[year]["professional"], made.entries[year])
                 for year in range(years.first, years.last + 1)]
    code = new_code()
    report = {
        "professional": _who(person), "years": summaries, "chain": attest_check.chain(checked),
        "verified_at": now, "verified_by": {"client_id": actor.subject, "name": actor.name,
                                            "jurisdiction": actor.jurisdiction},
        "purpose": purpose, "year_from": years.first, "year_to": years.last,
        "checkpoint": _checkpoint_view(head),
    }
    claims = {
        "iss": ctx.signer.origin, "iat": int(now.timestamp()), "jti": code, "format": FORMAT,
        "verification_code": code, "verify_url": f"{public_url}/verify/{code}",
        "sub": person.id_masked, "name": person.name, "professional_id": person.id,
        "purpose": purpose, "year_from": years.first, "year_to": years.last,
        "years": [{"year": y["year"], "public": str(y["public"]),
                   "professional": str(y["professional"]), "total": str(y["total"])}
                  for y in summaries],
        "checkpoint": {**_checkpoint_view(head), "origin": ctx.signer.origin,
                       "note": head.note},
        "proofs_url": f"{public_url}/v1/log/proofs/inclusion?size={head.size}&index=",
        # Every entry of the chain up to its head, whatever its year: a reversal in another
        # year still changes nothing unseen, and the chain recomputes only from seq 1.
        "chain": {"fields": list(attest_check.CARRIED), "entries": checked.carried,
                  "head": checked.head},
    }
    jws = sign_jws(ctx.signer, claims)
    ctx.session.add(Attestation(
        code=code, professional_id=person.id, year_from=years.first, year_to=years.last,
        purpose=purpose, issued_at=now, issued_by=actor.client_pk, checkpoint_size=head.size,
        entry_ids=made.ids, jws=attest_store.stored_form(jws, claims)))
    if actor.role is not Role.PROFESSIONAL:
        ctx.session.add(AccessLog(
            professional_id=person.id, client_id=actor.client_pk,
            accessor_role=str(actor.role), accessor_name=actor.name, purpose=purpose,
            detail={"kind": "verification", "year_from": years.first,
                    "year_to": years.last, "attestation": code}, at=now))
    ctx.session.flush()
    return {"report": report, "attestation": jws, "verification_code": code,
            "checkpoint": _checkpoint_view(head)}


def issue_attestation(ctx: Context, actor: Actor, *, professional_id: int, year_from: int,
                      year_to: int, purpose: str, public_url: str | None = None,
                      as_of: str | None = None) -> dict[str, Any]:
    """The one way an attestation is made (committee verification, 学时证明).

    Seals waiting leaves first, so the attestation rests on a checkpoint holding every
    entry so far; with ``as_of`` (a checkpoint size or a time) it states what the ledger
    said at that checkpoint instead. Raises Conflict(record_integrity_failed) — and signs
    nothing — when the professional's records fail the integrity check. Logs the access
    unless the actor is the professional themself.
    """
    if ctx.signer is None:
        raise Invalid("the ledger has no signing key", code="no_signing_key")
    years = Years(year_from, year_to)
    _reach(ctx, actor, professional_id)  # before sealing: nobody learns what they may not
    try:
        log.seal(ctx)
    except Conflict as exc:
        raise Conflict("the log fails its integrity check; nothing was signed",
                       code="record_integrity_failed", findings=[exc.message]) from exc
    return _issue(ctx, actor, professional_id, years, purpose,
                  (public_url or ctx.public_url).rstrip("/"), as_of)


def attest_by_identity(ctx: Context, actor: Actor, *, id_number: str, name: str,
                       year_from: int, year_to: int, purpose: str,
                       public_url: str | None = None,
                       as_of: str | None = None) -> dict[str, Any]:
    """A committee's verification: the professional found by ID number and name."""
    actor.require(Role.COMMITTEE)
    person = ctx.session.scalar(select(Professional).where(
        Professional.id_hash == identity.keyed_hash(id_number, ctx.id_key)))
    if person is None or person.name != name.strip():
        raise NotFound("no professional with that ID number and name in your jurisdiction",
                       code="professional_not_found")
    return issue_attestation(ctx, actor, professional_id=person.id, year_from=year_from,
                             year_to=year_to, purpose=purpose, public_url=public_url,
                             as_of=as_of)


def check_attestation(ctx: Context, code: str) -> dict[str, Any]:
    """Public: is the attestation with this code genuine, and is it still true now?

    Genuine: its signature verifies with a published key, its checkpoint's signature
    verifies, and the log today still holds that checkpoint's tree. Still true: today's
    totals for its years equal the attested ones; ``reversed_since`` names each attested
    credit reversed after it was issued.
    """
    row = ctx.session.scalar(select(Attestation).where(
        Attestation.code == code.strip().upper()))
    if row is None:
        raise NotFound("no attestation with that code", code="attestation_not_found")
    token = attest_store.token_of(ctx, row)
    claims = (read_jws(ctx.signer, token) if token else None) or {}
    genuine = bool(claims) and claims.get("verification_code") == row.code
    head = ctx.session.scalar(select(LogCheckpoint).where(
        LogCheckpoint.size == row.checkpoint_size))
    if genuine:
        genuine = _rests_on_log(ctx, claims, head)
    person = ctx.session.get(Professional, row.professional_id)
    years = Years(row.year_from, row.year_to)
    current = list(ctx.session.scalars(select(Entry).where(
        Entry.professional_id == row.professional_id,
        Entry.year.between(years.first, years.last))))
    now_years = _totals(current, years)
    attested = claims.get("years") or []
    still_true = genuine and [(y["year"], Decimal(y["total"])) for y in attested] == [
        (y["year"], y["total"]) for y in now_years]
    reversals = list(ctx.session.scalars(select(Entry).where(
        Entry.reverses_id.in_(row.entry_ids or [-1])).order_by(Entry.id)))
    reversed_since = [{"entry_id": r.reverses_id, "hours": -r.hours, "year": r.year,
                       "reason": r.reason, "at": r.created_at}
                      for r in reversals if r.id not in set(row.entry_ids)]
    return {
        "code": row.code, "genuine": genuine, "still_true": bool(still_true),
        "issued_at": row.issued_at,
        "professional": {"id_masked": person.id_masked if person else None,
                         "name": person.name if person else None},
        "years": attested,
        "checkpoint": _checkpoint_view(head) if head else
        {"size": row.checkpoint_size, "root_hash": None, "time": None},
        "reversed_since": reversed_since,
    }


def _totals(entries: list[Entry], years: Years) -> list[dict[str, Any]]:
    out = []
    for year in range(years.first, years.last + 1):
        rows = [e for e in entries if e.year == year]
        out.append({"year": year, "total": sum((e.hours for e in rows), Decimal("0.0"))})
    return out


def _proven_leaves(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """The leaves an attestation proves: the chain head (format 2), or every entry (1)."""
    chain = claims.get("chain")
    if isinstance(chain, dict):
        return [chain["head"]] if chain.get("head") else []
    return claims.get("entries", [])


def _rests_on_log(ctx: Context, claims: dict[str, Any], head: LogCheckpoint | None) -> bool:
    if head is None or claims.get("checkpoint", {}).get("root_hash") != head.root_hash:
        return False
    try:
        checkpoint.verify(claims["checkpoint"]["note"], ctx.signer.note_keys(), ed25519_verify)
        hashes = tree.Tree(ctx, head.size)
        if hashes.root() != bytes.fromhex(head.root_hash):
            return False
        return all(entry["index"] < head.size
                   and hashes.leaf(entry["index"]) == merkle.leaf_hash(entry["data"].encode())
                   and leaves.decode(entry["data"])["leaf"] == "entry"
                   for entry in _proven_leaves(claims))
    except (checkpoint.CheckpointError, Conflict, KeyError, ValueError):
        return False
