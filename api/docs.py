"""Decorators that both enforce and document: bearer auth and the errors a view answers."""

from __future__ import annotations

import http

from flask_smorest import Blueprint
from werkzeug.routing import IntegerConverter

from .auth import authenticated
from .schemas import MAX_ID

BEARER = [{"bearerAuth": []}]


def errors(blp: Blueprint, *statuses: int):
    """Document problem+json answers for these statuses."""

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


def secured(blp: Blueprint, *statuses: int):
    """Require a bearer token (checked before the body is parsed) and document it."""

    def decorate(view):
        view = errors(blp, 400, 401, *statuses)(authenticated(view))
        return blp.doc(security=BEARER)(view)

    return decorate


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive 32-bit id; anything larger cannot exist, so it is 404."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def id_schema(_converter) -> dict:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
