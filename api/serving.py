"""What production serving needs from the app: a request id on every request and log
line (X-Request-Id in and out), JSON logs, ``/healthz`` that asks the database, and
503 with Retry-After, not 500, while the database is away."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .db import db
from .errors import problem

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
RETRY_AFTER_SECONDS = 5
access_log = logging.getLogger("ledger.access")
log = logging.getLogger(__name__)


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with the request id of the request that logged it."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        for key in ("method", "path", "status", "duration_ms", "remote_addr"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _begin() -> None:
    # A caller's id is kept when it is a plausible token, so one id follows a request
    # through a proxy, the app and the logs; anything else is replaced, not echoed.
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("request_id") or uuid.uuid4().hex
    started = g.get("started")
    access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "request_id": g.get("request_id"), "method": request.method, "path": request.path,
        "status": response.status_code, "remote_addr": request.remote_addr,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None})
    return response


def database_unavailable(error: Exception) -> Response:
    """The database cannot be reached (or is locked past the timeout): try again soon."""
    log.warning("database unavailable: %s", type(error).__name__)
    db.session.remove()
    return problem(503, "database_unavailable", "the database is unavailable; try again",
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def lost_race(error: IntegrityError) -> Response:
    """A write that lost to concurrent writers more times than a unit of work retries
    (services.context.unit_of_work): nothing was written, and the same request (with
    its Idempotency-Key) can be sent again."""
    log.warning("write conflict after retries: %s", type(error.orig).__name__)
    db.session.remove()
    return problem(503, "write_conflict", "concurrent writes collided; send it again",
                   headers={"Retry-After": "1"})


def healthz() -> Response:
    """200 when the database answers, 503 with Retry-After when it does not."""
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    return Response(json.dumps({"status": "ok", "database": "ok"}), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    # Alembic's fileConfig disables every logger that exists when migrations run in the
    # same process (a test session, `flask db upgrade` before serving): not these.
    access_log.disabled = log.disabled = False
    app.before_request(_begin)
    app.after_request(_finish)
    for kind in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(kind, database_unavailable)
    app.register_error_handler(IntegrityError, lost_race)
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
