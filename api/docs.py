"""Decorators that both enforce and document: bearer auth and the errors a view answers."""

from __future__ import annotations

import http

from flask_smorest import Blueprint

from .auth import authenticated

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
        view = errors(blp, 401, *statuses)(authenticated(view))
        return blp.doc(security=BEARER)(view)

    return decorate
