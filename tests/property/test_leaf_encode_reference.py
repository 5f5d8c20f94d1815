"""leaves.encode, made faster for the ingest path (issue 12), writes byte for byte what
its first, plain definition wrote: any change would make old leaves stop verifying."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import leaves


def reference(kind: str, row: Any) -> bytes:
    version = max(leaves.FIELDS[kind])
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    body = {"leaf": kind, "v": version,
            "row": {f: leaves.normalise(get(f)) for f in leaves.FIELDS[kind][version]}}
    return json.dumps(body, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


value = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.datetimes(timezones=st.just(UTC), min_value=datetime(1990, 1, 1),
                 max_value=datetime(2100, 1, 1)),
    st.dates(), st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3))


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(leaves.KINDS), data=st.data(), as_object=st.booleans(),
       drop=st.integers(0, 3))
def test_encode_writes_what_the_plain_definition_wrote(kind, data, as_object, drop):
    fields = leaves.FIELDS[kind][max(leaves.FIELDS[kind])]
    row = {f: data.draw(value, label=f) for f in fields}
    if as_object:
        subject: Any = SimpleNamespace(**row)
    else:
        for name in fields[:drop]:
            row.pop(name)  # a mapping without a field encodes it as null
        subject = row
    assert leaves.encode(kind, subject) == reference(kind, subject)


def test_a_decimal_and_an_instant_normalise_as_before():
    row = {"id": 1, "id_hash": "h", "id_masked": "m", "name": "张三"}
    assert leaves.encode("professional", row) == reference("professional", row)
    assert leaves.normalise(Decimal("24.0")) == "24"
    assert leaves.normalise(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00+00:00"


any_text = st.text(st.characters(codec=None, categories=None), max_size=8)  # surrogates too


def outcome(kind: str, row: Any, encoder: Any) -> tuple[str, Any]:
    try:
        return ("data", encoder(kind, row))
    except (TypeError, ValueError):  # a naive datetime, a float, a lone surrogate ...
        # Refused alike; with two bad fields, which is named first may differ.
        return ("refused", None)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(leaves.KINDS), data=st.data())
def test_any_text_and_any_refusal_are_as_the_plain_definition(kind, data):
    fields = leaves.FIELDS[kind][max(leaves.FIELDS[kind])]
    row = {f: data.draw(st.one_of(any_text, st.sampled_from(
        ["只收费不培训", "\x00\x1f\x7f", 'q"b\\s', "\u2028", "\ud800", True, 2**80, -0,
         Decimal("-0.00"), Decimal("1E+3"), datetime(2025, 1, 1), 1.5])), label=f)
           for f in fields}
    assert outcome(kind, row, leaves.encode) == outcome(kind, row, reference)
