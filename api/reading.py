"""A professional's own record, committees' verifications, and professionals' registration."""

from __future__ import annotations

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.services import asof, attestations, compact_json, reading
from ledger.services.attest_dump import dump_verification

from .db import ledger_context
from .docs import secured
from .schemas import (
    AccessLogSchema,
    AsOfYearsQuerySchema,
    AttestedVerificationSchema,
    HoursAsOfSchema,
    ProfessionalCreateSchema,
    ProfessionalSchema,
    VerificationAsOfRequestSchema,
)

blp = Blueprint("reading", __name__, url_prefix="/v1",
                description="Professionals' hours and committees' verifications")


@blp.route("/me/hours", methods=["GET"])
@blp.response(200, HoursAsOfSchema)
@secured(blp, 404, 422)
@blp.arguments(AsOfYearsQuerySchema, location="query", unknown=RAISE)
def my_hours(query):
    """My hours per year and subject, compliance, and what did not credit and why"""
    if query.get("as_of"):
        return asof.my_hours_as_of(ledger_context(), g.actor, query["as_of"],
                                   query.get("year_from"), query.get("year_to"))
    return reading.my_hours(ledger_context(), g.actor, query.get("year_from"),
                            query.get("year_to"))


@blp.route("/me/access-log", methods=["GET"])
@blp.response(200, AccessLogSchema(many=True))
@secured(blp, 404)
def my_access_log():
    """Who read my record, when and why"""
    return reading.access_log(ledger_context(), g.actor)


@blp.route("/verifications", methods=["POST"])
@blp.response(200, AttestedVerificationSchema)
@secured(blp, 404, 409, 422)
@blp.arguments(VerificationAsOfRequestSchema)
def verify(data):
    """A committee verifies a professional's hours over years; the answer is signed"""
    result = attestations.attest_by_identity(
        ledger_context(), g.actor, id_number=data["id_number"], name=data["name"],
        year_from=data["year_from"], year_to=data["year_to"], purpose=data["purpose"],
        as_of=data["as_of"])
    # Every entry of the years under review: dumped by hand, exactly as
    # AttestedVerificationSchema would (tests/api/test_attestation_dump.py), the contract;
    # encoded unsorted and in UTF-8 (names and titles are Chinese): megabytes at 10,000.
    # (compact_json: orjson where it makes the same bytes, a tenth of json's time.)
    return Response(compact_json.dumps(dump_verification(result)),
                    mimetype="application/json")


@blp.route("/professionals", methods=["POST"])
@blp.response(201, ProfessionalSchema)
@secured(blp, 404, 409)
@blp.arguments(ProfessionalCreateSchema)
def register_professional(data):
    """Register a professional in the regulator's jurisdiction, optionally with a password"""
    return reading.register_professional(ledger_context(), g.actor, data["id_number"],
                                         data["name"], data["jurisdiction"], data["password"])
