"""The public log over HTTP: checkpoints, leaves and proofs, checked with the independent
RFC 9162 reference in tests/unit/test_merkle.py (not the code under test)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

from api.db import ledger_context
from ledger.services import log

from ..unit.test_merkle import ref_mth, ref_path, ref_subproof


def two_checkpoints(world) -> tuple[int, int]:
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    first = log.seal(ledger_context()).size
    world.post(world.item(project), world.item(project, external_id="c-2",
                                               training_dates=["2025-06-20"], hours="8.0"))
    second = log.seal(ledger_context()).size
    assert second > first
    return first, second


def all_leaf_data(world, size: int) -> list[bytes]:
    data = []
    for i in range(size):
        leaf = world.call("GET", f"/v1/log/leaves/{i}").get_json()
        assert hashlib.sha256(b"\x00" + leaf["data"].encode()).hexdigest() == leaf["leaf_hash"]
        data.append(leaf["data"].encode())
    return data


def test_inclusion_and_consistency_proofs_check_against_the_reference(world):
    first, second = two_checkpoints(world)
    data = all_leaf_data(world, second)
    head = world.call("GET", "/v1/log/checkpoint").get_json()
    assert head["size"] == second
    assert head["root_hash"] == ref_mth(data).hex()
    # The signed note states the same size and root.
    lines = head["note"].split("\n")
    assert lines[1] == str(second) and base64.b64decode(lines[2]).hex() == head["root_hash"]

    for index in range(second):
        proof = world.call("GET", "/v1/log/proofs/inclusion",
                           query_string={"index": index, "size": second}).get_json()
        assert proof["path"] == [h.hex() for h in ref_path(index, data)]
        assert proof["root_hash"] == ref_mth(data).hex()

    proof = world.call("GET", "/v1/log/proofs/consistency",
                       query_string={"first": first, "second": second}).get_json()
    assert proof["path"] == [h.hex() for h in ref_subproof(first, data, True)]
    assert proof["first_root"] == ref_mth(data[:first]).hex()
    listed = world.call("GET", "/v1/log/checkpoints").get_json()
    assert [c["size"] for c in listed] == [first, second]


def test_bad_proof_requests_are_problems(world):
    first, second = two_checkpoints(world)
    outside = world.call("GET", "/v1/log/proofs/inclusion",
                         query_string={"index": second, "size": second})
    assert outside.status_code == 422 and outside.get_json()["code"] == "leaf_not_in_tree"
    unknown = world.call("GET", "/v1/log/proofs/consistency",
                         query_string={"first": first, "second": second + 1})
    assert unknown.status_code == 404
    backwards = world.call("GET", "/v1/log/proofs/consistency",
                           query_string={"first": second, "second": first})
    assert backwards.status_code == 422
