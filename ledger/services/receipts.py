"""Receipts of postings, and their JSON form without marshmallow.

A batch answers up to 1000 receipts that are already plain dicts; dumping them through
ReceiptsSchema cost more than deciding them. ``dump_receipts`` makes exactly what
``ReceiptsSchema().dump`` makes of the same values (tests/api/test_receipt_dump.py
compares the two), so the contract and openapi.yaml stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

REASON_KEYS = ("code", "message", "rule", "details")


def receipt(posting: Any, entry: Any | None, replayed: bool = False) -> dict[str, Any]:
    return {
        "external_id": posting.external_id,
        "posting_id": posting.id,
        "status": posting.status,
        "entry_id": entry.id if entry else None,
        "hours": str(entry.hours) if entry else None,
        "subject": entry.subject if entry else None,
        "year": entry.year if entry else None,
        "reasons": posting.reasons,
        "notes": posting.notes or [],
        "policy": posting.policy,
        "replayed": replayed,
    }


def summary(receipts: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"credited": 0, "rejected": 0, "held": 0, "voided": 0, "replayed": 0}
    for r in receipts:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
        counts["replayed"] += r["replayed"]
    return counts


# --- what ReceiptsSchema().dump makes, field by field ----------------------------------
# A key absent from the value is absent from the dump; None stays None. String fields
# dump str(), strict Integer fields int(), Boolean bool(), a Dict without key or value
# fields a shallow copy, a Nested list each element through its schema.


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _dict(value: Any) -> dict[str, Any] | None:
    return None if value is None else dict(value)


def _reasons(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    out = []
    for reason in value:
        out.append({key: (_str(reason[key]) if key in ("code", "message")
                          else _dict(reason[key]))
                    for key in REASON_KEYS if key in reason})
    return out


_RECEIPT_FIELDS = (
    ("external_id", _str), ("posting_id", _int), ("status", _str), ("entry_id", _int),
    ("reversal_entry_id", _int), ("hours", _str), ("subject", _str), ("year", _int),
    ("reasons", _reasons), ("notes", _reasons), ("policy", _dict),
    ("replayed", lambda v: None if v is None else bool(v)),
)


def dump_receipt(value: Mapping[str, Any]) -> dict[str, Any]:
    """ReceiptSchema().dump(value), by hand."""
    return {key: convert(value[key]) for key, convert in _RECEIPT_FIELDS if key in value}


def dump_receipts(value: Mapping[str, Any]) -> dict[str, Any]:
    """ReceiptsSchema().dump(value), by hand."""
    out: dict[str, Any] = {}
    if "receipts" in value:
        out["receipts"] = (None if value["receipts"] is None
                           else [dump_receipt(r) for r in value["receipts"]])
    if "summary" in value:
        out["summary"] = (None if value["summary"] is None
                          else {str(k): _int(v) for k, v in value["summary"].items()})
    return out
