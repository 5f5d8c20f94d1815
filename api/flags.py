"""Anomaly flags (乱办班、只收费不培训) for regulators: list, read, resolve, scan."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ledger.services import flags

from .db import ledger_context
from .docs import secured
from .schemas import FlagQuerySchema, FlagResolutionSchema, FlagScanSchema, FlagSchema

blp = Blueprint("flags", __name__, url_prefix="/v1",
                description="Anomaly flags with their evidence; a flag never changes a credit")


@blp.route("/flags", methods=["GET"])
@blp.response(200, FlagSchema(many=True))
@secured(blp, 404)
@blp.arguments(FlagQuerySchema, location="query")
def list_flags(query):
    """The flags in the regulator's jurisdiction, newest first"""
    return flags.list_flags(ledger_context(), g.actor, **query)


@blp.route("/flags/<id:flag_id>", methods=["GET"])
@blp.response(200, FlagSchema)
@secured(blp, 404)
def get_flag(flag_id):
    """One flag with its evidence"""
    return flags.get_flag(ledger_context(), g.actor, flag_id)


@blp.route("/flags/<id:flag_id>/resolution", methods=["POST"])
@blp.response(200, FlagSchema)
@secured(blp, 404, 409)
@blp.arguments(FlagResolutionSchema)
def resolve(body, flag_id):
    """Resolve a flag; resolving an overlap decides again the postings it held"""
    return flags.resolve_flag(ledger_context(), g.actor, flag_id, body["resolution"],
                              body["note"])


@blp.route("/flags/scan", methods=["POST"])
@blp.response(200, FlagSchema(many=True))
@secured(blp, 404)
@blp.arguments(FlagScanSchema)
def scan(body):
    """Run the detectors over one project in the regulator's jurisdiction now"""
    return flags.scan_project(ledger_context(), g.actor, body["project_id"])
