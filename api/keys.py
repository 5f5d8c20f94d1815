"""Where the app finds its ID-hash key ring, and the refusal to start without the right one.

Sources, first found wins: ``ID_HASH_KEY`` in the app's config (tests), the
``LEDGER_ID_HASH_KEY`` environment variable, the file ``ID_HASH_KEY_PATH``
(``LEDGER_ID_HASH_KEY_FILE``; ``instance/id-hash.key`` by default). A key is generated
only for a database that holds no one; a database with people and no key, or with a
key that fails the stored check value, stops the app (issue 10: a silently replaced
key split every person in two).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import OperationalError

from ledger import keys
from ledger.services import keys as key_service

from .db import db
from .owner import owner_engine

ENV_KEY = "LEDGER_ID_HASH_KEY"
ENV_FILE = "LEDGER_ID_HASH_KEY_FILE"
ENV_CHECK = "LEDGER_KEY_CHECK"  # "off" only to restore a backup over a broken install

log = logging.getLogger(__name__)


def key_path(app: Flask) -> Path:
    return Path(app.config["ID_HASH_KEY_PATH"])


def configured_ring(app: Flask) -> tuple[keys.Ring | None, str]:
    """The ring from config, environment or file, and where it came from."""
    if app.config.get("ID_HASH_KEY"):
        return keys.parse_ring(app.config["ID_HASH_KEY"], "ID_HASH_KEY"), "config"
    if os.environ.get(ENV_KEY):
        return keys.parse_ring(os.environ[ENV_KEY], ENV_KEY), "environment"
    path = key_path(app)
    return keys.read_ring(path), str(path)


def init_app(app: Flask) -> None:
    """Find the ring, check it against the database, and keep it for the services.

    Raises ``keys.IdKeyError`` rather than start with a missing or wrong key.
    """
    app.config.setdefault("ID_KEY_CHECK", os.environ.get(ENV_CHECK, "on") != "off")
    ring, source = configured_ring(app)
    if not app.config["ID_KEY_CHECK"]:
        app.extensions["ledger_id_key"] = ring or (keys.new_key(),)
        return
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                state = key_service.key_state(conn)
                if ring is None:
                    key_service.refuse_missing(state, f"looked in {source} and ${ENV_KEY}")
                    ring = _generate(key_path(app))
                key_service.check_or_record(conn, ring, state)
                conn.commit()
        except OperationalError as exc:
            if ring is None:
                raise keys.IdKeyError(
                    "no ID-hash key, and the database cannot be reached to tell whether "
                    "one is needed; refusing to make a new one") from exc
            log.warning("ID-hash key not checked: the database is unreachable (%s)", exc)
        finally:
            db.engine.dispose()
    app.extensions["ledger_id_key"] = ring


def _generate(path: Path) -> keys.Ring:
    """A first key for an empty database; a concurrent starter's file wins."""
    ring = (keys.new_key(),)
    try:
        keys.write_ring(path, ring, exclusive=True)
    except FileExistsError:
        pass
    found = keys.read_ring(path)
    if found is None:
        raise keys.IdKeyError(f"{path}: could not be written")
    log.warning("generated a new ID-hash key in %s: back it up with the database", path)
    return found


def rotate_id_key(app: Flask, out: Path | None = None) -> dict:
    """Append a new key to the ring and re-key every keyed column in one transaction.

    The new ring goes to ``out``, or to the key file the ring was read from; a ring
    given in the environment needs ``out`` (the operator then puts it back there).
    Stop the web workers and the scheduler first: they hold the old ring in memory.
    """
    ring = tuple(app.extensions["ledger_id_key"])
    _, source = configured_ring(app)
    target = out or (key_path(app) if source == str(key_path(app)) else None)
    if target is None:
        raise keys.IdKeyError(f"the ID-hash key came from the {source}: give a file to "
                              "write the new ring to")
    new = keys.new_key()
    staged = keys.stage_ring(target, (*ring, new))
    try:
        with owner_engine(app) as engine, engine.begin() as conn:
            counts = key_service.rotate(conn, ring, new)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    os.replace(staged, target)
    app.extensions["ledger_id_key"] = (*ring, new)
    return {"keys_in_ring": len(ring) + 1, "key_file": str(target), "rewrapped": counts}
