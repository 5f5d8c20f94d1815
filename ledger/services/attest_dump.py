"""A verification's answer in its JSON form, without marshmallow.

A committee's verification of a professional with 10,000 entries lists every entry of
the years under review; AttestedVerificationSchema took longer to dump them than the
ledger took to read, check and sign them. ``dump_verification`` makes exactly what
``AttestedVerificationSchema().dump`` makes of the same values
(tests/api/test_attestation_dump.py compares the two), so the contract and openapi.yaml
stay as they are. As there: a key absent from the value is absent from the dump, None
stays None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .compact_json import PlainDict
from .receipts import _dict, _int, _str

Spec = tuple[tuple[str, Callable[[Any], Any]], ...]


class Dumped(PlainDict):
    """A report entry already in the form ENTRY dumps it (hours and instants as strings,
    made in attest_pass's one pass over the chain): passed through as it is."""


def _decimal(value: Any) -> str | None:  # fields.Decimal(as_string=True)
    return None if value is None else format(Decimal(str(value)), "f")


dumped_decimal = _decimal


def _iso(value: Any) -> str | None:  # fields.DateTime() and fields.Date()
    return None if value is None else value.isoformat()


def _bool(value: Any) -> Any:  # fields.Boolean dumps the value as it is
    return value


def _nested(spec: Spec) -> Callable[[Any], Any]:
    def dump(value: Any) -> Any:
        if value is None:
            return None
        return {key: convert(value[key]) for key, convert in spec if key in value}
    return dump


def _many(spec: Spec) -> Callable[[Any], Any]:
    one = _nested(spec)
    return lambda values: None if values is None else [one(v) for v in values]


_project = dump_project = _nested((("id", _int), ("title", _str), ("start_on", _iso),
                                  ("end_on", _iso)))
_base = dump_base = _nested((("id", _int), ("name", _str), ("registry_number", _str)))
ENTRY: Spec = (
    ("id", _int), ("seq", _int), ("kind", _str), ("hours", _decimal), ("subject", _str),
    ("year", _int), ("posting_id", _int), ("reverses_id", _int), ("reason", _str),
    ("policy_version", _str), ("created_at", _iso), ("project", _project), ("base", _base),
    ("hash", _str),
)
_ENTRY_KEYS = frozenset(key for key, _ in ENTRY)
_generic_entry = _nested(ENTRY)


def _entry(e: Any) -> Any:
    """One entry as ENTRY dumps it; inline when every key is there (as the report makes
    them: 10,000 of these are most of the work)."""
    if type(e) is Dumped:
        return e
    if e is None or e.keys() != _ENTRY_KEYS:
        return _generic_entry(e)
    project, base = e["project"], e["base"]
    return {
        "id": _int(e["id"]), "seq": _int(e["seq"]), "kind": _str(e["kind"]),
        "hours": _decimal(e["hours"]), "subject": _str(e["subject"]), "year": _int(e["year"]),
        "posting_id": _int(e["posting_id"]), "reverses_id": _int(e["reverses_id"]),
        "reason": _str(e["reason"]), "policy_version": _str(e["policy_version"]),
        "created_at": _iso(e["created_at"]), "project": _project(project),
        "base": _base(base), "hash": _str(e["hash"]),
    }


COMPLIANCE: Spec = (
    ("met", _bool), ("required_total", _decimal), ("required_professional", _decimal),
    ("shortfall_total", _decimal), ("shortfall_professional", _decimal),
    ("policy", _dict), ("rule", _dict),
)
YEAR: Spec = (
    ("year", _int), ("public", _decimal), ("professional", _decimal), ("total", _decimal),
    ("compliance", _nested(COMPLIANCE)),
    ("entries", lambda values: None if values is None else [_entry(e) for e in values]),
)
CHECKPOINT: Spec = (("size", _int), ("root_hash", _str), ("time", _str))
REPORT: Spec = (
    ("professional", _nested((("id_masked", _str), ("name", _str),
                              ("jurisdiction", _str)))),
    ("years", _many(YEAR)),
    ("chain", _nested((("length", _int), ("head_seq", _int), ("head_hash", _str),
                       ("intact", _bool)))),
    ("verified_at", _iso),
    ("verified_by", _nested((("client_id", _str), ("name", _str), ("jurisdiction", _str)))),
    ("purpose", _str), ("year_from", _int), ("year_to", _int),
    ("checkpoint", _nested(CHECKPOINT)),
)
VERIFICATION: Spec = (
    ("report", _nested(REPORT)), ("attestation", _str), ("verification_code", _str),
    ("checkpoint", _nested(CHECKPOINT)),
)


def dump_verification(value: Mapping[str, Any]) -> dict[str, Any]:
    """AttestedVerificationSchema().dump(value), by hand."""
    return _nested(VERIFICATION)(value)
