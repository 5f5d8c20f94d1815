"""`flask ledger backup DEST` and `flask ledger restore SRC`: the database, copied
consistently, with the keys it cannot be read without.

A backup is a directory (mode 0700) holding

- ``ledger.sqlite3`` (SQLite's online backup API: a consistent copy while the app runs)
  or ``ledger.dump`` (``pg_dump --format=custom``: one snapshot, restored as the owner);
- ``id-hash.key``: the ID-hash key ring; without it no person can be looked up;
- ``jwt-ed25519.pem``: the signing key, so attestations already issued still verify;
- ``jwt-ed25519.pem.retired.jwks.json`` (when a key was rotated): the retired public
  keys, still published so attestations signed with them verify;
- ``manifest.json``: what was copied, each file's SHA-256, the schema revision and the
  ID key's check value, so a restore refuses a backup whose key is not its database's.

A restore never destroys a key: a different key file already in place is kept beside
it as ``<name>.replaced-<time>``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import SQLAlchemyError

from ledger import keys
from ledger.store import Base, Entry, KeyCheck, Professional
from ledger.store.grants import grant_app_role

from .db import db
from .keys import key_path
from .owner import app_role, owner_engine, owner_url

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE, PG_FILE = "ledger.sqlite3", "ledger.dump"
ID_KEY_FILE, JWT_KEY_FILE = "id-hash.key", "jwt-ed25519.pem"
RETIRED_FILE = JWT_KEY_FILE + ".retired.jwks.json"


class BackupError(Exception):
    """A backup or a restore that cannot be done safely; nothing was changed."""


def backup(app: Flask, dest: Path) -> dict[str, Any]:
    """Copy the database and its keys into the new directory ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} exists and is not empty")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(dest, 0o700)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        facts = _facts()
    ring = tuple(app.extensions["ledger_id_key"])
    if facts["id_key_check"] not in (None, keys.check_value(ring)):
        raise BackupError("the ID-hash key in use does not match the database")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), dest / SQLITE_FILE)
        database = SQLITE_FILE
    else:
        _pg("pg_dump", owner_url(app) or str(url.render_as_string(hide_password=False)),
            "--format=custom", "--no-owner", "--no-privileges", f"--file={dest / PG_FILE}")
        database = PG_FILE
    keys.write_ring(dest / ID_KEY_FILE, ring, exclusive=True)
    shutil.copyfile(app.config["JWT_KEY_PATH"], dest / JWT_KEY_FILE)
    os.chmod(dest / JWT_KEY_FILE, 0o600)
    copied = [database, ID_KEY_FILE, JWT_KEY_FILE]
    retired = _retired(Path(app.config["JWT_KEY_PATH"]))
    if retired.exists():
        shutil.copyfile(retired, dest / RETIRED_FILE)
        copied.append(RETIRED_FILE)
    manifest = {
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
        "backend": url.get_backend_name(), "database": database,
        **facts, "id_key_check": keys.check_value(ring),
        "files": {name: _sha256(dest / name) for name in copied},
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(app: Flask, src: Path, *, force: bool = False) -> dict[str, Any]:
    """Put the backup in ``src`` in place of the app's database and keys.

    Refuses a damaged backup, one whose key ring does not match its check value, one
    made on another kind of database, and (unless ``force``) a database that holds data.
    """
    manifest = _checked_manifest(src)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if manifest["backend"] != url.get_backend_name():
        raise BackupError(f"a {manifest['backend']} backup cannot be restored into "
                          f"{url.get_backend_name()}")
    with app.app_context():
        holds = _holds_data()
    if holds and not force:
        raise BackupError("the database holds data; restoring replaces it (use --force)")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(src / SQLITE_FILE, Path(url.database))
    else:
        _pg("pg_restore", owner_url(app) or url.render_as_string(hide_password=False),
            "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", str(src / PG_FILE))
        role = app_role(app)
        if role:
            with owner_engine(app) as engine, engine.begin() as conn:
                grant_app_role(conn, role, Base.metadata)
    placed = {"id_hash_key": _place(src / ID_KEY_FILE, key_path(app)),
              "signing_key": _place(src / JWT_KEY_FILE, Path(app.config["JWT_KEY_PATH"]))}
    if (src / RETIRED_FILE).exists():
        placed["retired_keys"] = _place(src / RETIRED_FILE,
                                        _retired(Path(app.config["JWT_KEY_PATH"])))
    return {"restored": manifest["database"], "created_at": manifest["created_at"],
            "professionals": manifest["professionals"], "entries": manifest["entries"],
            **placed}


def _retired(signing_key: Path) -> Path:
    """Where the key set keeps retired public keys (ledger/services/keyset.py)."""
    return signing_key.with_name(signing_key.name + ".retired.jwks.json")


def _facts() -> dict[str, Any]:
    """What the manifest says of the database, read on a connection of its own (the
    caller's session, and its transaction, are left alone)."""
    with db.engine.connect() as conn:
        return {"schema_revision": conn.scalar(text("SELECT version_num FROM alembic_version")),
                "professionals": conn.scalar(select(func.count()).select_from(Professional)),
                "entries": conn.scalar(select(func.count()).select_from(Entry)),
                "id_key_check": conn.scalar(select(KeyCheck.value).where(
                    KeyCheck.name == keys.CHECK_NAME))}


def _holds_data() -> bool:
    try:
        facts = _facts()
    except SQLAlchemyError:  # no tables yet: a new, empty database
        return False
    return bool(facts["professionals"] or facts["entries"])


def _checked_manifest(src: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src}: no readable {MANIFEST} ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: backup format {manifest.get('format')} is not {FORMAT}")
    for name, digest in manifest["files"].items():
        if not (src / name).is_file() or _sha256(src / name) != digest:
            raise BackupError(f"{src / name}: missing or damaged (checksum differs)")
    ring = keys.read_ring(src / ID_KEY_FILE)
    if ring is None or keys.check_value(ring) != manifest["id_key_check"]:
        raise BackupError(f"{src}: the ID-hash key ring does not match the backup's check")
    return manifest


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while writers are busy."""
    if not source.is_file():
        raise BackupError(f"{source}: no such database file")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg(tool: str, url: str, *args: str) -> None:
    """Run pg_dump or pg_restore against a SQLAlchemy URL; the password travels in the
    environment, never on the command line."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    result = subprocess.run([_pg_binary(tool), f"--dbname={conninfo}", *args], env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")


def _pg_binary(tool: str) -> str:
    """The newest installed version (pg_dump must be at least the server's)."""
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda d: int(Path(d).parent.name), reverse=True):
        if Path(bindir, tool).exists():
            return str(Path(bindir, tool))
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} is not installed (Debian: postgresql-client)")
    return found


def _place(source: Path, target: Path) -> str:
    """Copy a key into place (0600), keeping a different one already there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if target.read_bytes() == source.read_bytes():
            return str(target)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target.rename(target.with_name(f"{target.name}.replaced-{stamp}"))
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, staged)
    os.chmod(staged, 0o600)
    os.replace(staged, target)
    return str(target)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
