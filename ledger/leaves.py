"""The canonical encoding of the log's leaves: what each leaf of the Merkle tree says.

A leaf's data is UTF-8 JSON with sorted keys and no insignificant whitespace::

    {"leaf":"entry","row":{...},"v":1}

``leaf`` names what the row is, ``v`` the version of its field list, ``row`` the fields
below (every one present, ``null`` when empty). Values are normalised so that both
databases encode a row alike: decimals without trailing zeros ("24" for 24.0),
datetimes in UTC ISO 8601 with an offset, dates ISO 8601, ids and counts as integers.
The leaf hash is ``SHA-256(0x00 || data)`` (RFC 9162). A new field is a new version:
old leaves keep verifying under the field list they were written with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from .merkle import leaf_hash

# What each kind of leaf covers, per version. New leaves use a kind's latest version;
# adding a column to a covered table (e.g. a standing event's document number) means
# adding version 2 of its list here, never editing version 1.
FIELDS: dict[str, dict[int, tuple[str, ...]]] = {
    # A journal entry: a credit or a reversal, with its place in the professional's chain.
    "entry": {1: ("id", "professional_id", "seq", "kind", "hours", "subject", "year",
                  "posting_id", "base_id", "project_id", "reverses_id", "policy_version",
                  "reason", "created_at", "prev_hash", "hash")},
    # A base's standing event (recognised, suspended, revoked ...).
    "standing_event": {1: ("id", "base_id", "type", "effective_on", "due_on", "void_from",
                           "term_end", "misconduct", "reason", "recorded_at", "recorded_by",
                           "recorded_by_job"),
                       # A decision entered late names its document (文号) and basis.
                       2: ("id", "base_id", "type", "effective_on", "due_on", "void_from",
                           "term_end", "misconduct", "reason", "recorded_at", "recorded_by",
                           "recorded_by_job", "document_number", "basis")},
    # A project's filing as submitted (its decision is a leaf of its own).
    "filing": {1: ("id", "base_id", "title", "subject", "field", "mode", "start_on",
                   "end_on", "hours", "fee", "capacity", "plan_year", "submitted_at",
                   "submitted_on")},
    # A regulator's decision on a filing: the latest one is the filing's status.
    "decision": {1: ("id", "status", "decided_at", "decided_by", "decision_note"),
                 # With the exception to a late one-off filing (威海 第十六条 一般应).
                 2: ("id", "status", "decided_at", "decided_by", "decision_note",
                     "lead_time_exception", "lead_time_exception_reason",
                     "lead_time_exception_on")},
    # An identity binding: this professional id is this keyed ID hash, masked ID and name.
    # A re-key of the ID hashes appends a new binding for each professional; the latest
    # binding is the one in force.
    "professional": {1: ("id", "id_hash", "id_masked", "name")},
    # A regulator's decision on a base's scope (常州 第四条 培训权限): it decides credit.
    "scope_grant": {1: ("id", "base_id", "effective_on", "subjects", "district_only",
                        "reason", "document_number", "recorded_at", "recorded_by")},
}
KINDS = tuple(FIELDS)


_PLAIN = frozenset({str, int, bool, type(None)})


def normalise(value: Any) -> Any:
    if type(value) in _PLAIN:  # most fields of most rows: one set lookup
        return value
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be encoded")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__} in a leaf")


def encode(kind: str, row: Mapping[str, Any] | Any, version: int | None = None) -> bytes:
    """The leaf data for a row (a mapping or an object with the fields as attributes),
    under ``version`` of the kind's field list (default: its latest)."""
    version = max(FIELDS[kind]) if version is None else version
    head, keys, fields = _LAYOUT[kind, version]
    if isinstance(row, Mapping):
        get = row.get
        values = [get(f) for f in fields]
    else:
        values = [getattr(row, f) for f in fields]
    # The text json.dumps(..., sort_keys=True) wrote, assembled directly: a batch of
    # 1000 completions encodes 2000 leaves, and building a dict of normalised values
    # for the generic encoder was most of their cost. tests/property/
    # test_leaf_encode_reference.py holds the plain definition and checks every input.
    body = ",".join([key + _json(value) for key, value in zip(keys, values, strict=True)])
    return f'{head}{body}}},"v":{version}}}'.encode()


def _json(value: Any) -> str:
    """One normalised value's JSON, as the leaf encoder writes it."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return _quote(value)
    if value is None:
        return "null"
    value = normalise(value)
    if type(value) is str:  # a decimal or an instant, normalised
        return _quote(value)
    return _ENCODER.encode(value)  # anything else (bools, lists, maps) the generic way


# One encoder for every leaf: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
# What that encoder uses for a str with ensure_ascii=False (the C function).
_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
# Per (kind, version): the text up to the row's first key, each key's JSON with its
# colon, and the field names, all in the sorted order of the keys.
_LAYOUT: dict[tuple[str, int], tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    (kind, version): (f'{{"leaf":{_quote(kind)},"row":{{',
                      tuple(_quote(f) + ":" for f in sorted(fields)), tuple(sorted(fields)))
    for kind, versions in FIELDS.items() for version, fields in versions.items()}


def decode(data: bytes | str) -> dict[str, Any]:
    """A leaf's data as a dict (``leaf``, ``v``, ``row``); ValueError if it is not one."""
    body = json.loads(data)
    if (not isinstance(body, dict) or body.get("leaf") not in FIELDS
            or body.get("v") not in FIELDS[body["leaf"]] or not isinstance(body.get("row"), dict)):
        raise ValueError("not a leaf of this log")
    return body


def hash_hex(data: bytes) -> str:
    return leaf_hash(data).hex()


def differing(stored: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The fields whose values differ between two decoded rows."""
    return sorted(k for k in set(stored) | set(current) if stored.get(k) != current.get(k))
