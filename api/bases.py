"""Bases, their standing, their clients, and the public register."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.services import assessments, bases, clients
from ledger.standing import EventType, StandingEvent
from ledger.store import TrainingBase

from .db import ledger_context
from .docs import errors, secured
from .schemas import (
    BaseCreateSchema,
    BaseSchema,
    ClientCreateSchema,
    ClientCredentialsSchema,
    RegistryEntrySchema,
    RegistryQuerySchema,
    StandingEventCreateSchema,
    StandingEventSchema,
    StandingQuerySchema,
    StandingSchema,
)

blp = Blueprint("bases", __name__, url_prefix="/v1", description="Bases and their standing")


def _standing(standing, on) -> dict:
    return {"on": on, "status": str(standing.status), "good": standing.good,
            "since": standing.since, "rectification_due": standing.rectification_due}


@blp.route("/bases", methods=["POST"])
@blp.response(201, BaseSchema)
@secured(blp, 404)
@blp.arguments(BaseCreateSchema)
def register_base(data):
    """Register a base in the regulator's jurisdiction"""
    return bases.register_base(ledger_context(), g.actor, bases.NewBase(**data))


@blp.route("/bases/<id:base_id>", methods=["GET"])
@blp.response(200, BaseSchema)
@secured(blp, 404)
def get_base(base_id):
    """A base, for its own LMS or a regulator over it"""
    return bases.base_in_reach(ledger_context(), g.actor, base_id)


@blp.route("/bases/<id:base_id>/standing", methods=["GET"])
@blp.response(200, StandingSchema)
@secured(blp, 404)
@blp.arguments(StandingQuerySchema, location="query", unknown=RAISE)
def get_standing(query, base_id):
    """A base's standing on a date (today if absent)"""
    ctx = ledger_context()
    bases.base_in_reach(ctx, g.actor, base_id)
    on = query.get("on") or ctx.today()
    return _standing(bases.standing(ctx, base_id, on), on)


@blp.route("/bases/<id:base_id>/standing-events")
class StandingEvents(MethodView):
    @blp.response(200, StandingEventSchema(many=True))
    @secured(blp, 404)
    def get(self, base_id):
        """A base's standing events, oldest first"""
        ctx = ledger_context()
        bases.base_in_reach(ctx, g.actor, base_id)
        return bases.events_of(ctx, base_id)

    @blp.response(201, StandingEventSchema)
    @secured(blp, 404)
    @blp.arguments(StandingEventCreateSchema)
    def post(self, data, base_id):
        """Append a standing event: recognised, rectification ordered, revoked, ..."""
        event = StandingEvent(EventType(data["type"]), data["effective_on"], data["due_on"],
                              data["void_from"], data["reason"], data["term_end"],
                              data["misconduct"], data["document_number"], data["basis"])
        return bases.append_standing_event(ledger_context(), g.actor, base_id, event)


@blp.route("/bases/<id:base_id>/clients", methods=["POST"])
@blp.response(201, ClientCredentialsSchema)
@secured(blp, 404)
@blp.arguments(ClientCreateSchema)
def create_base_client(data, base_id):
    """Issue API credentials for a base's LMS; the secret is shown only once"""
    client, secret = clients.create_base_client(ledger_context(), g.actor, base_id,
                                                data["name"])
    return {"client_id": client.client_id, "client_secret": secret, "role": client.role,
            "base_id": client.base_id, "jurisdiction_code": client.jurisdiction_code}


@blp.route("/registry/bases", methods=["GET"])
@blp.response(200, RegistryEntrySchema(many=True))
@errors(blp, 400)
@blp.arguments(RegistryQuerySchema, location="query", unknown=RAISE)
def registry(query):
    """The public register of bases with their standing (公布); no token needed"""
    ctx = ledger_context()
    on = query.get("on") or ctx.today()
    rows = bases.registry(ctx, on, query.get("jurisdiction"))
    ids = [base.id for base, _ in rows]
    changes = bases.changes_of(ctx, ids)
    published = assessments.published(ctx, ids)
    return [{**{c.key: getattr(base, c.key) for c in TrainingBase.__table__.columns},
             "standing": _standing(standing, on),
             "assessments": published.get(base.id, []),
             "changes": changes.get(base.id, [])} for base, standing in rows]
