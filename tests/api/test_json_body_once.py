"""api.json_body: the JSON body api.text parsed is the one the schema loads (webargs
does not parse it again), each request its own; bodies webargs would refuse are still
refused by webargs, as before."""

from __future__ import annotations

import json

import pytest
from webargs import core


def test_a_batch_is_parsed_once(world, monkeypatch):
    project = world.accepted_project()

    def second_parse(*args, **kwargs):
        raise AssertionError("webargs parsed the body again")

    monkeypatch.setattr(core, "parse_json", second_parse)
    response = world.post(world.item(project, "once-1"), world.item(project, "once-2",
                                                                  hours="1.0"))
    assert response.status_code == 200, response.get_json()
    receipts = response.get_json()["receipts"]
    assert [r["external_id"] for r in receipts] == ["once-1", "once-2"]


def test_each_request_loads_its_own_body(world):
    # The test client's requests share one app context: nothing may carry over.
    project = world.accepted_project()
    first = world.post(world.item(project, "first"))
    second = world.post(world.item(project, "second", hours="2.0"))
    assert [r["external_id"] for r in first.get_json()["receipts"]] == ["first"]
    assert [r["external_id"] for r in second.get_json()["receipts"]] == ["second"]
    path = f"/v1/completions/{first.get_json()['receipts'][0]['posting_id']}/void"
    # Without a reason the schema refuses this body, not the batch before it.
    assert world.call("POST", path, world.base, json={}).status_code == 422
    voided = world.call("POST", path, world.base, json={"reason": "entered twice"})
    assert voided.status_code != 422, voided.get_json()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_body_webargs_refuses_is_still_refused(world, encoding):
    project = world.accepted_project()
    body = json.dumps({"items": [world.item(project, "enc")]}, ensure_ascii=False)
    response = world.call("POST", "/v1/completions", world.base, data=body.encode(encoding),
                          content_type="application/json")
    assert response.status_code == 400, response.get_json()


def test_malformed_json_is_a_400(world):
    response = world.call("POST", "/v1/completions", world.base, data=b'{"items": [',
                          content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
