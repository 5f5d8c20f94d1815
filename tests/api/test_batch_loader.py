"""The hand loader of completion batches (api/schemas/completions.py ``fast_batch``) makes
exactly what the schema makes of any body it accepts, accepts every plainly valid body,
and leaves every error to the schema (issue 12)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from api.schemas import CompletionBatchSchema
from api.schemas.completions import fast_batch
from tests.world import id_number


def schema_load(body: Any) -> Any:
    """The schema's own load, without the fast path."""
    return Schema.load(CompletionBatchSchema(), body)


def comparable(loaded: dict[str, Any]) -> Any:
    # Decimal("8") == Decimal("8.0"): compare their text too, and every value's type.
    return json.dumps(loaded, default=lambda v: f"{type(v).__name__}:{v}", sort_keys=True)


valid_item = st.fixed_dictionaries({
    "external_id": st.text(min_size=1, max_size=128),
    "project_id": st.integers(1, 2**31 - 1),
    "id_number": st.integers(1, 999).map(id_number),
    "name": st.text(min_size=1, max_size=100),
    "hours": st.decimals(Decimal("0.1"), Decimal("9999.9"), places=1).map(
        lambda d: str(d).removesuffix(".0") if d % 1 == 0 and d >= 1 else str(d)),
    "subject": st.sampled_from(["public", "professional"]),
    "training_dates": st.lists(st.dates().map(str), min_size=1, max_size=5),
    "assessment": st.sampled_from(["passed", "failed", "absent"]),
}, optional={"minutes": st.none() | st.integers(1, 1_000_000)})

# Values a client may send in any field: right and wrong types, edge numbers, odd text.
anything = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 2**31 + 3), st.floats(allow_nan=False),
    st.text(max_size=6), st.sampled_from(["8.0", "8", "0.0", "1e2", "08.0", "9999.9",
                                         "10000", "0.05", "2025-06-01", "20250601",
                                         "2025-02-30", "passed", "public", ""]),
    st.lists(st.sampled_from(["2025-06-01", "2025-6-1", "20250601", 3]), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def mutated_body(draw) -> Any:
    items = draw(st.lists(valid_item, min_size=1, max_size=4))
    for item in items:
        for _ in range(draw(st.integers(0, 2))):
            action = draw(st.sampled_from(["set", "drop", "add"]))
            key = draw(st.sampled_from(sorted(item) + ["extra"]))
            if action == "set":
                item[key] = draw(anything)
            elif action == "drop":
                item.pop(key, None)
            else:
                item[draw(st.text(min_size=1, max_size=4))] = draw(anything)
    body: Any = {"items": items}
    shape = draw(st.sampled_from(["plain", "plain", "extra key", "empty", "not a list",
                                  "list body", "too many"]))
    if shape == "extra key":
        body["more"] = 1
    elif shape == "empty":
        body["items"] = []
    elif shape == "not a list":
        body["items"] = items[0]
    elif shape == "list body":
        body = items
    elif shape == "too many":
        body["items"] = items * 1001
    return body


@settings(max_examples=100, deadline=None)
@given(st.lists(valid_item, min_size=1, max_size=6))
def test_a_valid_body_loads_by_hand_exactly_as_the_schema_loads_it(items):
    body = {"items": items}
    loaded = fast_batch(body)
    assert loaded is not None
    assert comparable(loaded) == comparable(schema_load(body))
    assert comparable(CompletionBatchSchema().load(body)) == comparable(loaded)


@settings(max_examples=250, deadline=None)
@given(mutated_body())
def test_any_body_loads_as_the_schema_loads_it_or_fails_with_its_errors(body):
    hand = fast_batch(body)
    try:
        expected = schema_load(body)
    except ValidationError as error:
        assert hand is None  # the hand loader never accepts what the schema refuses
        try:
            CompletionBatchSchema().load(body)
        except ValidationError as again:
            assert again.messages == error.messages
        else:
            raise AssertionError("the fast path accepted a body the schema refuses")
        return
    if hand is not None:
        assert comparable(hand) == comparable(expected)
    assert comparable(CompletionBatchSchema().load(body)) == comparable(expected)


def test_an_invalid_batch_is_answered_with_the_schemas_field_errors(world):
    project = world.accepted_project()
    good = world.item(project, "ok-1")
    response = world.call("POST", "/v1/completions", world.base, json={"items": [
        good, {**world.item(project, "bad-1"), "hours": "8.05", "minutes": True}]})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed"
    errors = body["errors"]["json"]["items"]["1"]
    assert set(errors) == {"hours", "minutes"}
    assert "0" not in body["errors"]["json"]["items"]


ODD_VALUES = [None, True, False, 0, 1, -1, 2**31 - 1, 2**31, 1_000_000, 1_000_001, 8.0, 0.5,
              "", " ", "8", "8.0", "8.05", "0.0", "1e2", "9999.9", "10000", "２", "2025-06-01",
              "20250601", "2025-02-30", "passed", "public", "x" * 129, "x" * 33, "x" * 101,
              [], ["2025-06-01"], ["2025-06-01"] * 367, ["2025-6-1"], [3], {}, {"a": 1}]


def test_every_field_with_every_odd_value_loads_as_the_schema_loads_it():
    base = {"external_id": "e-1", "project_id": 7, "id_number": id_number(5), "name": "张三",
            "hours": "8.0", "subject": "public", "training_dates": ["2025-06-01"],
            "assessment": "passed", "minutes": 90}
    for field in [*base, "extra"]:
        for value in [*ODD_VALUES, "missing"]:
            item = {k: v for k, v in base.items() if not (k == field and value == "missing")}
            if value != "missing":
                item[field] = value
            body = {"items": [item]}
            try:
                expected = comparable(schema_load(body))
            except ValidationError:
                assert fast_batch(body) is None, (field, value)
                continue
            hand = fast_batch(body)
            assert hand is None or comparable(hand) == expected, (field, value)
