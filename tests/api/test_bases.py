"""Regulators register bases and keep their standing; the register is public."""

from __future__ import annotations

from datetime import UTC, datetime


def register(world, **overrides):
    body = {"name": "淄博市工程师继续教育基地", "level": "municipal", "jurisdiction": "370303",
            "host_unit": "某大学", "supervising_unit": "张店区人社局",
            "registry_number": "ZB-100", "scope_subjects": ["professional"],
            "scope_fields": ["工程"], **overrides}
    return world.call("POST", "/v1/bases", world.regulator, json=body)


def event(world, base_id, **body):
    return world.call("POST", f"/v1/bases/{base_id}/standing-events", world.regulator,
                      json=body)


def test_a_regulator_registers_a_base_with_its_particulars(world):
    response = register(world)

    assert response.status_code == 201, response.get_json()
    base = response.get_json()
    assert base["jurisdiction"] == "370303"
    assert base["registry_number"] == "ZB-100"
    assert base["scope_subjects"] == ["professional"]


def test_standing_is_derived_from_events_and_can_be_asked_for_any_date(world):
    world.clock.set(datetime(2025, 1, 1, 2, tzinfo=UTC))
    base_id = register(world).get_json()["id"]
    event(world, base_id, type="recognised", effective_on="2025-01-01")
    world.clock.set(datetime(2025, 3, 1, 2, tzinfo=UTC))
    event(world, base_id, type="rectification_ordered", effective_on="2025-03-01",
          due_on="2025-04-30", reason="师资不足")
    event(world, base_id, type="rectified", effective_on="2025-04-15")
    world.clock.set(datetime(2025, 6, 1, 2, tzinfo=UTC))
    event(world, base_id, type="suspended", effective_on="2025-06-01")

    def on(day):
        return world.call("GET", f"/v1/bases/{base_id}/standing", world.regulator,
                          query_string={"on": day}).get_json()

    assert on("2024-12-31")["status"] == "unrecognised"
    assert on("2025-03-10") | {} == {"on": "2025-03-10", "status": "rectifying", "good": True,
                                     "since": "2025-03-01", "rectification_due": "2025-04-30"}
    assert on("2025-05-01")["status"] == "recognised"
    assert on("2025-06-01")["good"] is False


def test_an_impossible_standing_event_is_422_and_not_recorded(world):
    base_id = register(world).get_json()["id"]

    response = event(world, base_id, type="rectified", effective_on="2025-01-01")

    assert response.status_code == 422
    assert response.get_json()["code"] == "standing_transition_invalid"
    events = world.call("GET", f"/v1/bases/{base_id}/standing-events", world.regulator)
    assert events.get_json() == []


def test_events_are_appended_in_date_order(world):
    base_id = register(world).get_json()["id"]
    event(world, base_id, type="recognised", effective_on="2025-07-01")

    response = event(world, base_id, type="suspended", effective_on="2025-06-20")

    assert response.get_json()["code"] == "standing_event_out_of_order"


def test_an_event_cannot_be_set_far_ahead(world):
    # A decision entered late is accepted (tests/api/test_decisions_entered_late.py).
    base_id = register(world).get_json()["id"]
    event(world, base_id, type="recognised", effective_on="2025-01-01")

    far = world.call("POST", f"/v1/bases/{base_id}/standing-events", world.regulator,
                     json={"type": "rectification_ordered", "effective_on": "9999-12-30",
                           "due_on": "9999-12-31"})

    assert far.get_json()["code"] == "standing_event_too_far_ahead"


def test_the_register_is_public_and_shows_standing(world):
    base_id = register(world).get_json()["id"]
    event(world, base_id, type="recognised", effective_on="2025-01-01")
    event(world, base_id, type="revoked", effective_on="2025-06-10", reason="乱收费")

    rows = world.call("GET", "/v1/registry/bases", query_string={"on": "2025-06-09"}).get_json()
    later = world.call("GET", "/v1/registry/bases").get_json()

    mine = next(r for r in rows if r["id"] == base_id)
    assert mine["standing"]["status"] == "recognised"
    assert next(r for r in later if r["id"] == base_id)["standing"]["status"] == "revoked"
    elsewhere = world.call("GET", "/v1/registry/bases",
                           query_string={"jurisdiction": "371000"}).get_json()
    assert elsewhere == []


def test_a_registry_number_is_unique(world):
    register(world)
    response = register(world, name="另一家")
    assert response.status_code == 422
    assert response.get_json()["code"] == "registry_number_taken"


def test_a_regulator_issues_lms_credentials_for_a_base(world):
    base_id = register(world).get_json()["id"]

    issued = world.call("POST", f"/v1/bases/{base_id}/clients", world.regulator,
                        json={"name": "LMS"}).get_json()
    token = world.call("POST", "/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": issued["client_id"],
        "client_secret": issued["client_secret"]}).get_json()["access_token"]

    assert world.call("GET", f"/v1/bases/{base_id}", token).status_code == 200
    assert world.call("GET", f"/v1/bases/{world.base_id}", token).status_code == 404
