"""The journal's hash chain: each professional's entries link to the one before.

An entry's hash covers its own content and its predecessor's hash, so a committee that
kept a verification's chain head can later re-check that nothing before it changed.
Chains are per professional: writes for different people never contend.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from .canonical import form

GENESIS = "0" * 64

# The fields an entry's hash covers, in a fixed order.
HASHED_FIELDS = ("professional", "seq", "kind", "hours", "subject", "year", "posting",
                 "base", "project", "reverses", "policy_version", "reason", "created_at")


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash over each field's canonical form (ledger/canonical.py), so the value read
    back from either database hashes as the value written did."""
    body = {name: form(fields.get(name)) for name in HASHED_FIELDS}
    payload = json.dumps([prev_hash, body], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def verify_chain(entries: Iterable[Mapping[str, Any]]) -> bool:
    """Whether entries (in seq order, each with prev_hash and hash) form an unbroken chain."""
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        if entry["seq"] != expected_seq or entry["prev_hash"] != prev:
            return False
        if entry_hash(prev, entry) != entry["hash"]:
            return False
        prev = entry["hash"]
    return True
