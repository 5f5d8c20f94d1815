"""compact_json.dumps makes, for any value, the bytes json.dumps(ensure_ascii=False,
compact, default=str) makes: a JWS payload is signed over them and re-made to re-serve a
stored attestation (attest_store.token_of), so the encoder may not change one byte."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.services import compact_json
from ledger.services.compact_json import PlainDict, PlainList


class Colour(enum.Enum):
    RED = 1


def json_bytes(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode()


leaf = (st.none() | st.booleans() | st.integers() | st.text()
        | st.floats(allow_nan=False) | st.decimals(allow_nan=False, places=2)
        | st.datetimes(timezones=st.just(UTC)) | st.just(Colour.RED)
        | st.integers(-2**63, 2**64 - 1))
values = st.recursive(leaf, lambda inner: (
    st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    | st.dictionaries(st.integers(0, 9), inner, max_size=2)), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_bytes_are_jsons(value):
    assert compact_json.dumps(value) == json_bytes(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.integers(-2**63, 2**63 - 1) | st.text(), max_size=13),
       st.dictionaries(st.text(max_size=6), st.none() | st.integers(0, 10**9) | st.text(),
                       max_size=14))
def test_the_trusted_shapes_are_jsons_too(row, entry):
    """What the one pass makes (carried rows, dumped entries) is taken as it is; for what
    it may hold, orjson and json agree, control characters and all."""
    value = {"entries": [PlainList(row)], "report": [PlainDict(entry)]}
    assert compact_json.dumps(value) == json_bytes(value)


def test_a_claims_like_value_is_the_same_and_not_through_json_alone():
    claims = {"iat": 1, "name": "张三\u2028\n\x01\"\\/", "years": [{"total": str(Decimal("24.0"))}],
              "at": datetime(2025, 1, 1, tzinfo=UTC), "chain": {"entries": [PlainList([1, None])]}}
    assert compact_json.dumps(claims) == json_bytes(claims)
    assert compact_json.orjson is not None  # the runtime dependency is there
