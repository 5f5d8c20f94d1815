"""Issue 10 item 5: one jurisdiction cannot claim another's person, except by a
documented transfer released by the jurisdiction that holds them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger.actors import Role

from ..world import id_number

WEIHAI = "371000"


@pytest.fixture
def posted(world):
    """A person first seen in a roster of the 淄博 base, registered nowhere."""
    project = world.accepted_project()
    world.clock.set(world.clock.now() + timedelta(days=13))
    person = id_number(55)  # born in 370303, a district of 淄博
    response = world.post(world.item(project, external_id="a-55", id_number=person,
                                     name="赵六"))
    assert response.status_code == 200, response.get_json()
    return person


@pytest.fixture
def weihai(world):
    return world.new_client(Role.REGULATOR, "威海市人社局", WEIHAI)


def register(world, who, person, jurisdiction, password="taken-over-1"):
    return world.call("POST", "/v1/professionals", who, json={
        "id_number": person, "name": "赵六", "jurisdiction": jurisdiction,
        "password": password})


def release(world, who, person, to=WEIHAI):
    return world.call("POST", "/v1/professional-transfers", who, json={
        "id_number": person, "to_jurisdiction": to, "reason": "调入威海市某设计院"})


def test_a_regulator_cannot_claim_a_person_another_jurisdictions_bases_posted(
        world, posted, weihai):
    assert register(world, weihai, posted, WEIHAI).status_code == 404
    login = world.call("POST", "/v1/auth/token", data={
        "grant_type": "password", "username": posted, "password": "taken-over-1"})
    assert login.status_code != 200
    assert register(world, world.regulator, posted, "370300").status_code == 201


def test_the_id_numbers_region_covers_a_person_seen_elsewhere(world, weihai):
    project = world.accepted_project()
    world.clock.set(world.clock.now() + timedelta(days=13))
    born_in_weihai = id_number(56, region="371002")
    assert world.post(world.item(project, external_id="a-56", id_number=born_in_weihai,
                                 name="赵六")).status_code == 200
    assert register(world, weihai, born_in_weihai, WEIHAI).status_code == 201


def test_a_registered_person_moves_only_by_a_transfer_the_holder_releases(
        world, posted, weihai):
    assert register(world, world.regulator, posted, "370300").status_code == 201
    assert register(world, weihai, posted, WEIHAI).status_code == 404
    assert release(world, weihai, posted, to=WEIHAI).status_code == 404  # not its to give

    released = release(world, world.regulator, posted)
    assert released.status_code == 201, released.get_json()
    assert released.get_json()["status"] == "open"
    assert release(world, world.regulator, posted).status_code == 409

    taken = register(world, weihai, posted, WEIHAI)
    assert taken.status_code == 201, taken.get_json()
    assert taken.get_json()["jurisdiction"] == WEIHAI
    listed = world.call("GET", "/v1/professional-transfers", weihai).get_json()
    assert [(t["from_jurisdiction"], t["to_jurisdiction"], t["status"]) for t in listed] \
        == [("370300", WEIHAI, "completed")]
    # 淄博 no longer holds the person: its committee cannot read them, nor its regulator
    # take them back without a transfer of its own.
    verify = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": posted, "name": "赵六", "year_from": 2025, "year_to": 2025,
        "purpose": "职称评审"})
    assert verify.status_code == 404
    assert register(world, world.regulator, posted, "370300").status_code == 404
