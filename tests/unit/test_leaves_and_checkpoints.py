"""The canonical leaf encoding and the signed-note checkpoint text."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from ledger import checkpoint, leaves
from ledger.services.keyset import ed25519_verify, public_raw

ROW = {"id": 1, "base_id": 2, "type": "revoked", "effective_on": date(2025, 7, 1),
       "due_on": None, "void_from": date(2025, 6, 1), "term_end": None, "misconduct": True,
       "reason": "乱收费", "recorded_at": datetime(2025, 7, 1, 2, tzinfo=UTC),
       "recorded_by": 3, "recorded_by_job": None, "document_number": "威人社字〔2025〕1号",
       "basis": "威海 第二十条"}


def test_the_encoding_is_sorted_compact_utf8_json():
    data = leaves.encode("standing_event", ROW)
    assert data.startswith(b'{"leaf":"standing_event","row":{"base_id":2,"basis":"')
    assert data.endswith(b'},"v":2}')
    # An old leaf keeps verifying under the field list it was written with.
    first = leaves.encode("standing_event", ROW, version=1)
    assert b'"basis"' not in first and first.endswith(b'},"v":1}')
    assert "乱收费".encode() in data and b", " not in data
    assert leaves.decode(data)["row"]["recorded_at"] == "2025-07-01T02:00:00+00:00"


@given(st.decimals(min_value=-9999, max_value=9999, places=1, allow_nan=False),
       st.integers(-12, 12))
def test_both_databases_encode_a_row_alike(hours, offset):
    """A decimal's scale and a datetime's zone do not change the leaf."""
    when = datetime(2025, 6, 23, 2, tzinfo=UTC)
    row = {"id": 1, "status": "accepted", "decided_at": when, "decided_by": None,
           "decision_note": str(hours)}
    other = {**row, "decided_at": when.astimezone(timezone(timedelta(hours=offset)))}
    assert leaves.encode("decision", row) == leaves.encode("decision", other)
    assert leaves.normalise(hours) == leaves.normalise(hours.quantize(Decimal("0.001")))


def test_a_naive_datetime_or_a_foreign_body_is_refused():
    with pytest.raises(ValueError):
        leaves.encode("standing_event", {**ROW, "recorded_at": datetime(2025, 7, 1)})
    with pytest.raises(ValueError):
        leaves.decode(b'{"leaf":"nonsense","row":{},"v":1}')


def test_a_checkpoint_signs_parses_and_refuses_any_change():
    key = Ed25519PrivateKey.generate()
    raw = public_raw(key.public_key())
    head = checkpoint.Checkpoint("ledger.example/log", 5, b"\x07" * 32,
                                 datetime(2026, 3, 1, 1, 2, 3, tzinfo=UTC))
    note = checkpoint.sign(head, "ledger.example/log", raw, key.sign)
    lines = note.split("\n")
    assert lines[:4] == ["ledger.example/log", "5", base64.b64encode(b"\x07" * 32).decode(),
                         "time 2026-03-01T01:02:03Z"]
    assert lines[4] == "" and lines[5].startswith("\u2014 ledger.example/log ")
    keys = checkpoint.keys_by_id("ledger.example/log", [raw])
    assert checkpoint.verify(note, keys, ed25519_verify) == head
    for forged in (note.replace("\n5\n", "\n6\n"), note.replace("ledger.example", "evil.example"),
                   note.replace("01:02:03", "01:02:04")):
        with pytest.raises(checkpoint.CheckpointError):
            checkpoint.verify(forged, keys, ed25519_verify)
    other = public_raw(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.verify(note, checkpoint.keys_by_id("ledger.example/log", [other]),
                          ed25519_verify)
    assert checkpoint.verifier_key("ledger.example/log", raw).startswith("ledger.example/log+")
