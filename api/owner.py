"""The database as its owner: migrations, grants, key rotation and backups.

On PostgreSQL the app connects (``DATABASE_URL``) as a role that owns no table and
may not rewrite the journal (``ledger/store/grants.py``); what must alter the schema or
rewrite keyed columns connects as the owner, ``MIGRATION_DATABASE_URL``. Without it
(SQLite, or a single-role PostgreSQL set-up) the app's own URL is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Engine, create_engine

from .db import db

ENV_OWNER_URL = "MIGRATION_DATABASE_URL"
ENV_APP_ROLE = "LEDGER_APP_ROLE"


def owner_url(app: Flask) -> str | None:
    return app.config.get(ENV_OWNER_URL) or os.environ.get(ENV_OWNER_URL) or None


def app_role(app: Flask) -> str | None:
    return app.config.get(ENV_APP_ROLE) or os.environ.get(ENV_APP_ROLE) or None


@contextmanager
def owner_engine(app: Flask) -> Iterator[Engine]:
    """The owner's engine, disposed afterwards; the app's own when no owner URL is set."""
    url = owner_url(app)
    if url is None:
        with app.app_context():
            yield db.engine
        return
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
