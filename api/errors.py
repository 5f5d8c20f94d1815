"""Every error leaves as RFC 9457 problem+json with a stable ``code``, mapped here once."""

from __future__ import annotations

import http
import logging

from flask import Flask, Response, json
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from ledger.errors import Conflict, Invalid, LedgerError, NotFound, Unauthorized

from .bodies import BodyLimitsInTheSpec
from .schemas import ProblemSchema

PROBLEM = "application/problem+json"
log = logging.getLogger(__name__)

STATUS_FOR = {NotFound: 404, Invalid: 422, Conflict: 409, Unauthorized: 401}

# Codes for errors Flask or webargs raise before a view runs.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


def problem(status: int, code: str, detail: str, *, headers: dict | None = None,
            **extra: object) -> Response:
    body = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **{k: v for k, v in extra.items() if v},
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class LedgerApi(Api):
    """flask-smorest's Api, with problem+json for every error and in the spec."""

    ERROR_SCHEMA = ProblemSchema
    # No catch-all "default" response: each operation documents the errors it answers,
    # so a contract test notices an undocumented status.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, *, extra_plugins=None, **options):
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), BodyLimitsInTheSpec()],
                           **options)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM)
            elif not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("messages") or data.get("errors")
        if status >= 500:
            log.exception("unhandled error", exc_info=error.original_exception
                          if hasattr(error, "original_exception") else error)
        detail = data.get("message") or error.description or http.HTTPStatus(status).phrase
        if status == 422 and errors:
            detail = "the request does not match the schema"
        headers = dict(data.get("headers") or {})
        allowed = getattr(error, "valid_methods", None)
        if status == 405 and allowed:
            headers["Allow"] = ", ".join(allowed)
        return problem(status, data.get("code") or HTTP_CODES.get(status, "http_error"),
                       detail, headers=headers, errors=errors)


def _ledger_error(error: LedgerError) -> Response:
    status = next((s for kind, s in STATUS_FOR.items() if isinstance(error, kind)), 422)
    headers = {"WWW-Authenticate": www_authenticate(error)} if status == 401 else None
    return problem(status, error.code, error.message, headers=headers, details=error.details)


REALM = "xueshi-ledger"


def www_authenticate(error: LedgerError) -> str:
    """RFC 6750 §3: no error attribute when no token was sent; invalid_token otherwise."""
    if error.code == "token_missing":
        return f'Bearer realm="{REALM}"'
    return f'Bearer realm="{REALM}", error="invalid_token"'


def init_app(app: Flask) -> None:
    app.register_error_handler(LedgerError, _ledger_error)
