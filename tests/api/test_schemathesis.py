"""Schemathesis explores every operation of openapi.json with its default checks.

Each operation is called with a token of the role it is meant for, so generated
requests reach the views instead of stopping at 401.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from ..world import World


@pytest.fixture
def backend():
    # One database is enough to explore the contract; the behaviour tests run on both.
    return "sqlite"


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture
def tokens(app, client, clock):
    world = World(app, client, clock)
    world.accepted_project()
    return {
        "regulator": world.bearer(world.regulator),
        "base": world.bearer(world.base),
        "committee": world.bearer(world.committee),
        "professional": world.bearer(world.professional),
    }


def role_for(method: str, path: str) -> str:
    if path.startswith("/v1/me"):
        return "professional"
    if path.startswith("/v1/verifications"):
        return "committee"
    if path.startswith("/v1/completions") or (path.endswith("/projects") and method == "POST"):
        return "base"
    if path.startswith(("/v1/attendance", "/v1/xapi", "/v1/rosters")):  # intake (issue 11)
        return "base"
    return "regulator"


@schemathesis.check
def schema_valid_requests_pass_schema_validation(ctx, response, case):
    """A schema-valid request may break a domain rule, never the schema itself."""
    if (case.meta is not None and case.meta.generation.mode.is_positive
            and response.status_code == 422
            and response.json().get("code") == "validation_failed"):
        raise AssertionError(f"schema-valid request failed validation: {response.text}")


def explore(operation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(additional_checks=[schema_valid_requests_pass_schema_validation])

    run()


def test_every_operation_honours_the_contract(api_schema, tokens):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20

    @api_schema.auth()
    class BearerForTheRole:
        """A token of the role each operation is meant for. Schemathesis applies it to
        every case, except those whose point is a missing or broken Authorization."""

        def get(self, case, context):
            return tokens[role_for(case.method.upper(), case.path)]

        def set(self, case, token, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                explore(operation, mode)
            except Unsatisfiable:
                # An operation without parameters or body has no invalid input to make.
                assert mode is GenerationMode.NEGATIVE, operation.label
            except Exception as exc:  # noqa: BLE001 - collect every operation's failure
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
