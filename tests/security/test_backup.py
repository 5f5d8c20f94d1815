"""Issue 10 item 9 (part): `flask ledger backup` copies the database consistently with
the keys it cannot be read without, and `flask ledger restore` brings it all back."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from api.backup import BackupError, backup, restore
from api.db import db
from app import create_app

from ..world import World


@pytest.fixture
def target(request, backend, tmp_path):
    """An empty database of the same kind to restore into."""
    if backend == "sqlite":
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'ledger.sqlite3'}"
        return
    admin = create_engine(request.getfixturevalue("postgres_url"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS ledger_restored"))
        conn.execute(text("CREATE DATABASE ledger_restored"))
    url = str(admin.url.set(database="ledger_restored").render_as_string(hide_password=False))
    admin.dispose()
    yield url


def start(url, tmp_path, clock):
    """The app as an operator starts it on a new machine: keys from files, none given."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "CLOCK": clock,
                       "ID_HASH_KEY_PATH": str(tmp_path / "new-host" / "id-hash.key"),
                       "JWT_KEY_PATH": str(tmp_path / "new-host" / "jwt.pem")})


def snapshot(world: World) -> dict:
    token = world.call("POST", "/v1/auth/token", data={
        "grant_type": "password", "username": world.person_id,
        "password": "correct-horse"}).get_json()["access_token"]
    return {"hours": world.call("GET", "/v1/me/hours?year_from=2025&year_to=2025",
                                token).get_json(),
            "access_log": world.call("GET", "/v1/me/access-log", token).get_json(),
            "jwks": world.client.get("/.well-known/jwks.json").get_json()}


def test_a_backup_restores_on_a_new_host_with_its_keys(world, app, target, tmp_path, clock):
    project = world.accepted_project()
    world.clock.set(world.clock.now() + timedelta(days=13))
    assert world.post(world.item(project), key="k-1").status_code == 200
    assert world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "职称评审"}).status_code == 200
    before = snapshot(world)

    dest = tmp_path / "backup"
    manifest = backup(app, dest)
    assert manifest["professionals"] == 1 and manifest["entries"] == 1
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o700
    db.session.remove()

    empty = start(target, tmp_path, clock)  # a new host: fresh keys, an empty database
    with empty.app_context():
        result = restore(empty, dest)
        db.engine.dispose()
    assert result["professionals"] == 1
    assert list((tmp_path / "new-host").glob("id-hash.key.replaced-*"))  # kept, not lost

    restored = start(target, tmp_path, clock)
    with restored.app_context():
        again = World.__new__(World)
        again.app, again.client, again.clock = restored, restored.test_client(), clock
        again.person_id = world.person_id
        assert snapshot(again) == before
        with pytest.raises(BackupError, match="holds data"):
            restore(restored, dest)
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_backup_or_a_foreign_key_is_refused(world, app, tmp_path, clock):
    dest = tmp_path / "backup"
    manifest = backup(app, dest)
    database = dest / manifest["database"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged"):
        restore(app, dest, force=True)

    other = tmp_path / "other"
    backup(app, other)
    (other / "id-hash.key").write_text("ab" * 32 + "\n")
    with pytest.raises(BackupError):
        restore(app, other, force=True)
