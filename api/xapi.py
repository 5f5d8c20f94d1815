"""xAPI 1.0.3 statements (IEEE 9274.1.1) from a base's LMS: POST and PUT, and receipts.

The body is a statement or an array of them; the domain reads each statement (see
ledger/xapi.py) and answers with the problem's JSON path, so no marshmallow schema
stands between: xAPI's shapes are open-ended and an LMS sends more than the ledger uses.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ledger.errors import Invalid
from ledger.services.intake import xapi
from ledger.xapi import is_id

from .db import ledger_context
from .docs import secured
from .schemas import StatementReceiptSchema

VERSION = "1.0.3"
blp = Blueprint("xapi", __name__, url_prefix="/v1/xapi",
                description="xAPI 1.0.3 statements: completed, passed, failed, attended, "
                            "voided")

STATEMENTS_BODY = {"required": True, "content": {"application/json": {"schema": {
    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"},
                                   "minItems": 1, "maxItems": 1000}]}}}}


class VersionHeaderSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # xAPI 1.0.3 §6.2: a request without it is answered 400 (error_status_code below).
    version = fields.String(data_key="X-Experience-API-Version", required=True,
                            validate=validate.Regexp(r"^1\.0(\.\d+)?$"),
                            metadata={"description": "1.0.x"})


def _statement_id(value: str) -> None:
    # fields.UUID would take braces, a urn: prefix or no hyphens (see ledger.xapi.check_id).
    if not is_id(value):
        raise ValidationError("a UUID (8-4-4-4-12 hexadecimal digits)")


class PutQuerySchema(Schema):
    statementId = fields.String(  # noqa: N815 - xAPI's own parameter name
        required=True, validate=_statement_id, metadata={"format": "uuid"})


def _statements() -> list:
    body = request.get_json(silent=True)
    if body is None:
        raise Invalid("the body is a statement or an array of statements (JSON)",
                      code="xapi_body_invalid")
    return body if isinstance(body, list) else [body]


def _versioned(response: Response) -> Response:
    response.headers["X-Experience-API-Version"] = VERSION
    return response


@blp.route("/statements", methods=["POST"])
@blp.doc(requestBody=STATEMENTS_BODY, responses={"200": {
    "description": "the statement ids, in order", "content": {"application/json": {
        "schema": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}}})
@secured(blp, 404, 409, 422)
@blp.arguments(VersionHeaderSchema, location="headers", error_status_code=400)
def post_statements(headers):
    """Store a statement or a batch; answers their ids (xAPI 1.0.3 §2.1.2)"""
    ids = xapi.store_statements(ledger_context(), g.actor, _statements())
    return _versioned(jsonify(ids))


@blp.route("/statements", methods=["PUT"])
@blp.doc(requestBody=STATEMENTS_BODY, responses={"204": {"description": "stored"}})
@secured(blp, 404, 409, 422)
@blp.arguments(VersionHeaderSchema, location="headers", error_status_code=400)
@blp.arguments(PutQuerySchema, location="query")
def put_statement(headers, query):
    """Store one statement under the statementId given (xAPI 1.0.3 §2.1.1)"""
    statements = _statements()
    if len(statements) != 1:
        raise Invalid("PUT stores one statement", code="xapi_body_invalid")
    xapi.store_statements(ledger_context(), g.actor, statements, query["statementId"])
    return _versioned(Response(status=204))


@blp.route("/statements/<statement_id>/receipt", methods=["GET"])
@blp.response(200, StatementReceiptSchema)
@secured(blp, 404)
def receipt(statement_id):
    """What the ledger made of one of the base's statements, and where it stands now"""
    return xapi.statement_receipt(ledger_context(), g.actor, statement_id)
