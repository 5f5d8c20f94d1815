"""journal.entry_hash builds its text directly; it must hash exactly the bytes of the
json.dumps form it replaced (kept here as the reference), for every input."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ledger.canonical import form
from ledger.journal import GENESIS, HASHED_FIELDS, entry_hash


def reference_hash(prev_hash: Any, fields: Mapping[str, Any]) -> str:
    """The original implementation, verbatim: the definition of an entry's hash."""
    body = {name: form(fields.get(name)) for name in HASHED_FIELDS}
    payload = json.dumps([prev_hash, body], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def outcome(function, prev: Any, fields: Mapping[str, Any]) -> tuple[str, str]:
    try:
        return ("hash", function(prev, fields))
    except Exception as exc:  # the same refusal (NotCanonical, UnicodeEncodeError ...)
        return ("error", type(exc).__name__)


any_text = st.text(st.characters(codec=None, categories=None), max_size=12)
values = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), any_text,
    st.sampled_from(["只收费不培训", "e\u0301", "tab\there", 'quote"back\\slash', "\x00\x1f",
                     "\u2028", "\ud800", " padded "]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-9999, max_value=9999, places=1),
    st.dates(), st.datetimes(timezones=st.none() | st.sampled_from(
        [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-3, minutes=-30))])),
    st.floats(allow_nan=False),
)
field_maps = st.dictionaries(st.sampled_from(HASHED_FIELDS), values)
prev_hashes = st.one_of(st.just(GENESIS), st.text(alphabet="0123456789abcdef", min_size=64,
                                                  max_size=64), any_text)


@settings(max_examples=1500)
@given(prev_hashes, field_maps)
@example(GENESIS, {})
@example("f" * 64, {"professional": 7, "seq": 2, "kind": "reversal", "hours": Decimal("-6.0"),
                    "subject": "专业科目", "year": 2025, "posting": 3, "base": 1, "project": 4,
                    "reverses": 9, "policy_version": "370300@2025", "reason": "只收费不培训",
                    "created_at": datetime(2025, 7, 3, 2, tzinfo=UTC)})
@example(GENESIS, {"hours": Decimal("6"), "year": True, "seq": date(2025, 1, 1)})
def test_the_fast_hash_is_the_reference_hash_for_every_input(prev, fields):
    assert outcome(entry_hash, prev, fields) == outcome(reference_hash, prev, fields)


def test_a_typical_reversal_hashes_as_before():
    fields = {"professional": 7, "seq": 2, "kind": "reversal", "hours": Decimal("-6.0"),
              "subject": "公需科目", "year": 2025, "posting": 3, "base": 1, "project": None,
              "reverses": 9, "policy_version": "370300@2025", "reason": "e\u0301",
              "created_at": datetime(2025, 7, 3, 10, tzinfo=timezone(timedelta(hours=8)))}
    assert entry_hash(GENESIS, fields) == reference_hash(GENESIS, fields)
    assert entry_hash(GENESIS, fields) != entry_hash(GENESIS, {**fields, "seq": 3})
