"""Every request body has a size, by endpoint.

A body larger than its endpoint allows is refused with 413 before a byte of it is read
when it declares its length, and as soon as the limit is passed when it streams
(chunked). JSON's depth is bounded in api.text, where the body is first parsed.
"""

from __future__ import annotations

import http
import io

from apispec import BasePlugin
from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

KIB = 1024
MIB = 1024 * KIB

# The largest legitimate bodies: a 1000-item completion or attendance batch is a few
# hundred KB; 1000 xAPI statements as Moodle sends them (context activities, platform
# extensions) about 1.5 MB; an annual plan lists at most a few hundred projects; a roster
# uploaded in one request ~100 bytes a row, so 16 MiB is some 150,000 rows (larger ones
# go through `flask ledger import-roster`, which resumes); a token request's fields are
# at most about 900 characters, which percent-encoded UTF-8 makes at most about 11 KB.
ROSTER_LIMIT = 16 * MIB
BODY_LIMITS = {
    "auth.token": 16 * KIB,
    "completions.post_completions": 2 * MIB,
    "attendance.post_attendance": 2 * MIB,
    "xapi.post_statements": 4 * MIB,
    "lifecycle.Plans": 1 * MIB,
    "rosters.upload": ROSTER_LIMIT,
    "base.roster_upload": ROSTER_LIMIT,
}
DEFAULT_BODY_LIMIT = 64 * KIB
def body_limit(endpoint: str | None) -> int:
    limits = current_app.config.get("BODY_LIMITS", BODY_LIMITS)
    return limits.get(endpoint, current_app.config.get("DEFAULT_BODY_LIMIT",
                                                       DEFAULT_BODY_LIMIT))


def _too_large(limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"this endpoint accepts a body of at most {limit} bytes")


def _buffer_streamed_body(limit: int) -> None:
    """Read a streamed (chunked) body here, stopping one byte past the limit.

    Werkzeug's own bound truncates a ``read()`` at the limit without an error, so a
    parser would see a cut-off body; reading it here answers 413 instead, and the
    parsers then see an ordinary body with a length.
    """
    environ = request.environ
    if request.content_length is not None or not environ.get("wsgi.input_terminated"):
        return
    raw, body = environ["wsgi.input"], bytearray()
    while len(body) <= limit:
        chunk = raw.read(min(64 * KIB, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        raise _too_large(limit)
    environ["wsgi.input"] = io.BytesIO(bytes(body))
    environ["CONTENT_LENGTH"] = str(len(body))
    del environ["wsgi.input_terminated"]
    request.__dict__.pop("stream", None)


def _bound_body() -> None:
    limit = body_limit(request.endpoint)
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    _buffer_streamed_body(limit)
    request.max_content_length = limit
    request.max_form_memory_size = limit


def init_app(app: Flask) -> None:
    app.before_request(_bound_body)


class BodyLimitsInTheSpec(BasePlugin):
    """Every operation that takes a body answers 413 past its limit (above), whatever
    else it documents: the spec says so, for clients and for the contract test."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault(
                    "413", http.HTTPStatus.REQUEST_ENTITY_TOO_LARGE.name)
