"""The journal's hash chain: each professional's entries link to the one before.

An entry's hash covers its own content and its predecessor's hash, so a committee that
kept a verification's chain head can later re-check that nothing before it changed.
Chains are per professional: writes for different people never contend.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .canonical import form

GENESIS = "0" * 64

# The fields an entry's hash covers, in a fixed order.
HASHED_FIELDS = ("professional", "seq", "kind", "hours", "subject", "year", "posting",
                 "base", "project", "reverses", "policy_version", "reason", "created_at")

# What the hash covers is the UTF-8 of
#   json.dumps([prev_hash, {name: form(value) for name in HASHED_FIELDS}],
#              ensure_ascii=False, separators=(",", ":"))
# Building that text through dicts and the generic encoder was most of a bulk
# revocation's Python time, so it is assembled here directly: the keys are fixed ASCII,
# each value is JSON-quoted by the encoder json.dumps itself uses for str with
# ensure_ascii=False. tests/unit/test_journal_fast_hash.py holds the json.dumps form
# and checks the two agree for every input.
_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
_KEYS = tuple(f'"{name}":' for name in HASHED_FIELDS)


def value_json(value: object) -> str:
    """The JSON text of one field's canonical form (``form``), as the hash covers it."""
    kind = type(value)
    if kind is int:  # exactly int: bool (and any subclass) go through form()
        return f'"{value}"'
    if value is None:
        return "null"
    if kind is str and value.isascii():  # ASCII is already NFC
        return _quote(value)
    if kind is Decimal:
        return f'"{form(value)}"'  # digits, sign and a point: nothing to escape
    return _quote(form(value))


def payload(prev_hash: str, values: Iterable[str]) -> str:
    """The hashed text, from the JSON of each field's value in HASHED_FIELDS order."""
    body = ",".join(key + value for key, value in zip(_KEYS, values, strict=True))
    prev = (_quote(prev_hash) if type(prev_hash) is str
            else json.dumps(prev_hash, ensure_ascii=False, separators=(",", ":")))
    return f"[{prev},{{{body}}}]"


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash over each field's canonical form (ledger/canonical.py), so the value read
    back from either database hashes as the value written did."""
    get = fields.get
    text = payload(prev_hash, [value_json(get(name)) for name in HASHED_FIELDS])
    return hashlib.sha256(text.encode()).hexdigest()


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
