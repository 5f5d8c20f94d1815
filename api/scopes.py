"""A base's scope as its regulator grants it (常州 第四条 培训权限), dated."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from ledger.services import scopes

from .db import ledger_context
from .docs import secured
from .schemas import ScopeGrantCreateSchema, ScopeGrantSchema

blp = Blueprint("scopes", __name__, url_prefix="/v1",
                description="The scope a regulator grants a base, from a date")


@blp.route("/bases/<id:base_id>/scope-grants")
class ScopeGrants(MethodView):
    @blp.response(200, ScopeGrantSchema(many=True))
    @secured(blp, 404)
    def get(self, base_id):
        """A base's scope decisions, oldest first"""
        return scopes.list_grants(ledger_context(), g.actor, base_id)

    @blp.response(201, ScopeGrantSchema)
    @secured(blp, 404)
    @blp.arguments(ScopeGrantCreateSchema)
    def post(self, data, base_id):
        """Record the scope a base holds from a date (widen a county base's default)"""
        return scopes.grant_scope(ledger_context(), g.actor, base_id,
                                  scopes.NewScopeGrant(**data))
