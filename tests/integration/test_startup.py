"""The app refuses to start on a malformed policy file, and says which file and key."""

from __future__ import annotations

import shutil

import pytest

from app import create_app
from ledger.policy import POLICY_DIR, PolicyFileError


def test_a_malformed_policy_file_stops_the_app_naming_file_and_key(tmp_path):
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    broken = policies / "371000-weihai-2019.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "[params.one_off_lead_working_days]\nvalue = 5", "[params.one_off_lead_working_days]"),
        encoding="utf-8")

    with pytest.raises(PolicyFileError, match=r"371000-weihai-2019\.toml.*one_off_lead"):
        create_app({"POLICY_DIR": str(policies), "JWT_KEY_PATH": str(tmp_path / "k.pem"),
                    "ID_HASH_KEY": "00" * 32,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_the_shipped_policy_files_start_the_app(tmp_path):
    app = create_app({"JWT_KEY_PATH": str(tmp_path / "k.pem"), "ID_HASH_KEY": "00" * 32,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert len(app.extensions["ledger_policies"].all()) == 6
