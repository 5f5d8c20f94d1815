"""Check a Xueshi Ledger attestation offline, trusting nothing but the ledger's public keys.

    python -m ledger.verify_attestation ATTESTATION --jwks jwks.json

ATTESTATION is a file holding the JWS (or the JSON answer of POST /v1/verifications);
jwks.json is the ledger's published key set (GET /.well-known/jwks.json), kept by the
committee. This file needs only the standard library and ``cryptography`` and imports
nothing else of the ledger: it can be copied and run alone. It checks

1. the JWS signature (EdDSA, Ed25519) with the key named by its ``kid``;
2. the checkpoint's C2SP signed note with a key of the same set, and that it states the
   attested tree size and root;
3. the chain: the attestation (``format`` 2) carries every entry of the professional's
   chain, seq 1..n, with the fields its hash covers; the hashes are recomputed here from
   seq 1 (each covers the one before), and the last must be the hash in the chain HEAD's
   leaf, whose RFC 9162 inclusion proof is checked against that root. One proof thus
   proves every entry: change, drop, add or reorder one and the recomputed head differs.
   (A format-1 attestation, issued before, carries each entry's leaf and proof instead;
   each proof is checked and the chain links followed, as then.) And
4. that the attested totals per year and subject are the sums of those entries.

What the proofs do not cover: an entry's ``id`` (not among the fields its hash covers;
only the head's is in its leaf), and entries the ledger recorded after the checkpoint.

It fails closed: any check that cannot be made is a failure, and it prints VALID and
exits 0 only when every check passed (exit 1: invalid, exit 2: could not be read).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = "0" * 64
# journal.HASHED_FIELDS: what an entry's hash covers, in this order.
HASHED_FIELDS = ("professional", "seq", "kind", "hours", "subject", "year", "posting",
                 "base", "project", "reverses", "policy_version", "reason", "created_at")
# What a format-2 attestation carries of each entry (its professional is the claims').
CARRIED = ("id", *HASHED_FIELDS[1:])
SIG_PREFIX = "\u2014 "


class Failed(Exception):
    """A check that did not pass (or could not be made)."""


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ed25519_ok(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_keys(jwks: dict[str, Any]) -> dict[str, bytes]:
    keys = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and jwk.get("kid"):
            raw = b64url(jwk["x"])
            if len(raw) == 32:
                keys[jwk["kid"]] = raw
    if not keys:
        raise Failed("the JWKS holds no Ed25519 key")
    return keys


def check_jws(token: str, keys: dict[str, bytes]) -> dict[str, Any]:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise Failed("the attestation is not a compact JWS")
    header = json.loads(b64url(parts[0]))
    if header.get("alg") != "EdDSA":
        raise Failed(f"the algorithm is {header.get('alg')!r}, not EdDSA")
    public = keys.get(header.get("kid"))
    if public is None:
        raise Failed(f"no key {header.get('kid')!r} in the JWKS")
    if not ed25519_ok(public, f"{parts[0]}.{parts[1]}".encode(), b64url(parts[2])):
        raise Failed("the signature does not verify")
    return json.loads(b64url(parts[1]))


def check_checkpoint(note: str, keys: dict[str, bytes]) -> tuple[str, int, bytes]:
    """The (origin, size, root) of a C2SP checkpoint signed by one of the keys."""
    text, sep, signatures = note.partition("\n\n")
    lines = text.split("\n")
    if not sep or len(lines) < 3 or not lines[1].isdigit():
        raise Failed("the checkpoint is not a signed note")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    message = (text + "\n").encode()
    for line in signatures.split("\n"):
        if not line.startswith(SIG_PREFIX):
            continue
        name, _, blob = line.removeprefix(SIG_PREFIX).rpartition(" ")
        raw = base64.b64decode(blob, validate=True)
        for public in keys.values():
            key_id = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
            if name == origin and raw[:4] == key_id and ed25519_ok(public, message, raw[4:]):
                return origin, size, root
    raise Failed("no signature on the checkpoint verifies with the JWKS")


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def included(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def check_entries(claims: dict[str, Any], size: int, root: bytes) -> list[dict[str, Any]]:
    rows = []
    for item in claims["entries"]:
        data = item["data"].encode()
        leaf = hashlib.sha256(b"\x00" + data).digest()
        path = [bytes.fromhex(h) for h in item["path"]]
        if not included(int(item["index"]), size, leaf, path, root):
            raise Failed(f"leaf {item['index']} is not in the checkpoint's tree")
        body = json.loads(data)
        if body.get("leaf") != "entry":
            raise Failed(f"leaf {item['index']} is not a journal entry")
        rows.append(body["row"])
    rows.sort(key=lambda r: r["seq"])
    prev = GENESIS
    for expected, row in enumerate(rows, start=1):
        if row["professional_id"] != claims["professional_id"]:
            raise Failed(f"entry {row['id']} belongs to another professional")
        if row["seq"] != expected or row["prev_hash"] != prev:
            raise Failed(f"the chain is broken at seq {expected}: an entry is missing")
        prev = row["hash"]
    return rows


def entry_hash(prev_hash: str, body: dict[str, str | None]) -> str:
    """journal.entry_hash over fields already in their canonical forms."""
    payload = json.dumps([prev_hash, body], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def check_chain(claims: dict[str, Any], size: int, root: bytes) -> list[dict[str, Any]]:
    """Format 2: recompute the chain from seq 1; its last hash must be the proven head's."""
    chain = claims["chain"]
    if chain["fields"] != list(CARRIED):
        raise Failed("the entries are carried in a form this checker does not know")
    person = claims["professional_id"]
    if type(person) is not int:
        raise Failed("the attestation names no professional id")
    rows, prev = [], GENESIS
    for expected, values in enumerate(chain["entries"], start=1):
        if len(values) != len(CARRIED):
            raise Failed(f"entry {expected} does not carry every field")
        row = dict(zip(CARRIED, values, strict=True))
        if any(v is not None and type(v) is not str for v in values[1:]):
            raise Failed(f"entry {expected} carries a field that is not in canonical form")
        if row["seq"] != str(expected):
            raise Failed(f"the chain is broken at seq {expected}: an entry is missing")
        prev = entry_hash(prev, {"professional": str(person),
                                 **{name: row[name] for name in HASHED_FIELDS[1:]}})
        rows.append({**row, "seq": expected, "year": int(row["year"]), "hash": prev})
    head = chain["head"]
    if head is None:
        if rows:
            raise Failed("the chain has entries but no proven head")
        return rows
    data = head["data"].encode()
    path = [bytes.fromhex(h) for h in head["path"]]
    if not included(int(head["index"]), size, hashlib.sha256(b"\x00" + data).digest(), path,
                    root):
        raise Failed(f"the chain's head, leaf {head['index']}, is not in the checkpoint's tree")
    logged = json.loads(data)
    if logged.get("leaf") != "entry":
        raise Failed(f"leaf {head['index']} is not a journal entry")
    logged = logged["row"]
    if logged["professional_id"] != person:
        raise Failed("the chain's head belongs to another professional")
    if not rows or logged["seq"] != len(rows) or logged["id"] != rows[-1]["id"]:
        raise Failed("the entries do not end at the proven head: an entry was dropped or added")
    if logged["hash"] != prev:
        raise Failed("the entries do not hash to the proven head: an entry was changed, "
                     "dropped or reordered")
    return rows


def check_totals(claims: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    for year in claims["years"]:
        these = [r for r in rows if r["year"] == year["year"]]
        for subject in ("public", "professional"):
            total = sum((Decimal(r["hours"]) for r in these if r["subject"] == subject),
                        Decimal(0))
            if total != Decimal(year[subject]):
                raise Failed(f"{year['year']} {subject}: the entries sum to {total}, "
                             f"the attestation says {year[subject]}")
        if Decimal(year["total"]) != Decimal(year["public"]) + Decimal(year["professional"]):
            raise Failed(f"{year['year']}: the total is not public + professional")
    attested = {y["year"] for y in claims["years"]}
    wanted = set(range(claims["year_from"], claims["year_to"] + 1))
    if attested != wanted:
        raise Failed("the attestation does not state every year it covers")


def verify(token: str, jwks: dict[str, Any]) -> list[str]:
    """Run every check; return what passed. Raises Failed at the first that does not."""
    keys = load_keys(jwks)
    claims = check_jws(token, keys)
    done = [f"signature: EdDSA by key {json.loads(b64url(token.split('.')[0]))['kid']}"]
    cp = claims["checkpoint"]
    origin, size, root = check_checkpoint(cp["note"], keys)
    if size != cp["size"] or root.hex() != cp["root_hash"] or origin != claims["iss"]:
        raise Failed("the signed checkpoint is not the one the attestation names")
    done.append(f"checkpoint: {origin} size {size} root {root.hex()} (signed note verifies)")
    form = claims.get("format", 1 if "entries" in claims else None)
    if form == 2:
        rows = check_chain(claims, size, root)
        head = claims["chain"]["head"]
        through = f" (through the head, leaf {head['index']})" if head else ""
    elif form == 1:
        rows, through = check_entries(claims, size, root), " (each by its own proof)"
    else:
        raise Failed(f"attestation format {form!r} is not one this checker knows")
    done.append(f"inclusion: {len(rows)} entries proven in the tree, chain unbroken{through}")
    check_totals(claims, rows)
    done.append("totals: " + "; ".join(f"{y['year']} {y['total']} (公需 {y['public']}, "
                                       f"专业 {y['professional']})" for y in claims["years"]))
    done.append(f"professional: {claims['sub']} {claims.get('name', '')}; "
                f"code {claims['verification_code']}")
    return done


def _read_token(path: Path) -> str:
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("{"):
        return json.loads(text)["attestation"]
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("attestation", type=Path)
    parser.add_argument("--jwks", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        token = _read_token(args.attestation)
        jwks = json.loads(args.jwks.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        print(f"NOT VERIFIED: could not read the input: {exc}")
        return 2
    try:
        for line in verify(token, jwks):
            print(f"ok  {line}")
    except Failed as exc:
        print(f"NOT VALID: {exc}")
        return 1
    except (ValueError, KeyError, TypeError, IndexError, InvalidOperation) as exc:
        # Anything malformed is a failure, never a pass.
        print(f"NOT VALID: the attestation could not be checked ({type(exc).__name__}: {exc})")
        return 1
    print("VALID")
    return 0


if __name__ == "__main__":
    sys.exit(main())
