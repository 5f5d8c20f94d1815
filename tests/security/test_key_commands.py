"""The `flask ledger` commands of issue 10 are thin wrappers that report what they did."""

from __future__ import annotations

import json

from sqlalchemy import delete

from api.db import db
from ledger import keys
from ledger.store import KeyCheck


def test_rotate_backup_and_restore_commands(runner, app, tmp_path):
    try:
        rotated = runner.invoke(args=["ledger", "rotate-id-key", "--out",
                                      str(tmp_path / "ring.key")])
        assert rotated.exit_code == 0, rotated.output
        assert json.loads(rotated.output)["keys_in_ring"] == 2
        assert len(keys.read_ring(tmp_path / "ring.key")) == 2

        made = runner.invoke(args=["ledger", "backup", str(tmp_path / "bk")])
        assert made.exit_code == 0, made.output
        assert json.loads(made.output)["id_key_check"] == keys.check_value(
            keys.read_ring(tmp_path / "ring.key"))
        again = runner.invoke(args=["ledger", "backup", str(tmp_path / "bk")])
        assert again.exit_code != 0 and "not empty" in again.output

        restored = runner.invoke(args=["ledger", "restore", str(tmp_path / "bk"), "--force"])
        assert restored.exit_code == 0, restored.output
    finally:
        with db.engine.begin() as conn:  # the PostgreSQL test database is shared
            conn.execute(delete(KeyCheck))


def test_the_ring_must_go_somewhere_when_it_came_from_the_environment(runner, app):
    refused = runner.invoke(args=["ledger", "rotate-id-key"])
    assert refused.exit_code == 1
    assert "give a file to write the new ring to" in refused.output
