"""Schemathesis explores every operation of openapi.json with its default checks.

Each operation is called with a token of the role it is meant for, so generated
requests reach the views instead of stopping at 401.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, reject, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    NegativeDataRejectionConfig,
)

from ..world import World


@pytest.fixture
def backend():
    # One database is enough to explore the contract; the behaviour tests run on both.
    return "sqlite"


@pytest.fixture
def api_schema(app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    # A body past its endpoint's limit is refused with 413 before a byte of it is parsed
    # (api.bodies), however invalid it is besides: that too is invalid data rejected.
    schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(
        expected_statuses=[*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"])
    return schema


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


APP = tuple(str(Path(__file__).resolve().parents[2] / name) + "/" for name in ("api", "ledger"))


def raised_in_the_app(exc: BaseException) -> bool:
    return any(frame.f_code.co_filename.startswith(APP)
               for frame, _ in traceback.walk_tb(exc.__traceback__))


def send(case):
    """The response, or None when the test client could not even build the request
    (e.g. a null multipart part has no form on the wire): no byte reached the app, so
    such a case tests nothing. Anything raised in the app's own code fails the test."""
    try:
        return case.call()
    except Exception as exc:  # noqa: BLE001 - sorted by where it was raised
        if raised_in_the_app(exc):
            raise
        return None


def explore(operation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = send(case)
        if response is None:
            reject()
        case.validate_response(
            response, additional_checks=[schema_valid_requests_pass_schema_validation])

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


def test_what_the_app_raises_is_told_apart_from_what_the_client_raises():
    from api.bodies import body_limit

    with pytest.raises(RuntimeError) as in_app:
        body_limit("x")  # outside an app context: raised from api/bodies.py
    with pytest.raises(LookupError) as in_client:
        b"x".decode("no-such-codec")

    assert raised_in_the_app(in_app.value)
    assert not raised_in_the_app(in_client.value)
