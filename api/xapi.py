"""xAPI 1.0.3 statements (IEEE 9274.1.1) from a base's LMS: POST and PUT, and receipts.

The body is a statement or an array of them; the domain reads each statement (see
ledger/xapi.py) and answers with the problem's JSON path, so no marshmallow schema
stands between: xAPI's shapes are open-ended and an LMS sends more than the ledger uses.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from ledger.errors import Invalid
from ledger.services.intake import xapi

from .db import ledger_context
from .docs import secured
from .schemas_intake import StatementReceiptSchema

VERSION = "1.0.3"
blp = Blueprint("xapi", __name__, url_prefix="/v1/xapi",
                description="xAPI 1.0.3 statements: completed, passed, failed, attended, "
                            "voided")

STATEMENTS_BODY = {"required": True, "content": {"application/json": {"schema": {
    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"},
                                   "minItems": 1, "maxItems": 1000}]}}}}
VERSION_HEADER = {"name": "X-Experience-API-Version", "in": "header", "required": True,
                  "schema": {"type": "string", "pattern": r"^1\.0(\.\d+)?$"}}


class PutQuerySchema(Schema):
    statementId = fields.UUID(required=True)  # noqa: N815 - xAPI's own parameter name


class StatementIdPathSchema(Schema):
    statement_id = fields.String(validate=validate.Length(max=36))


def _statements() -> list:
    version = request.headers.get("X-Experience-API-Version", "")
    if not version.startswith("1.0"):
        # xAPI 1.0.3 §6.2: a request without the header is answered 400.
        abort(400, message="xAPI requests carry X-Experience-API-Version: 1.0.x",
              code="xapi_version_missing")
    body = request.get_json(silent=True)
    if body is None:
        raise Invalid("the body is a statement or an array of statements (JSON)",
                      code="xapi_body_invalid")
    return body if isinstance(body, list) else [body]


def _versioned(response: Response) -> Response:
    response.headers["X-Experience-API-Version"] = VERSION
    return response


@blp.route("/statements", methods=["POST"])
@blp.doc(requestBody=STATEMENTS_BODY, parameters=[VERSION_HEADER], responses={"200": {
    "description": "the statement ids, in order", "content": {"application/json": {
        "schema": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}}})
@secured(blp, 404, 409, 422)
def post_statements():
    """Store a statement or a batch; answers their ids (xAPI 1.0.3 §2.1.2)"""
    ids = xapi.store_statements(ledger_context(), g.actor, _statements())
    return _versioned(jsonify(ids))


@blp.route("/statements", methods=["PUT"])
@blp.doc(requestBody=STATEMENTS_BODY, parameters=[VERSION_HEADER],
         responses={"204": {"description": "stored"}})
@secured(blp, 404, 409, 422)
@blp.arguments(PutQuerySchema, location="query")
def put_statement(query):
    """Store one statement under the statementId given (xAPI 1.0.3 §2.1.1)"""
    statements = _statements()
    if len(statements) != 1:
        raise Invalid("PUT stores one statement", code="xapi_body_invalid")
    xapi.store_statements(ledger_context(), g.actor, statements, str(query["statementId"]))
    return _versioned(Response(status=204))


@blp.route("/statements/<statement_id>/receipt", methods=["GET"])
@blp.response(200, StatementReceiptSchema)
@secured(blp, 404)
def receipt(statement_id):
    """What the ledger made of one of the base's statements, and where it stands now"""
    return xapi.statement_receipt(ledger_context(), g.actor, statement_id)
