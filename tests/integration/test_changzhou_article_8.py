"""常州 第八条 "一年内没有开展继续教育活动": inactivity is no training held (training
dates), not no filing; and an overdue rectification only ever becomes a proposal, since
every text requires a regulator's finding. Both databases."""

from __future__ import annotations

from datetime import date

from api.db import ledger_context
from ledger.actors import Role
from ledger.services.jobs import run_job

from .test_regulators_year import at


def test_changzhou_article_8_a_base_that_only_files_is_still_inactive(world):
    at(world, "2024-01-02")
    changzhou = world.new_client(Role.REGULATOR, "常州市人社局", "320400")
    quiet = world.new_base("只备案基地", jurisdiction="320400", registry_number="CZ-9",
                           recognised_on=date(2024, 1, 2), by=changzhou)
    lms = world.new_client(Role.BASE, "LMS", base_id=quiet)
    at(world, "2024-12-20")
    filed = world.file_project(who=lms, base_id=quiet, start_on="2025-03-01",
                               end_on="2025-03-01", hours="8.0")
    assert filed.status_code == 201, filed.get_json()

    at(world, "2025-01-03")
    found = run_job(ledger_context(), "inactivity")

    assert [c["base_id"] for c in found] == [quiet]
    assert found[0]["inactive_since"] == "2024-01-02"


def test_every_text_an_overdue_rectification_is_proposed_never_revoked(world):
    at(world, "2025-06-10")
    ordered = world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
                         json={"type": "rectification_ordered", "effective_on": "2025-06-10",
                               "due_on": "2025-07-01"})
    assert ordered.status_code == 201
    at(world, "2025-07-02")

    changes = run_job(ledger_context(), "overdue-rectifications")

    assert [c.get("proposal") for c in changes] == ["revocation"]
    standing = world.call("GET", f"/v1/bases/{world.base_id}/standing", world.regulator,
                          query_string={"on": "2025-07-02"}).get_json()
    assert standing["status"] == "rectifying"
