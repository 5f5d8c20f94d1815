"""Attestations (issue 8): issued on a signed checkpoint, public to check, never signed
over altered records, and still checkable after a reversal says they no longer hold."""

from __future__ import annotations

from datetime import UTC, datetime

from api.db import ledger_context
from ledger.services import attestations
from ledger.store import AccessLog, Attestation

from .. import tamper


def after_training(world):
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))


def credited(world, external_id: str = "c-1") -> dict:
    project = world.accepted_project()
    after_training(world)
    receipt = world.post(world.item(project, external_id=external_id)).get_json()["receipts"][0]
    assert receipt["status"] == "credited", receipt
    return receipt


def verification(world, **overrides):
    return world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "2025年度中级职称评审", **overrides})


def test_an_attestation_is_genuine_and_still_true_until_a_reversal_names_itself(world):
    receipt = credited(world)
    issued = verification(world)
    assert issued.status_code == 200, issued.get_json()
    body = issued.get_json()
    code = body["verification_code"]
    assert body["report"]["checkpoint"] == body["checkpoint"]
    assert body["checkpoint"]["size"] >= 1

    checked = world.call("GET", f"/v1/attestations/{code}").get_json()
    assert checked["genuine"] is True and checked["still_true"] is True
    assert checked["years"] == [{"year": 2025, "public": "0.0", "professional": "24.0",
                                 "total": "24.0"}]
    assert checked["reversed_since"] == []
    assert checked["professional"]["name"] == world.person_name

    voided = world.call("POST", f"/v1/completions/{receipt['posting_id']}/void", world.base,
                        json={"reason": "duplicate record"})
    assert voided.status_code == 200, voided.get_json()
    checked = world.call("GET", f"/v1/attestations/{code}").get_json()
    assert checked["genuine"] is True
    assert checked["still_true"] is False
    assert [(r["entry_id"], r["hours"]) for r in checked["reversed_since"]] == [
        (receipt["entry_id"], "24.0")]


def test_an_unknown_code_is_a_404_problem(world):
    response = world.call("GET", "/v1/attestations/XXXX-XXXX-XXXX")
    assert response.status_code == 404
    assert response.get_json()["code"] == "attestation_not_found"


def test_altered_hours_get_a_finding_never_a_signed_attestation(world):
    credited(world)
    rows = tamper.entries_of(1)
    rows[0]["hours"] = rows[0]["hours"] * 4
    tamper.rewrite_entries(tamper.rechain(rows))
    world.ctx.session.expire_all()

    response = verification(world)

    assert response.status_code == 409, response.get_json()
    problem = response.get_json()
    assert problem["code"] == "record_integrity_failed"
    assert "entry_changed" in str(problem["details"]["findings"])
    assert world.ctx.session.query(Attestation).count() == 0


def test_a_professional_attests_their_own_hours_without_an_access_log_entry(world):
    credited(world)
    ctx = ledger_context()
    result = attestations.issue_attestation(ctx, world.professional, professional_id=1,
                                            year_from=2025, year_to=2025, purpose="学时证明")
    assert set(result) == {"report", "attestation", "verification_code", "checkpoint"}
    assert result["report"]["checkpoint"]["root_hash"] == result["checkpoint"]["root_hash"]
    assert ctx.session.query(AccessLog).count() == 0
    checked = attestations.check_attestation(ctx, result["verification_code"].lower())
    assert checked["genuine"] and checked["still_true"]
