"""A professional's own record, committees' verifications, and professionals' registration."""

from __future__ import annotations

import hashlib
import json

from flask import g
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.services import reading

from .auth import sign_attestation
from .db import ledger_context
from .docs import secured
from .schemas import (
    AccessLogSchema,
    HoursSchema,
    ProfessionalCreateSchema,
    ProfessionalSchema,
    VerificationReportSchema,
    VerificationRequestSchema,
    VerificationSchema,
    YearsQuerySchema,
)

blp = Blueprint("reading", __name__, url_prefix="/v1",
                description="Professionals' hours and committees' verifications")


@blp.route("/me/hours", methods=["GET"])
@blp.response(200, HoursSchema)
@secured(blp, 404, 422)
@blp.arguments(YearsQuerySchema, location="query", unknown=RAISE)
def my_hours(query):
    """My hours per year and subject, compliance, and what did not credit and why"""
    return reading.my_hours(ledger_context(), g.actor, query.get("year_from"),
                            query.get("year_to"))


@blp.route("/me/access-log", methods=["GET"])
@blp.response(200, AccessLogSchema(many=True))
@secured(blp, 404)
def my_access_log():
    """Who read my record, when and why"""
    return reading.access_log(ledger_context(), g.actor)


@blp.route("/verifications", methods=["POST"])
@blp.response(200, VerificationSchema)
@secured(blp, 404, 422)
@blp.arguments(VerificationRequestSchema)
def verify(data):
    """A committee verifies a professional's hours over years; the answer is signed"""
    report = reading.verify(ledger_context(), g.actor, data["id_number"], data["name"],
                            data["year_from"], data["year_to"], data["purpose"])
    dumped = VerificationReportSchema().dump(report)
    digest = hashlib.sha256(json.dumps(dumped, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":")).encode()).hexdigest()
    attestation = sign_attestation({"sub": report["professional"]["id_masked"],
                                    "report_sha256": digest, "report": dumped})
    return {"report": report, "attestation": attestation}


@blp.route("/professionals", methods=["POST"])
@blp.response(201, ProfessionalSchema)
@secured(blp, 404, 409)
@blp.arguments(ProfessionalCreateSchema)
def register_professional(data):
    """Register a professional in the regulator's jurisdiction, optionally with a password"""
    return reading.register_professional(ledger_context(), g.actor, data["id_number"],
                                         data["name"], data["jurisdiction"], data["password"])
