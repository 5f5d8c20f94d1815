"""tests/scale.py assembles leaf data directly for speed: it must be byte for byte what
leaves.encode (and so log.record) writes, for every row it could be given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger import leaves
from tests import scale

ids = st.integers(min_value=1, max_value=2**31 - 1)
maybe_ids = st.none() | ids
texts = st.text(max_size=20)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]))
hours = st.decimals(min_value=Decimal("-999.9"), max_value=Decimal("999.9"), places=1)
entries = st.tuples(ids, ids, ids, st.sampled_from(["credit", "reversal"]), hours, texts,
                    st.integers(1990, 2100), maybe_ids, ids, ids, maybe_ids, texts, texts,
                    moments, texts, texts)
professionals = st.tuples(ids, texts, texts, texts, st.none() | texts, moments)


@given(entries)
def test_entry_leaf_data_is_leaves_encode(row):
    as_dict = dict(zip(scale.ENTRY, row, strict=True))
    assert scale.leaf_data("entry", row).encode() == leaves.encode("entry", as_dict)


@given(professionals)
def test_professional_leaf_data_is_leaves_encode(row):
    as_dict = dict(zip(scale.PROFESSIONAL, row, strict=True))
    assert scale.leaf_data("professional", row).encode() == leaves.encode("professional",
                                                                          as_dict)
