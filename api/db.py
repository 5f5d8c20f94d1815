"""Flask-SQLAlchemy bound to the ledger's own metadata, and the services' Context."""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy import SQLAlchemy

from ledger.services import Context
from ledger.store import Base

db = SQLAlchemy(metadata=Base.metadata)


def ledger_context() -> Context:
    ext = current_app.extensions
    # LEDGER_LOG=False only for the benchmark that measures what the Merkle log costs.
    db.session.info["ledger_log"] = current_app.config.get("LEDGER_LOG", True)
    return Context(session=db.session, clock=ext["ledger_clock"],
                   policies=ext["ledger_policies"], id_key=ext["ledger_id_key"],
                   signer=ext.get("ledger_keyset"),
                   public_url=current_app.config["PUBLIC_URL"])
