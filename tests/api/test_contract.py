"""The contract: openapi.yaml matches the schemas, and every error is problem+json."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

OPENAPI = Path(__file__).parents[2] / "openapi.yaml"


def test_openapi_yaml_is_generated_from_the_schemas_and_up_to_date(app):
    generated = json.loads(json.dumps(app.extensions["ledger_api"].spec.to_dict()))
    committed = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))

    assert generated == committed, "openapi.yaml is stale: run `make openapi`"


def test_every_documented_error_is_problem_json(app):
    spec = app.extensions["ledger_api"].spec.to_dict()
    for name, response in spec["components"]["responses"].items():
        if name == "DEFAULT_ERROR" or name in {"UNAUTHORIZED", "NOT_FOUND", "CONFLICT",
                                               "UNPROCESSABLE_ENTITY"}:
            assert list(response["content"]) == ["application/problem+json"], name


def test_every_operation_that_takes_a_body_documents_413(app):
    """api.bodies answers 413 past any endpoint's limit (BodyLimitsInTheSpec)."""
    paths = app.extensions["ledger_api"].spec.to_dict()["paths"]
    with_body = [(path, method, op) for path, item in paths.items()
                 for method, op in item.items() if "requestBody" in op]
    assert len(with_body) >= 10
    for path, method, op in with_body:
        assert op["responses"]["413"] == {
            "$ref": "#/components/responses/REQUEST_ENTITY_TOO_LARGE"}, (method, path)


def test_an_unknown_route_is_404_problem_json(client):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "not_found"


def test_a_wrong_method_is_405_problem_json_with_allow(client):
    response = client.delete("/v1/registry/bases")
    assert response.status_code == 405
    assert response.get_json()["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_a_4xx_problem_with_a_code(world):
    response = world.call("POST", "/v1/completions", world.base, data="{not json",
                          content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"]


def test_validation_errors_name_the_fields(world):
    response = world.call("POST", f"/v1/bases/{world.base_id}/projects", world.base,
                          json={"title": ""})
    body = response.get_json()
    assert response.status_code == 422
    assert body["code"] == "validation_failed"
    assert {"title", "subject", "hours"} <= set(body["errors"]["json"])
