"""create_app(test_config=None): config, database, auth, blueprints, CLI and errors."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import event

import api.attendance as attendance_api
import api.cli_intake  # noqa: F401  (adds import-roster to the ledger CLI group)
import api.feed as feed_api
import api.flags as flags_api
import api.rosters as rosters_api
import api.xapi as xapi_api
from api import (
    auth,
    bases,
    bodies,
    cli,
    completions,
    docs,
    errors,
    keys,
    lifecycle,
    log,
    log_cli,
    pages,
    policies,
    projects,
    ratelimit,
    reading,
    regulation,
    schemas,
    scopes,
    serving,
    text,
    tokens,
    transfers,
)
from api.db import db
from ledger.clock import SandboxClock, SystemClock
from ledger.policy import POLICY_DIR, load_book, parse_enabled_drafts
from ledger.services.context import WRITE_OPTION

MIGRATIONS = str(Path(__file__).with_name("migrations"))


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("LEDGER_INSTANCE") or None)
    instance = Path(app.instance_path)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'ledger.sqlite3'}"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        JWT_KEY_PATH=os.environ.get("JWT_KEY_PATH", str(instance / "jwt-ed25519.pem")),
        ID_HASH_KEY_PATH=os.environ.get("LEDGER_ID_HASH_KEY_FILE") or os.environ.get(
            "ID_HASH_KEY_PATH", str(instance / "id-hash.key")),
        JWT_ISSUER=os.environ.get("JWT_ISSUER", "https://xueshi-ledger.local"),
        JWT_AUDIENCE="xueshi-ledger-api",
        JWT_TTL_SECONDS=900,
        JWT_LEEWAY_SECONDS=30,
        POLICY_DIR=str(POLICY_DIR),
        # Drafts in force by an operator's choice: "510000@2025-draft=2025-09-01,...".
        ENABLED_DRAFTS=os.environ.get("LEDGER_ENABLED_DRAFTS", ""),
        CLOCK=(SandboxClock(os.environ["LEDGER_SANDBOX_CLOCK"])
               if os.environ.get("LEDGER_SANDBOX_CLOCK") else SystemClock()),
        # Where people open the ledger: attestations' and transcripts' QR codes point here.
        PUBLIC_URL=os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        API_TITLE="Xueshi Ledger 学时账本",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "A ledger of continuing-education hours (继续教育学时)."},
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "oauth2": {"type": "oauth2", "flows": {
                    "clientCredentials": {"tokenUrl": "/v1/auth/token", "scopes": {}},
                    "password": {"tokenUrl": "/v1/auth/token", "scopes": {}}}}}},
        },
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    instance.mkdir(parents=True, exist_ok=True)

    # A malformed policy file stops the app here, naming the file and the key.
    app.extensions["ledger_policies"] = load_book(
        Path(app.config["POLICY_DIR"]), parse_enabled_drafts(app.config["ENABLED_DRAFTS"]))
    app.extensions["ledger_clock"] = app.config["CLOCK"]

    db.init_app(app)
    Migrate(app, db, directory=MIGRATIONS)
    with app.app_context():
        _tune(db.engine)
    keys.init_app(app)  # refuses to start with a missing or wrong ID-hash key
    auth.init_app(app)
    errors.init_app(app)
    serving.init_app(app)
    bodies.init_app(app)
    text.init_app(app)
    ratelimit.init_app(app)
    app.url_map.converters["id"] = docs.IdConverter
    api = errors.LedgerApi(app)
    api.register_converter(docs.IdConverter, docs.id_schema)
    app.extensions["ledger_api"] = api
    api.ma_plugin.converter.add_attribute_function(schemas.decimal_as_string)
    for module in (tokens, bases, projects, completions, reading, policies, regulation,
                   lifecycle):
        api.register_blueprint(module.blp)
    api.register_blueprint(transfers.blp)
    api.register_blueprint(log.blp)  # the Merkle log and attestation checks (issue 8)
    log_cli.add_commands(cli.cli)  # ledger seal, verify, rotate-key (issue 8)
    api.register_blueprint(scopes.blp)
    for module in (attendance_api, flags_api, xapi_api, rosters_api, feed_api):  # intake (issue 11)
        api.register_blueprint(module.blp)
    app.register_blueprint(cli.cli)
    pages.init_app(app)
    return app


def _tune(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A unit of work takes the write lock up front, so a read that later writes
        # never fails on a stale snapshot; plain reads stay deferred and block no one.
        write = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
