"""Format-2 attestations (issue 12): one proof of the chain's head proves every entry.

Each forgery below is re-signed with the ledger's own key, so the signature passes and
only the chain and proof checks stand between it and VALID: a changed entry, a dropped
reversal (with or without renumbering), a wrong head, a forged checkpoint. A format-1
token (every entry's leaf and path) still checks."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from api.db import db, ledger_context
from ledger import verify_attestation
from ledger.services import attest_store, attestations, tree
from ledger.services.attest_check import hex_paths
from ledger.store import Attestation, LogLeaf

from .. import tamper


def claims_of(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def jwks(world) -> dict:
    return world.call("GET", "/.well-known/jwks.json").get_json()


def resigned(claims: dict) -> str:
    return attestations.sign_jws(ledger_context().signer, claims)


@pytest.fixture
def issued(world) -> dict:
    """A credit, its reversal, then another credit: seq 1, 2 (the reversal), 3."""
    project = world.accepted_project()
    public = world.accepted_project(title="公需课", subject="public", start_on="2025-06-16",
                                    end_on="2025-06-17", hours="16.0")
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    first = world.post(world.item(project)).get_json()["receipts"][0]
    voided = world.call("POST", f"/v1/completions/{first['posting_id']}/void", world.base,
                        json={"reason": "duplicate record"})
    assert voided.status_code == 200, voided.get_json()
    world.post(world.item(public, external_id="c-2", subject="public", hours="16.0",
                          training_dates=["2025-06-16", "2025-06-17"]))
    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "职称评审"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_honest_attestation_verifies_with_its_reversal(world, issued):
    claims = claims_of(issued["attestation"])
    assert claims["format"] == 2
    assert [(e[1], e[2], e[3]) for e in claims["chain"]["entries"]] == [
        ("1", "credit", "24.0"), ("2", "reversal", "-24.0"), ("3", "credit", "16.0")]
    done = verify_attestation.verify(issued["attestation"], jwks(world))
    assert "totals: 2025 16.0 (公需 16.0, 专业 0.0)" in done


def _set_totals(claims: dict, public: str, professional: str) -> None:
    total = str(float(public) + float(professional))
    claims["years"] = [{"year": 2025, "public": public, "professional": professional,
                        "total": total}]


def _change_hours(c: dict) -> None:
    c["chain"]["entries"][0][3] = "34.0"
    _set_totals(c, "16.0", "10.0")


def _drop_reversal(c: dict) -> None:
    del c["chain"]["entries"][1]
    _set_totals(c, "16.0", "24.0")


def _drop_reversal_and_renumber(c: dict) -> None:
    _drop_reversal(c)
    c["chain"]["entries"][1][1] = "2"


def _drop_the_tail_keep_the_head(c: dict) -> None:
    c["chain"]["entries"].pop()
    _set_totals(c, "0.0", "0.0")


def _another_head_index(c: dict) -> None:
    c["chain"]["head"]["index"] -= 1


def _forged_checkpoint_root(c: dict) -> None:
    lines = c["checkpoint"]["note"].split("\n")
    lines[2] = base64.b64encode(b"\x07" * 32).decode()
    c["checkpoint"]["note"] = "\n".join(lines)
    c["checkpoint"]["root_hash"] = "07" * 32


def _checkpoint_of_another_size(c: dict) -> None:
    c["checkpoint"]["size"] += 1


@pytest.mark.parametrize("forge, why", [
    (_change_hours, "do not hash to the proven head"),
    (_drop_reversal, "chain is broken at seq 2"),
    (_drop_reversal_and_renumber, "do not end at the proven head"),
    (_drop_the_tail_keep_the_head, "do not end at the proven head"),
    (_another_head_index, "is not in the checkpoint's tree"),
    (_forged_checkpoint_root, "no signature on the checkpoint verifies"),
    (_checkpoint_of_another_size, "not the one the attestation names"),
], ids=["changed entry", "dropped reversal", "dropped reversal renumbered",
        "dropped tail", "wrong head", "forged checkpoint", "checkpoint size"])
def test_a_resigned_forgery_fails(world, issued, forge, why):
    claims = claims_of(issued["attestation"])
    forge(claims)
    with pytest.raises(verify_attestation.Failed, match=why):
        verify_attestation.verify(resigned(claims), jwks(world))


def test_a_head_from_another_professional_fails(world, issued):
    claims = claims_of(issued["attestation"])
    claims["professional_id"] += 1
    with pytest.raises(verify_attestation.Failed, match="another professional"):
        verify_attestation.verify(resigned(claims), jwks(world))


def test_a_format_1_token_still_checks(world, issued):
    """Tokens issued before format 2 carried every entry's leaf and audit path."""
    ctx = ledger_context()
    claims = claims_of(issued["attestation"])
    size = claims["checkpoint"]["size"]
    leaves = ctx.session.execute(LogLeaf.__table__.select().where(
        LogLeaf.kind == "entry", LogLeaf.owner == claims["professional_id"],
        LogLeaf.idx < size).order_by(LogLeaf.idx)).all()
    paths = hex_paths(tree.Tree(ctx, size), [leaf.idx for leaf in leaves], size)
    del claims["format"], claims["chain"]
    claims["entries"] = [{"index": leaf.idx, "data": leaf.data, "path": paths[leaf.idx]}
                         for leaf in leaves]
    token = resigned(claims)
    done = verify_attestation.verify(token, jwks(world))
    assert "inclusion: 3 entries proven in the tree, chain unbroken (each by its own proof)" \
        in done
    # A row written before format 2 kept the whole token; the check endpoint reads it so.
    row = ctx.session.scalar(select(Attestation).where(
        Attestation.code == issued["verification_code"]))
    row.jws = token
    ctx.session.commit()
    checked = world.call("GET", f"/v1/attestations/{issued['verification_code']}").get_json()
    assert checked["genuine"] is True
    claims["entries"].pop(1)
    with pytest.raises(verify_attestation.Failed, match="chain is broken at seq 2"):
        verify_attestation.verify(resigned(claims), jwks(world))


def test_the_table_keeps_no_entries_and_re_serves_the_token(world, issued):
    ctx = ledger_context()
    row = ctx.session.scalar(select(Attestation).where(
        Attestation.code == issued["verification_code"]))
    assert len(row.jws) < len(issued["attestation"]) and '"entries":null' in row.jws
    assert attest_store.token_of(ctx, row) == issued["attestation"]


def test_a_journal_rewritten_after_issue_makes_the_check_not_genuine(world, issued):
    code = issued["verification_code"]
    assert world.call("GET", f"/v1/attestations/{code}").get_json()["genuine"] is True
    rows = tamper.entries_of(1)
    rows[2]["hours"] = rows[2]["hours"] * 2
    tamper.rewrite_entries(tamper.rechain(rows))
    db.session.remove()  # end the read transaction that saw the journal before

    checked = world.call("GET", f"/v1/attestations/{code}").get_json()

    assert checked["genuine"] is False and checked["still_true"] is False



def test_an_entry_added_by_hand_after_the_head_signs_nothing(world, issued):
    rows = tamper.entries_of(1)
    extra = {**rows[-1], "id": None, "hours": rows[-1]["hours"] * 3}
    tamper.insert_entry(tamper.rechain([*rows, extra])[-1])
    db.session.remove()

    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "职称评审"})

    assert response.status_code == 409, response.get_json()
    assert "entry_inserted" in str(response.get_json()["details"]["findings"])
