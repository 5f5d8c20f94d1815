"""Before a view runs: JSON nested deeper than ``MAX_JSON_DEPTH`` is 400
``json_too_deep``, and unacceptable text (``ledger.text``) in any JSON body, form or
query string is 422 ``text_invalid``, so no operation can carry a NUL or a lone
surrogate to either database, and no name a bidirectional override.

It runs after the body's size is bounded (api.bodies). A body nested past the
interpreter's recursion limit (100,000 levels) fails the parser with RecursionError,
which is answered as too deep rather than as a 500.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, UnprocessableEntity

from ledger.text import problem

from .json_body import parse_once

MAX_JSON_DEPTH = 32

# The fields that hold a name of a person, a base, a unit or a project.
NAME_FIELDS = frozenset({"name", "title", "host_unit", "supervising_unit", "accessor_name"})


def _printable(key: str) -> str:
    # An error must not echo a surrogate back: the answer could not be encoded.
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _walk(value: Any, path: str, found: dict[str, list[str]], name: bool = False) -> None:
    if isinstance(value, str):
        reason = problem(value, name=name)
        if reason:
            found.setdefault(path or "(body)", []).append(reason)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key is None:  # a multipart part with no name: no field it could fill
                found.setdefault(path or "(body)", []).append("a part has no name")
                continue
            key_reason = problem(key) if isinstance(key, str) else None
            child = f"{path}.{_printable(key)}" if path else _printable(key)
            if key_reason:
                found.setdefault(child, []).append(f"the field name {key_reason}")
                continue
            _walk(item, child, found, key in NAME_FIELDS)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", found, name)


def _too_deep() -> BadRequest:
    error = BadRequest()
    error.data = {"code": "json_too_deep",
                  "message": f"JSON may nest at most {MAX_JSON_DEPTH} levels deep"}
    return error


def _printable_within(value: Any, depth: int) -> bool:
    """True when every string (and key) is printable, the common case, checked fast;
    raises json_too_deep when arrays and objects nest more than ``depth`` deep."""
    if isinstance(value, str):
        return value.isprintable()
    if isinstance(value, dict):
        if depth == 0:
            raise _too_deep()
        return all(k.isprintable() and _printable_within(v, depth - 1)
                   for k, v in value.items())
    if isinstance(value, list):
        if depth == 0:
            raise _too_deep()
        return all(_printable_within(v, depth - 1) for v in value)
    return True


def _check_text() -> None:
    found: dict[str, dict[str, list[str]]] = {}
    for location, values in (("query", request.args), ("form", _form())):
        bad: dict[str, list[str]] = {}
        for key in values:
            _walk({key: values.getlist(key)}, "", bad)
        if bad:
            found[location] = {k.split("[")[0]: v for k, v in bad.items()}
    if request.is_json and request.content_length:
        try:
            body = parse_once(request.get_data(cache=True))
        except RecursionError as exc:
            raise _too_deep() from exc
        except json.JSONDecodeError:
            body = None  # malformed JSON is the schema parser's 400 to give
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            error = BadRequest()
            error.data = {"code": "json_invalid", "message": "the JSON body cannot be read"}
            raise error from exc
        if not _printable_within(body, MAX_JSON_DEPTH):
            bad = {}
            _walk(body, "", bad)
            if bad:
                found["json"] = bad
    if found:
        error = UnprocessableEntity()
        error.data = {"code": "text_invalid", "messages": found,
                      "message": "text holds characters the ledger does not accept"}
        raise error


def _form():
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form
    return {}


def init_app(app: Flask) -> None:
    app.before_request(_check_text)
