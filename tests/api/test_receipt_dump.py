"""The batch path dumps receipts by hand (ledger/services/receipts.py); it must make
exactly what ReceiptsSchema, the contract in openapi.yaml, makes of the same values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from api.schemas import ReceiptSchema, ReceiptsSchema
from ledger.services.receipts import dump_receipt, dump_receipts

text = st.text(max_size=8)
json_scalar = st.none() | st.booleans() | st.integers() | text
json_dict = st.dictionaries(text, json_scalar | st.lists(json_scalar, max_size=3), max_size=3)
reason = st.fixed_dictionaries(
    {"code": text, "message": text},
    optional={"rule": st.none() | json_dict, "details": json_dict, "extra": json_scalar})
maybe_int = st.none() | st.integers(min_value=1, max_value=2**31 - 1)
receipt = st.fixed_dictionaries(
    {"external_id": text, "posting_id": st.integers(min_value=1, max_value=2**31 - 1),
     "status": st.sampled_from(["credited", "rejected", "held", "voided"]),
     "reasons": st.lists(reason, max_size=3), "replayed": st.booleans()},
    optional={"entry_id": maybe_int, "reversal_entry_id": maybe_int,
              "hours": st.none() | st.decimals(min_value=0, max_value=999, places=1,
                                               allow_nan=False) | text,
              "subject": st.none() | text, "year": maybe_int,
              "notes": st.lists(reason, max_size=3), "policy": st.none() | json_dict,
              "unknown": json_scalar})


@settings(max_examples=300, deadline=None)
@given(receipt)
def test_a_receipt_dumps_as_the_schema_dumps_it(value):
    assert dump_receipt(value) == ReceiptSchema().dump(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(receipt, max_size=5),
       st.dictionaries(st.sampled_from(["credited", "rejected", "held", "voided",
                                        "replayed"]), st.integers(0, 1000)))
def test_a_batch_response_dumps_as_the_schema_dumps_it(receipts, summary):
    value = {"receipts": receipts, "summary": summary}
    assert dump_receipts(value) == ReceiptsSchema().dump(value)


def test_a_decimal_hours_dumps_as_its_string():
    value = {"external_id": "c-1", "posting_id": 1, "status": "credited", "reasons": [],
             "replayed": False, "hours": Decimal("6.0")}
    assert dump_receipt(value)["hours"] == "6.0" == ReceiptSchema().dump(value)["hours"]


def test_a_posted_batch_answers_what_the_schema_would_dump(world):
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))  # the training is over
    items = [world.item(project, "c-ok"), world.item(project, "c-bad", id_number="123")]
    first = world.post(*items, key="k-1")
    again = world.post(*items, key="k-1")  # the stored response, answered again
    replayed = world.post(*items)  # each item answered from its posting

    for response in (first, again, replayed):
        assert response.status_code == 200
        body = response.get_json()
        assert body == ReceiptsSchema().dump(body)
    credited, rejected = first.get_json()["receipts"]
    assert credited["status"] == "credited" and credited["hours"] == "24.0"
    assert isinstance(credited["entry_id"], int) and credited["reasons"] == []
    assert rejected["status"] == "rejected" and rejected["entry_id"] is None
    assert rejected["reasons"][0]["code"] and "rule" in rejected["reasons"][0]
    assert again.get_json() == first.get_json()
    assert [r["replayed"] for r in replayed.get_json()["receipts"]] == [True, True]
