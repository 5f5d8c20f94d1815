"""The pages for people: professionals, committees and the public (in Chinese).

Pages call the same services as the API; a page view loads a form, calls one service
and renders a template. ``init_app`` registers the blueprints and the session, CSRF and
cookie settings they share.
"""

from __future__ import annotations

from flask import Flask

from .. import activation, grants
from . import base, committee, me, public, web


def init_app(app: Flask) -> None:
    """Register the pages, and the API twins of what only they did before: activation
    codes (the activation form spends them) and grants to committees."""
    for module in (activation, grants):
        app.extensions["ledger_api"].register_blueprint(module.blp)
    web.init_app(app)
    for module in (public, me, committee, base):
        app.register_blueprint(module.bp)
