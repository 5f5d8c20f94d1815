"""The policy profiles, public: what is in force, where, and since when."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from fractions import Fraction

from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger import jurisdiction as divisions
from ledger.errors import NotFound
from ledger.policy import NoProfileInForce, Profile

from .db import ledger_context
from .docs import errors
from .schemas import JurisdictionPolicySchema, PolicyProfileSchema, PolicyQuerySchema

blp = Blueprint("policies", __name__, url_prefix="/v1",
                description="Jurisdictions' policy profiles, as data with their sources")


def _profile(profile: Profile, on: date) -> dict:
    return {
        "key": profile.key, "jurisdiction": profile.jurisdiction, "name": profile.name,
        "version": profile.version, "document": profile.document, "source": profile.source,
        "effective_from": profile.effective_from, "effective_to": profile.effective_to,
        "parent": profile.parent, "draft": profile.draft, "in_force": profile.in_force(on),
        "enabled": profile.enabled,
        "params": {name: {"value": str(p.value) if isinstance(p.value, Fraction) else p.value,
                          **asdict(p.citation)} for name, p in profile.params.items()},
        "rules": {name: asdict(c) for name, c in profile.rules.items()},
    }


@blp.route("/policies", methods=["GET"])
@blp.response(200, PolicyProfileSchema(many=True))
@errors(blp, 400)
@blp.arguments(PolicyQuerySchema, location="query", unknown=RAISE)
def in_force(query):
    """Every jurisdiction's profile in force on a date (today if absent)"""
    ctx = ledger_context()
    on = query.get("on") or ctx.today()
    profiles = sorted(ctx.policies.all(), key=lambda p: (p.jurisdiction, p.effective_from))
    return [_profile(p, on) for p in profiles if p.in_force(on)]


@blp.route("/policies/<string(length=6):code>", methods=["GET"])
@blp.response(200, JurisdictionPolicySchema)
@errors(blp, 400, 404)
@blp.arguments(PolicyQuerySchema, location="query", unknown=RAISE)
def for_jurisdiction(query, code):
    """What applies in a jurisdiction on a date, and its own profiles' history"""
    ctx = ledger_context()
    if not divisions.is_code(code):
        raise NotFound(f"{code!r} is not a GB/T 2260 code", code="jurisdiction_not_found")
    on = query.get("on") or ctx.today()
    try:
        applies = [_profile(p, on) for p in ctx.policies.resolve(code, on).chain]
    except NoProfileInForce:
        applies = []
    return {"jurisdiction": code, "on": on, "applies": applies,
            "history": [_profile(p, on) for p in ctx.policies.history(code)]}
