"""Helpers for intake tests: a second base, sessions, and a project after its class."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger.actors import Role

AFTER_CLASS = datetime(2025, 6, 23, 2, tzinfo=UTC)


def session(project_id: int, external_id: str, day: str = "2025-06-20",
            start: str = "09:00", end: str = "15:00", id_number: str | None = None,
            name: str = "李四", **extra) -> dict:
    body = {"external_id": external_id, "project_id": project_id, "name": name,
            "sign_in": f"{day}T{start}:00+08:00", "sign_out": f"{day}T{end}:00+08:00",
            **extra}
    if id_number:
        body["id_number"] = id_number
    return body


class Other:
    """A second recognised base of the same city, with its LMS."""

    def __init__(self, world):
        self.base_id = world.new_base("淄博第二基地", registry_number="ZB-002")
        self.lms = world.new_client(Role.BASE, "LMS2", base_id=self.base_id)


@pytest.fixture
def other(world):
    return Other(world)


@pytest.fixture
def project(world):
    return world.accepted_project()


def accepted_at(world, base: Other) -> int:
    response = world.file_project(who=base.lms, base_id=base.base_id)
    assert response.status_code == 201, response.get_json()
    project_id = response.get_json()["id"]
    assert world.call("POST", f"/v1/projects/{project_id}/decision", world.regulator,
                      json={"decision": "accepted"}).status_code == 200
    return project_id


def attend(world, *sessions: dict, who=None):
    items = [{"id_number": world.person_id, **s} for s in sessions]
    return world.call("POST", "/v1/attendance", who or world.base, json={"items": items})
