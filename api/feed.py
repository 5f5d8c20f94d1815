"""The feed to the province (四川 第二十七条、第三十一条): credits and reversals by cursor,
and the push's dead letters, which a regulator can see and replay."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ledger.services import feed

from .db import ledger_context
from .docs import secured
from .schemas import DeliverySchema, FeedPageSchema, FeedQuerySchema

blp = Blueprint("feed", __name__, url_prefix="/v1/feed",
                description="A cursor-paged feed of credits and reversals, and its push")


@blp.route("", methods=["GET"])
@blp.response(200, FeedPageSchema)
@secured(blp, 404)
@blp.arguments(FeedQuerySchema, location="query")
def read(query):
    """Credits and reversals in the caller's jurisdiction after the cursor"""
    return feed.read_feed(ledger_context(), g.actor, query["after"], query["limit"])


@blp.route("/dead-letters", methods=["GET"])
@blp.response(200, DeliverySchema(many=True))
@secured(blp, 404)
def dead_letters():
    """Items the push gave up on after its retries"""
    return feed.dead_letters(ledger_context(), g.actor)


@blp.route("/dead-letters/<id:seq>/replay", methods=["POST"])
@blp.response(200, DeliverySchema)
@secured(blp, 404, 409)
def replay(seq):
    """Queue a dead letter again; the next push sends it"""
    return feed.replay(ledger_context(), g.actor, seq)
