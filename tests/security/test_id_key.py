"""Issue 10 item 3: a lost or wrong ID-hash key is refused, never silently replaced;
the key may come from the environment; a rotation re-keys every look-up."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select

from api.db import db, ledger_context
from api.keys import rotate_id_key
from app import MIGRATIONS, create_app
from ledger import identity, keys
from ledger.actors import Role
from ledger.services import clients, reading
from ledger.services.completions import NewCompletion, post_completions, request_hash
from ledger.services.jurisdictions import ensure_jurisdictions
from ledger.store import KeyCheck, Professional

from ..conftest import ID_HASH_KEY, _config
from ..world import ZIBO, id_number

OTHER_KEY = "a7" * 32


def start(tmp_path, url, clock, **config):
    settings = {**_config(tmp_path, url, clock), **config}
    if settings.get("ID_HASH_KEY") is None:
        settings.pop("ID_HASH_KEY")
    settings.setdefault("ID_HASH_KEY_PATH", str(tmp_path / "outside-instance" / "id-hash.key"))
    app = create_app(settings)
    with app.app_context():
        db.engine.dispose()
    return app


@pytest.fixture
def database(tmp_path, clock):
    """A migrated SQLite database holding one registered professional."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    app = start(tmp_path, url, clock)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    app = start(tmp_path, url, clock)
    with app.app_context():
        ctx = ledger_context()
        ensure_jurisdictions(ctx)
        ctx.session.commit()
        regulator, _ = clients.create_client(ctx, role=Role.REGULATOR, name="淄博",
                                             jurisdiction=ZIBO)
        reading.register_professional(ctx, clients.actor_for_client(regulator),
                                      id_number(7), "王五", ZIBO, "pw-123456")
        db.session.remove()
        db.engine.dispose()
    return url


def test_a_missing_key_with_people_in_the_database_refuses_to_start(tmp_path, clock, database):
    key_file = tmp_path / "elsewhere" / "id-hash.key"
    with pytest.raises(keys.IdKeyError, match="1 professionals"):
        start(tmp_path, database, clock, ID_HASH_KEY=None, ID_HASH_KEY_PATH=str(key_file))
    assert not key_file.exists()  # no new key was made to split every person in two


def test_a_wrong_key_refuses_to_start(tmp_path, clock, database):
    with pytest.raises(keys.IdKeyError, match="key check value"):
        start(tmp_path, database, clock, ID_HASH_KEY=OTHER_KEY)


def test_the_key_may_come_from_the_environment(tmp_path, clock, database, monkeypatch):
    monkeypatch.setenv("LEDGER_ID_HASH_KEY", ID_HASH_KEY)
    app = start(tmp_path, database, clock, ID_HASH_KEY=None,
                ID_HASH_KEY_PATH=str(tmp_path / "absent.key"))
    assert app.extensions["ledger_id_key"] == (bytes.fromhex(ID_HASH_KEY),)
    monkeypatch.setenv("LEDGER_ID_HASH_KEY", OTHER_KEY)
    with pytest.raises(keys.IdKeyError):
        start(tmp_path, database, clock, ID_HASH_KEY=None)


def test_an_empty_database_gets_a_new_key_readable_by_its_owner_only(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    key_file = tmp_path / "keys" / "id-hash.key"
    app = start(tmp_path, url, clock, ID_HASH_KEY=None, ID_HASH_KEY_PATH=str(key_file))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    again = start(tmp_path, url, clock, ID_HASH_KEY=None, ID_HASH_KEY_PATH=str(key_file))
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert again.extensions["ledger_id_key"] == app.extensions["ledger_id_key"]
    key_file.unlink()  # an empty database still holds the check value of its key
    with pytest.raises(keys.IdKeyError):
        start(tmp_path, url, clock, ID_HASH_KEY=None, ID_HASH_KEY_PATH=str(key_file))


@pytest.fixture
def forget_rotation(app):
    """The PostgreSQL test database is shared: the next test starts with the usual key."""
    yield
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(delete(KeyCheck))


def test_rotation_rekeys_every_look_up_in_one_go(world, app, tmp_path, forget_rotation):
    project = world.accepted_project()
    world.clock.set(world.clock.now() + timedelta(days=13))
    item = world.item(project)
    first = world.post(item, key="roster-1").get_json()
    before = db.session.scalars(select(Professional.id_hash)).all()

    key_file = tmp_path / "rotated" / "id-hash.key"
    report = rotate_id_key(app, key_file)
    ring = keys.read_ring(key_file)
    assert report["keys_in_ring"] == 2 and ring[0] == bytes.fromhex(ID_HASH_KEY)
    assert report["rewrapped"]["posting.content_hash"] == 1
    db.session.remove()

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with pytest.raises(keys.IdKeyError):  # the old key no longer opens the database
        start(tmp_path, url, world.clock)
    rotated = start(tmp_path, url, world.clock, ID_HASH_KEY=",".join(k.hex() for k in ring))
    with rotated.app_context():
        after = db.session.scalars(select(Professional.id_hash)).all()
        assert set(after).isdisjoint(before)
        assert db.session.scalar(select(Professional).where(
            Professional.id_hash == identity.keyed_hash(world.person_id, ring))) is not None
        ctx = ledger_context()
        assert clients.authenticate_professional(ctx, world.person_id, "correct-horse")
        again = NewCompletion(**{**item, "hours": Decimal(item["hours"]), "training_dates":
                                 tuple(date.fromisoformat(d) for d in item["training_dates"])})
        body = request_hash({"items": [item]})
        replay = post_completions(ctx, world.base, [again], "roster-1", body)
        assert replay == first
        fresh = post_completions(ctx, world.base, [again], None, None)
        assert fresh["receipts"][0]["replayed"] is True  # same content, not a conflict
        db.session.remove()
        db.engine.dispose()
