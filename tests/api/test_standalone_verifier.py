"""The standalone verifier checks an attestation with nothing but the JWKS, fails closed,
and still verifies attestations signed before a key rotation."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger import verify_attestation
from ledger.services.keyset import KeySet

SOURCE = Path(verify_attestation.__file__)


def attested(world, tmp_path) -> tuple[Path, Path, dict]:
    project = world.accepted_project()
    public = world.accepted_project(title="公需课", subject="public", start_on="2025-06-16",
                                    end_on="2025-06-17", hours="16.0")
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    world.post(world.item(project))
    receipt = world.post(world.item(public, external_id="c-2", subject="public", hours="16.0",
                                    training_dates=["2025-06-16", "2025-06-17"]))
    assert receipt.get_json()["receipts"][0]["status"] == "credited", receipt.get_json()
    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2024,
        "year_to": 2025, "purpose": "职称评审"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    token = tmp_path / "attestation.json"
    token.write_text(json.dumps(body))
    return token, save_jwks(world, tmp_path), body


def save_jwks(world, tmp_path) -> Path:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(world.call("GET", "/.well-known/jwks.json").get_data(as_text=True))
    return jwks


def run_alone(tmp_path, *args) -> subprocess.CompletedProcess:
    """Run a copy of the verifier outside the repository: it may import nothing of ours."""
    alone = tmp_path / "alone"
    alone.mkdir(exist_ok=True)
    shutil.copy(SOURCE, alone / "verify_attestation.py")
    return subprocess.run([sys.executable, "-I", str(alone / "verify_attestation.py"),
                           *map(str, args)], capture_output=True, text=True, cwd=alone,
                          check=False)


def test_an_attestation_verifies_with_only_the_jwks(world, tmp_path):
    token, jwks, body = attested(world, tmp_path)
    result = run_alone(tmp_path, token, "--jwks", jwks)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("VALID")
    assert "2 entries proven" in result.stdout and "through the head" in result.stdout
    assert "2025 40.0 (公需 16.0, 专业 24.0)" in result.stdout


def _resign_free_edit(token: str, edit) -> str:
    """Change the claims but keep the old signature: what a forger without the key can do."""
    head, claims, sig = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    edit(data)
    raw = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{head}.{raw}.{sig}"


@pytest.mark.parametrize("edit", [
    lambda c: c["years"][1].update(total="90.0"),
    lambda c: c["chain"]["entries"].pop(0),
    lambda c: c.update(sub="370***********0000"),
], ids=["inflated total", "dropped entry", "other person"])
def test_any_edit_of_the_claims_fails(world, tmp_path, edit):
    token, jwks, body = attested(world, tmp_path)
    token.write_text(_resign_free_edit(body["attestation"], edit))
    result = run_alone(tmp_path, token, "--jwks", jwks)
    assert result.returncode == 1
    assert "NOT VALID" in result.stdout and "VALID\n" not in result.stdout.replace("NOT ", "")


def test_checks_behind_the_signature_fail_closed(world, tmp_path):
    """A correctly signed attestation whose proofs do not hold is not valid."""
    token, jwks, body = attested(world, tmp_path)
    claims = json.loads(base64.urlsafe_b64decode(
        body["attestation"].split(".")[1] + "=="))
    head = claims["chain"]["head"]
    head["path"] = ["00" * 32] * len(head["path"])
    verify_attestation.check_jws(body["attestation"], verify_attestation.load_keys(
        json.loads(jwks.read_text())))  # the real one passes this step
    with pytest.raises(verify_attestation.Failed, match="not in the checkpoint"):
        cp = claims["checkpoint"]
        _, size, root = verify_attestation.check_checkpoint(
            cp["note"], verify_attestation.load_keys(json.loads(jwks.read_text())))
        verify_attestation.check_chain(claims, size, root)


def test_the_wrong_keys_or_garbage_never_pass(world, tmp_path):
    token, jwks, _ = attested(world, tmp_path)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "x",
                                           "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}))
    assert run_alone(tmp_path, token, "--jwks", other).returncode == 1
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("not.a.jws")
    assert run_alone(tmp_path, garbage, "--jwks", jwks).returncode == 1
    assert run_alone(tmp_path, tmp_path / "missing", "--jwks", jwks).returncode == 2


def test_a_rotated_key_still_verifies_old_attestations(world, runner, tmp_path):
    # Rotate a copy of the session's key, so other tests keep theirs.
    shared = world.app.extensions["ledger_keyset"]
    shutil.copy(shared.path, tmp_path / "jwt.pem")
    keys = KeySet(tmp_path / "jwt.pem", shared.origin)
    world.app.extensions["ledger_keyset"] = keys
    token, _, body = attested(world, tmp_path)
    rotated = runner.invoke(args=["ledger", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    keys = json.loads(rotated.stdout)
    assert keys["retired"] != keys["current"]
    assert set(keys["published"]) == {keys["retired"], keys["current"]}

    jwks = save_jwks(world, tmp_path)  # the JWKS as published after the rotation
    assert run_alone(tmp_path, token, "--jwks", jwks).returncode == 0
    # A new attestation is signed with the new key, and verifies too.
    fresh = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "复核"}).get_json()
    header = json.loads(base64.urlsafe_b64decode(fresh["attestation"].split(".")[0] + "=="))
    assert header["kid"] == keys["current"]
    token.write_text(fresh["attestation"])
    result = run_alone(tmp_path, token, "--jwks", jwks)
    assert result.returncode == 0, result.stdout
    checked = world.call("GET", f"/v1/attestations/{body['verification_code']}").get_json()
    assert checked["genuine"] is True
