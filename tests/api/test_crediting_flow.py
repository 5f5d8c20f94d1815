"""The walking skeleton end to end: file, accept, post, read, verify."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt


def after_training(world):
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))


def test_an_accepted_project_credits_the_professional(world):
    project = world.accepted_project()
    after_training(world)

    response = world.post(world.item(project))

    assert response.status_code == 200, response.get_json()
    receipt = response.get_json()["receipts"][0]
    assert receipt["status"] == "credited"
    assert receipt["hours"] == "24.0"
    assert receipt["entry_id"] is not None
    assert receipt["reasons"] == []
    year = world.hours(year_from=2025, year_to=2025).get_json()["years"][0]
    assert year["professional"] == "24.0"
    assert year["entries"][0]["project"]["title"] == "建筑工程新技术研修班"
    assert year["compliance"]["met"] is False
    assert year["compliance"]["shortfall_total"] == "66.0"


def test_a_failed_assessment_is_rejected_with_its_rule_and_kept(world):
    project = world.accepted_project()
    after_training(world)

    receipt = world.post(world.item(project, assessment="failed")).get_json()["receipts"][0]

    assert receipt["status"] == "rejected"
    assert [r["code"] for r in receipt["reasons"]] == ["assessment_not_passed"]
    assert receipt["reasons"][0]["rule"]["source"] == "人社部令第25号"
    record = world.hours(year_from=2025, year_to=2025).get_json()
    assert record["not_credited"][0]["reasons"][0]["code"] == "assessment_not_passed"
    assert record["years"][0]["total"] == "0.0"


def test_every_failed_rule_is_reported_not_just_the_first(world):
    project = world.accepted_project()
    after_training(world)

    receipt = world.post(world.item(
        project, hours="30.0", subject="public", training_dates=["2025-06-19"],
        assessment="absent")).get_json()["receipts"][0]

    assert {r["code"] for r in receipt["reasons"]} == {
        "assessment_not_passed", "training_date_outside_filing", "hours_exceed_filing",
        "subject_mismatch", "hours_exceed_daily_cap"}


def test_a_committee_verifies_and_the_professional_sees_the_read(world):
    project = world.accepted_project()
    after_training(world)
    world.post(world.item(project))

    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2024,
        "year_to": 2025, "purpose": "2025年度中级职称评审"})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [y["total"] for y in body["report"]["years"]] == ["0.0", "24.0"]
    assert body["report"]["chain"]["intact"] is True
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    key = jwt.PyJWK(jwks["keys"][0])
    attested = jwt.decode(body["attestation"], key.key, algorithms=["EdDSA"])
    # The attestation states the totals and the checkpoint they rest on (issue 8).
    assert [(y["year"], y["total"]) for y in attested["years"]] == [(2024, "0.0"), (2025, "24.0")]
    assert attested["checkpoint"]["size"] == body["checkpoint"]["size"] >= 1
    assert attested["verification_code"] == body["verification_code"]
    log = world.call("GET", "/v1/me/access-log", world.professional).get_json()
    assert log[0]["purpose"] == "2025年度中级职称评审"
    assert log[0]["accessor_role"] == "committee"
