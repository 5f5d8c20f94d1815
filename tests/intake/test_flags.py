"""Anomaly flags (乱办班、只收费不培训): evidence, listing, resolving; credits untouched."""

from __future__ import annotations

from ledger.services import flag_scan

from .conftest import AFTER_CLASS, attend, session
from .test_rosters import person


def people(world, project, n, **overrides):
    return [world.item(project, f"c-{i}", id_number=person(i), name=f"学员{i}", **overrides)
            for i in range(n)]


def scan(world, project):
    return world.call("POST", "/v1/flags/scan", world.regulator,
                      json={"project_id": project})


def kinds(response) -> dict[str, dict]:
    return {f["kind"]: f for f in response.get_json()}


def total(world, who) -> str:
    return world.hours(who, year_from=2025, year_to=2025).get_json()["years"][0]["total"]


def test_more_people_credited_than_the_filed_capacity_is_flagged(world):
    project = world.accepted_project(capacity=2)
    world.clock.set(AFTER_CLASS)
    world.post(*people(world, project, 3))

    flags = kinds(scan(world, project))

    assert flags["over_capacity"]["evidence"]["credited_people"] == 3
    assert flags["over_capacity"]["evidence"]["capacity"] == 2


def test_credits_without_any_attendance_are_flagged_with_the_postings(world, project):
    attend(world, session(project, "s-1", id_number=person(0), day="2025-06-20",
                          start="08:00", end="20:00"),
           session(project, "s-2", id_number=person(0), day="2025-06-21",
                   start="08:00", end="20:00"),
           session(project, "s-3", id_number=person(0), day="2025-06-22",
                   start="08:00", end="20:00"))
    world.clock.set(AFTER_CLASS)
    world.post(*people(world, project, 3))

    flag = kinds(scan(world, project))["no_attendance"]

    assert flag["evidence"]["count"] == 2
    assert [p["external_id"] for p in flag["evidence"]["postings"]] == ["c-1", "c-2"]


def test_a_large_set_of_identical_completions_posted_at_once_is_flagged(world):
    project = world.accepted_project(capacity=500)
    world.clock.set(AFTER_CLASS)
    world.post(*people(world, project, flag_scan.IDENTICAL_MIN))

    flag = kinds(scan(world, project))["identical_batch"]

    assert flag["evidence"]["count"] == flag_scan.IDENTICAL_MIN
    assert flag["evidence"]["hours"] == "24.0"


def test_a_few_identical_completions_are_not_flagged(world, project):
    world.clock.set(AFTER_CLASS)
    world.post(*people(world, project, 5))

    assert "identical_batch" not in kinds(scan(world, project))


def test_more_hours_in_a_day_than_the_day_holds_is_flagged(world):
    projects = [world.accepted_project(title=f"第{n}期", start_on="2025-06-20",
                                       end_on="2025-06-20", hours="8.0") for n in range(5)]
    world.clock.set(AFTER_CLASS)
    for n, project in enumerate(projects):
        world.post(world.item(project, f"d-{n}", hours="8.0", training_dates=["2025-06-20"]))

    raised = flag_scan.scan(world.ctx)
    world.ctx.session.commit()

    overfull = [f for f in world.call("GET", "/v1/flags", world.regulator,
                                      query_string={"kind": "day_overfull"}).get_json()]
    assert len(overfull) == 1 and {"kind": "day_overfull"} in [
        {"kind": r["kind"]} for r in raised]
    assert overfull[0]["evidence"]["day"] == "2025-06-20"
    assert overfull[0]["evidence"]["minutes"] == "1800"
    assert len(overfull[0]["evidence"]["postings"]) == 5


def test_a_flag_never_changes_a_credit_and_a_regulator_resolves_it(world):
    project = world.accepted_project(capacity=1)
    world.clock.set(AFTER_CLASS)
    world.post(world.item(project, "mine"), *people(world, project, 1))
    before = total(world, world.professional)
    flag = kinds(scan(world, project))["over_capacity"]

    wrong = world.call("POST", f"/v1/flags/{flag['id']}/resolution", world.regulator,
                       json={"resolution": "upheld"})
    resolved = world.call("POST", f"/v1/flags/{flag['id']}/resolution", world.regulator,
                          json={"resolution": "confirmed", "note": "已约谈基地"})

    assert wrong.status_code == 422 and wrong.get_json()["code"] == "flag_resolution_invalid"
    assert resolved.get_json()["status"] == "resolved"
    assert total(world, world.professional) == before == "24.0"
    listed = world.call("GET", "/v1/flags", world.regulator,
                        query_string={"status": "resolved"}).get_json()
    assert [f["id"] for f in listed] == [flag["id"]]


def test_flags_are_for_regulators_of_the_jurisdiction(world, project):
    from ledger.actors import Role

    world.clock.set(AFTER_CLASS)
    world.post(*people(world, project, 2))
    scan(world, project)
    sichuan = world.new_client(Role.REGULATOR, "四川省人社厅", "510000")

    assert world.call("GET", "/v1/flags", sichuan).get_json() == []
    assert world.call("GET", "/v1/flags", world.base).status_code == 404
    assert scan(world, project).status_code == 200
    assert world.call("POST", "/v1/flags/scan", sichuan,
                      json={"project_id": project}).status_code == 404
