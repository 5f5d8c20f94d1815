"""Nobody reaches another party's objects: every such request answers 404."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.actors import Role

from ..world import id_number


def other_base(world):
    base_id = world.new_base("另一个基地", registry_number="ZB-002")
    return base_id, world.new_client(Role.BASE, "other LMS", base_id=base_id)


def assert_404(response):
    assert response.status_code == 404, response.get_json()
    assert response.mimetype == "application/problem+json"


def test_a_base_cannot_file_for_another_base(world):
    other_id, _ = other_base(world)
    assert_404(world.file_project(base_id=other_id))


def test_a_base_cannot_read_another_bases_projects_or_base(world):
    other_id, other = other_base(world)
    project = world.accepted_project()
    assert_404(world.call("GET", f"/v1/projects/{project}", other))
    assert_404(world.call("GET", f"/v1/bases/{world.base_id}/projects", other))
    assert_404(world.call("GET", f"/v1/bases/{world.base_id}", other))
    assert world.call("GET", f"/v1/bases/{other_id}", other).status_code == 200


def test_a_base_cannot_post_to_another_bases_project_and_nothing_is_written(world):
    _, other = other_base(world)
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))

    assert_404(world.post(world.item(project), who=other))
    assert world.hours(year_from=2025, year_to=2025).get_json()["not_credited"] == []


def test_a_base_cannot_read_or_void_another_bases_completion(world):
    _, other = other_base(world)
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))
    posting = world.post(world.item(project)).get_json()["receipts"][0]["posting_id"]

    assert_404(world.call("GET", f"/v1/completions/{posting}", other))
    assert_404(world.call("POST", f"/v1/completions/{posting}/void", other,
                          json={"reason": "not mine"}))
    assert world.call("GET", f"/v1/completions/{posting}", world.base).status_code == 200


def test_a_professional_reads_only_their_own_record(world):
    other_id = id_number(777)
    from ledger.services import reading

    reading.register_professional(world.ctx, world.regulator, other_id, "王五", "370303",
                                  "another-pass")
    other = world.token_for_password(other_id, "another-pass")
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))
    world.post(world.item(project))

    mine = world.hours(year_from=2025, year_to=2025).get_json()
    theirs = world.hours(who=other, year_from=2025, year_to=2025).get_json()
    assert mine["years"][0]["total"] == "24.0"
    assert theirs["years"][0]["total"] == "0.0"
    assert theirs["professional"]["name"] == "王五"


def test_a_committee_cannot_verify_outside_its_jurisdiction(world):
    weihai = world.new_client(Role.COMMITTEE, "威海评委会", "371000")
    body = {"id_number": world.person_id, "name": world.person_name, "year_from": 2025,
            "year_to": 2025, "purpose": "评审"}

    assert_404(world.call("POST", "/v1/verifications", weihai, json=body))
    assert world.call("POST", "/v1/verifications", world.committee, json=body
                      ).status_code == 200


def test_a_committee_with_the_wrong_name_learns_nothing(world):
    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": "冒名", "year_from": 2025, "year_to": 2025,
        "purpose": "评审"})
    assert_404(response)
    assert world.call("GET", "/v1/me/access-log", world.professional).get_json() == []


def test_a_regulator_cannot_act_outside_its_jurisdiction(world):
    weihai = world.new_client(Role.REGULATOR, "威海市人社局", "371000")
    project = world.file_project().get_json()["id"]

    assert_404(world.call("POST", f"/v1/projects/{project}/decision", weihai,
                          json={"decision": "accepted"}))
    assert_404(world.call("POST", f"/v1/bases/{world.base_id}/standing-events", weihai,
                          json={"type": "suspended", "effective_on": "2025-06-10"}))
    assert_404(world.call("GET", f"/v1/bases/{world.base_id}/standing", weihai))
    assert_404(world.call("POST", "/v1/bases", weihai, json={
        "name": "越权基地", "level": "municipal", "jurisdiction": "370300",
        "host_unit": "x", "supervising_unit": "y"}))
    assert world.call("GET", "/v1/filings/pending", weihai).get_json() == []


def test_other_roles_find_nothing_at_a_roles_endpoints(world):
    assert_404(world.call("GET", "/v1/me/hours", world.base))
    assert_404(world.call("POST", "/v1/verifications", world.professional, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "x"}))
    assert_404(world.file_project(who=world.regulator))
    assert_404(world.call("GET", "/v1/filings/pending", world.base))


def test_a_regulator_cannot_take_over_another_jurisdictions_professional(world):
    weihai = world.new_client(Role.REGULATOR, "威海市人社局", "371000")

    response = world.call("POST", "/v1/professionals", weihai, json={
        "id_number": world.person_id, "name": world.person_name, "jurisdiction": "371000",
        "password": "taken-over-1"})

    assert_404(response)
    login = world.call("POST", "/v1/auth/token", data={
        "grant_type": "password", "username": world.person_id, "password": "taken-over-1"})
    # RFC 6749 §5.2: a wrong password is 400 invalid_grant.
    assert login.status_code == 400 and login.get_json()["error"] == "invalid_grant"
