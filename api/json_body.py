"""A JSON body is parsed once a request.

api.text parses every JSON body before the view (depth and text checks); webargs
then parsed the same bytes again for the schema (~8 ms of a 1000-item batch). The
text check keeps what it parsed in the request's WSGI environ (not ``flask.g``: an
app context can outlive a request, in tests it spans many) when it parsed the body exactly as
webargs would (UTF-8 text, ``json.loads``), and the blueprints' parser answers with it.
Anything else (no body, another encoding, malformed JSON) is left to webargs, so its
answers (400s included) stay as they were.
"""

from __future__ import annotations

import json
from typing import Any

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

_NOTHING = object()
_KEY = "ledger.json_body"


def parse_once(data: bytes) -> Any:
    """The body as webargs.core.parse_json reads it, kept for the parser. Raises what
    ``json.loads`` raises on the body as given when it is not UTF-8 JSON."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # Not what webargs would accept: the text check reads it as it always did
        # (json.loads detects other encodings) and webargs gives its own answer.
        return json.loads(data)
    flask.request.environ[_KEY] = body
    return body


class ParsedOnceParser(FlaskParser):
    """A FlaskParser that takes the body api.text already parsed, if it did."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        body = req.environ.get(_KEY, _NOTHING)
        if body is _NOTHING:
            return super()._raw_load_json(req)
        return body


def install() -> None:
    """Every flask-smorest Blueprint parses with ParsedOnceParser. Its parser is bound
    when a view is decorated, so this runs when the api package is imported, before any
    blueprint module."""
    flask_smorest.Blueprint.ARGUMENTS_PARSER = ParsedOnceParser()
