"""Issue 10 item 2: every body has a size by endpoint, refused with 413 problem+json
before it is read; JSON nesting is bounded."""

from __future__ import annotations

import io

import pytest
from flask import Response
from werkzeug.test import EnvironBuilder, run_wsgi_app

from api.bodies import BODY_LIMITS
from api.text import MAX_JSON_DEPTH


class CountingStream(io.RawIOBase):
    """A request body that counts what the server reads of it."""

    def __init__(self, size: int, fill: bytes = b"a"):
        self.left, self.read_bytes, self.fill = size, 0, fill

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = self.fill * n
        self.left -= n
        self.read_bytes += n
        return n


def send(client, path: str, body: CountingStream, content_type: str, *,
         length: int | None = None, headers: dict | None = None):
    """POST ``body`` as a server would pass it: with its declared length, or chunked
    (no length, the stream ending where the body ends, as gunicorn marks it)."""
    environ = EnvironBuilder(path=path, method="POST", content_type=content_type,
                             headers=headers or {}).get_environ()
    environ["wsgi.input"] = body
    if length is None:
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(length)
    app_iter, status, response_headers = run_wsgi_app(client.application, environ)
    try:
        return Response(b"".join(app_iter), status=status, headers=response_headers)
    finally:
        getattr(app_iter, "close", lambda: None)()


def assert_413(response) -> None:
    assert response.status_code == 413, response.get_data(as_text=True)[:200]
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "payload_too_large"


def test_a_large_declared_body_to_the_token_endpoint_is_413_before_any_byte_is_read(world):
    body = CountingStream(100 * 1024 * 1024)

    response = send(world.client, "/v1/auth/token", body,
                    "application/x-www-form-urlencoded", length=100 * 1024 * 1024)

    assert_413(response)
    assert body.read_bytes == 0


def test_a_streamed_body_is_cut_off_at_the_endpoints_limit(world):
    body = CountingStream(50 * 1024 * 1024)

    response = send(world.client, "/v1/completions", body, "application/json",
                    headers={"Authorization": f"Bearer {world.bearer(world.base)}"})

    assert_413(response)
    assert body.read_bytes <= BODY_LIMITS["completions.post_completions"] + 64 * 1024


def test_a_streamed_form_to_the_token_endpoint_is_cut_off_too(world):
    body = CountingStream(10 * 1024 * 1024)

    response = send(world.client, "/v1/auth/token", body,
                    "application/x-www-form-urlencoded")

    assert_413(response)
    assert body.read_bytes <= BODY_LIMITS["auth.token"] + 64 * 1024


def test_a_1000_item_batch_fits_its_endpoint_and_a_token_form_does_not_fit_elsewhere(world):
    project_id = world.accepted_project()
    items = [world.item(project_id, external_id=f"c-{n}") for n in range(1000)]

    response = world.post(*items)

    assert response.status_code not in (400, 413), response.get_json()
    oversized = world.call("POST", "/v1/bases", world.regulator,
                           json={"name": "x" * (70 * 1024)})
    assert_413(oversized)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deeply_nested_json_is_400_not_500(world, depth):
    body = "[" * depth + "]" * depth

    response = world.call("POST", "/v1/completions", world.base, data=body,
                          content_type="application/json")

    assert response.status_code == 400
    assert response.get_json()["code"] == "json_too_deep"


def test_nesting_within_the_bound_reaches_the_schema(world):
    body = '{"items": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"

    response = world.call("POST", "/v1/completions", world.base, data=body,
                          content_type="application/json")

    assert response.status_code == 422


def test_brackets_inside_strings_do_not_count_as_nesting(world):
    body = '{"items": "' + "[" * 1000 + '"}'

    response = world.call("POST", "/v1/completions", world.base, data=body,
                          content_type="application/json")

    assert response.status_code == 422
