"""Guessing is slow: rate limits per address and, at the token endpoint, per client id,
kept in storage every gunicorn worker shares, answered with 429 problem+json and
Retry-After.

Storage is ``RATELIMIT_STORAGE_URI`` (environment ``LEDGER_RATELIMIT_STORAGE``): Redis in
production, e.g. ``redis+unix:///run/redis/redis-server.sock``; ``memory://`` only serves
one process, so gunicorn.conf.py refuses it for more than one worker. The limits are
strings in the ``limits`` notation (``10/minute``), each a config value.
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import time
from urllib.parse import unquote_plus

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import TooManyRequests

LIMITS = {
    # Every request, per address: far above what one LMS sends (a batch a second).
    "RATELIMIT_PER_ADDRESS": "1200/minute",
    # The token endpoint, per address, every request counted.
    "RATELIMIT_TOKEN_PER_ADDRESS": "60/minute",
    # Every authenticated request, per token subject (a client or a professional):
    # twenty requests a second (of up to 1000 items each) is far beyond any LMS.
    "RATELIMIT_PER_SUBJECT": "1200/minute",
    # The token endpoint, per client id or username: only refused attempts count, so a
    # client that fetches tokens often is never slowed, and a guesser is after ten.
    "RATELIMIT_TOKEN_PER_CLIENT": "10/minute",
}

limiter = Limiter(key_func=get_remote_address, default_limits=[
    lambda: current_app.config["RATELIMIT_PER_ADDRESS"]])


def _limit(name: str):
    return lambda: current_app.config[name]


def credential_owner() -> str:
    """The client id or username a token request is for (form or HTTP Basic)."""
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")[0]
            return "client:" + unquote_plus(user)
        except (ValueError, binascii.Error):
            return "client:(malformed)"
    owner = (request.form.get("client_id") or request.form.get("username")
             or request.form.get("id_number") or "")
    return "client:" + owner.strip().upper()


def limit_subject(subject: str) -> None:
    """Count a request of an authenticated ``subject``; 429 with Retry-After past its
    limit. Called once the token is verified, so no one can spend another's allowance."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    item = parse(current_app.config["RATELIMIT_PER_SUBJECT"])
    strategy = limiter.limiter
    if strategy.hit(item, "subject", subject):
        return
    reset = strategy.get_window_stats(item, "subject", subject).reset_time
    error = TooManyRequests()
    error.data = {"code": "too_many_requests",
                  "message": f"more than {item} for this client",
                  "headers": {"Retry-After": str(max(1, math.ceil(reset - time.time())))}}
    raise error


def _refused(response: Response) -> bool:
    return response.status_code in (400, 401)


token_per_address = limiter.limit(_limit("RATELIMIT_TOKEN_PER_ADDRESS"))
token_per_client = limiter.limit(_limit("RATELIMIT_TOKEN_PER_CLIENT"),
                                 key_func=credential_owner, deduct_when=_refused)


# The pages' login forms (api/pages): the token endpoint's limits, counted on POST only
# (showing the form is free); a refused page login answers 401 or 422.
login_per_address = limiter.limit(_limit("RATELIMIT_TOKEN_PER_ADDRESS"), methods=["POST"])
login_per_credential = limiter.limit(
    _limit("RATELIMIT_TOKEN_PER_CLIENT"), key_func=credential_owner, methods=["POST"],
    deduct_when=lambda response: response.status_code in (400, 401, 422))


def _remember_retry_after(response: Response) -> Response:
    g.own_retry_after = response.headers.get("Retry-After")
    return response


def _settle_retry_after(response: Response) -> Response:
    """The limiter puts its window's reset in Retry-After on every answer; only a 429
    means it. Any other answer keeps its own (a 503's), or none."""
    if response.status_code != 429:
        own = g.get("own_retry_after")
        if own is None:
            response.headers.pop("Retry-After", None)
        else:
            response.headers["Retry-After"] = own
        return response
    # The window's reset can be under a second away, which the limiter rounds to 0:
    # a client told "Retry-After: 0" retries at once.
    if response.status_code == 429:
        try:
            seconds = int(response.headers.get("Retry-After", "0"))
        except ValueError:
            return response
        response.headers["Retry-After"] = str(max(1, seconds))
    return response


def init_app(app: Flask) -> None:
    for name, value in LIMITS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("RATELIMIT_STORAGE_URI",
                          os.environ.get("LEDGER_RATELIMIT_STORAGE", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "xueshi-ledger")
    # Should Redis go away, each worker limits on its own until it is back, rather than
    # every request failing or no limit holding at all.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # Flask runs after_request hooks in reverse: remember, then the limiter, then settle.
    app.after_request(_settle_retry_after)
    # One Limiter serves every app this process builds (the tests build many): that an
    # earlier app found its storage dead says nothing about this app's.
    limiter._storage_dead = False
    limiter.init_app(app)
    app.after_request(_remember_retry_after)
    limiter.exempt(app.view_functions["healthz"])
