"""A batch decides each distinct case once (ledger/services/ingest.Decisions): items alike
share one decision, but an item whose person has attendance recorded, or whose person
was credited earlier in the same batch, is decided on its own facts."""

from __future__ import annotations

from tests.world import id_number

from .conftest import AFTER_CLASS, attend, session


def test_items_alike_share_a_decision_but_each_persons_own_record_still_counts(world, project):
    plain, attended, other = id_number(501), id_number(502), id_number(503)
    # One of them attended two days of six hours: 16 学时 earned, 24 claimed below.
    attend(world, session(project, "s-1", day="2025-06-20", id_number=attended, name="王二"),
           session(project, "s-2", day="2025-06-21", id_number=attended, name="王二"))
    world.clock.set(AFTER_CLASS)

    receipts = world.post(
        world.item(project, "c-1", id_number=plain, name="王一"),
        world.item(project, "c-2", id_number=attended, name="王二"),  # the same claim
        world.item(project, "c-3", id_number=other, name="王三"),
        world.item(project, "c-4", id_number=plain, name="王一"),  # again, the same days
    ).get_json()["receipts"]

    by_id = {r["external_id"]: r for r in receipts}
    assert by_id["c-1"]["status"] == by_id["c-3"]["status"] == "credited"
    assert by_id["c-1"]["hours"] == by_id["c-3"]["hours"] == "24.0"
    assert by_id["c-1"]["reasons"] == by_id["c-3"]["reasons"] == []
    assert by_id["c-2"]["status"] == "rejected"
    assert "hours_exceed_attendance" in [r["code"] for r in by_id["c-2"]["reasons"]]
    assert by_id["c-4"]["status"] == "rejected"  # c-1 filled the project and the days
    assert by_id["c-4"]["reasons"]
