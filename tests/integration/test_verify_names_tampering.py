"""`flask ledger verify` names each tamper of issue 8, on SQLite and PostgreSQL.

Each test acts as an insider would: it rewrites rows with raw SQL behind the app,
bypassing the append-only triggers, and recomputes the entry chain so that the old
per-professional check would still pass; verify must name what was done.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import delete, select

from api.db import ledger_context
from ledger.services import log
from ledger.services.verify import verify_ledger

from .. import tamper
from ..world import id_number

ANOTHER = id_number(456)


def credit_two_people(world) -> None:
    """Two professionals; the first with three credits, the second with one; sealed."""
    projects = [world.accepted_project(title=f"研修班 {i}") for i in range(3)]
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    for i, project in enumerate(projects):
        # Three classes on the same days: 6 学时 each stays inside a day's cap (8 a day).
        receipt = world.post(world.item(project, external_id=f"c-{i}", hours="6.0")
                             ).get_json()["receipts"]
        assert receipt[0]["status"] == "credited", receipt
    other = world.post(world.item(projects[0], external_id="o-1", id_number=ANOTHER,
                                  name="王五")).get_json()["receipts"][0]
    assert other["status"] == "credited", other
    assert log.seal(ledger_context()) is not None


def run_verify(runner, *args: str):
    result = runner.invoke(args=["ledger", "verify", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def codes(report) -> list[tuple[str, str]]:
    return [(f["code"], f["subject"]) for f in report["findings"]]


def test_an_untouched_ledger_verifies_clean(world, runner):
    credit_two_people(world)
    status, report = run_verify(runner)
    assert status == 0, report
    assert report["ok"] is True
    assert report["checked"]["leaves"] >= 4 + 2 + 3 * 2 + 1


def test_changed_hours_with_recomputed_hashes_are_named(world, runner):
    credit_two_people(world)
    rows = tamper.entries_of(1)
    rows[1]["hours"] = rows[1]["hours"] + 10
    tamper.rewrite_entries(tamper.rechain(rows))

    status, report = run_verify(runner)

    assert status == 1
    found = codes(report)
    assert found == [
        ("entry_changed", f"entry {rows[1]['id']} (professional 1, seq 2, credit 6)"),
        ("entry_relinked", f"entry {rows[2]['id']} (professional 1, seq 3, credit 6)")]
    assert "hours '6' -> '16'" in report["findings"][0]["detail"]


def test_a_deleted_last_entry_is_named(world, runner):
    credit_two_people(world)
    last = tamper.entries_of(1)[-1]
    tamper.delete_entry(last["id"])

    status, report = run_verify(runner)

    assert status == 1
    assert codes(report) == [("entry_deleted", f"entry {last['id']} (professional 1, seq 3, "
                                               "credit 6)")]


def test_a_forged_credit_with_a_valid_chain_hash_is_named(world, runner):
    credit_two_people(world)
    rows = tamper.entries_of(2)
    forged = {**rows[-1], "reason": "forged", "seq": 2}
    del forged["id"]
    forged = tamper.rechain([*rows, forged])[-1]
    tamper.insert_entry(forged)

    status, report = run_verify(runner)

    assert status == 1
    [(code, subject)] = codes(report)
    assert code == "entry_inserted" and "professional 2, seq 2" in subject


def test_reordered_entries_are_named(world, runner):
    credit_two_people(world)
    rows = tamper.entries_of(1)
    first, second = rows[0]["id"], rows[1]["id"]
    rows[0], rows[1] = rows[1], rows[0]
    # On PostgreSQL through TRUNCATE and re-insert, which fires no row trigger.
    tamper.rewrite_entries(tamper.rechain(rows), truncate=True)

    status, report = run_verify(runner)

    assert status == 1
    found = dict((s.split(" (")[0], c) for c, s in codes(report))
    assert found[f"entry {first}"] == "entry_reordered"
    assert found[f"entry {second}"] == "entry_reordered"


def test_swapped_identity_bindings_are_named(world, runner):
    credit_two_people(world)
    tamper.swap_id_hashes(1, 2)

    status, report = run_verify(runner)

    assert status == 1
    assert ("identity_swapped", "professionals 1 and 2") in codes(report)
    assert {c for c, _ in codes(report)} == {"identity_swapped", "professional_changed"}


def test_a_rewrite_of_entry_and_leaf_breaks_the_signed_tree(world, runner):
    credit_two_people(world)
    rows = tamper.entries_of(1)
    rows[0]["hours"] = rows[0]["hours"] + 1
    tamper.rewrite_entries(tamper.rechain(rows))
    with world.app.app_context():
        from sqlalchemy import text

        from api.db import db
        from ledger import leaves
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                conn.execute(text("DROP TRIGGER log_leaf_index_once"))
            for row in rows:  # the forger also rewrites the leaves to match
                fixed = {**row, "hours": row["hours"]}
                data = leaves.encode("entry", fixed)
                conn.execute(text("UPDATE log_leaf SET data = :d, leaf_hash = :h "
                                  "WHERE kind = 'entry' AND ref_id = :r"),
                             {"d": data.decode(), "h": leaves.hash_hex(data), "r": row["id"]})

    status, report = run_verify(runner)

    assert status == 1
    assert [c for c, _ in codes(report)] == ["tree_mismatch"]


def test_progress_is_shown_and_a_trusted_checkpoint_is_extended(world, runner, tmp_path):
    credit_two_people(world)
    kept = tmp_path / "checkpoint.txt"
    kept.write_text(log.latest(ledger_context()).note)
    world.post(world.item(world.accepted_project(title="再一个"), external_id="c-9"))
    log.seal(ledger_context())

    result = runner.invoke(args=["ledger", "verify", "--trusted", str(kept)])
    assert result.exit_code == 0, result.output
    assert "tree:" in result.stderr and "no findings" in result.stderr

    forged = kept.read_text().replace("\n", "\n", 1).splitlines(keepends=True)
    forged[1] = str(int(forged[1]) + 1) + "\n"
    kept.write_text("".join(forged))
    result = runner.invoke(args=["ledger", "verify", "--trusted", str(kept)])
    assert result.exit_code == 1
    assert "trusted_checkpoint_invalid" in result.stdout


def test_verify_ledger_is_a_plain_function(world):
    credit_two_people(world)
    assert verify_ledger(ledger_context()).findings == []


def test_a_backdated_standing_event_and_a_flipped_decision_are_named(world, runner):
    credit_two_people(world)
    from sqlalchemy import text

    from api.db import db
    with db.engine.begin() as conn:  # a forger past the append-only triggers
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER standing_event_no_update"))
        conn.execute(text("UPDATE standing_event SET effective_on = '2024-01-01' "
                          "WHERE id = 1"))
        conn.execute(text("UPDATE project SET status = 'rejected' WHERE id = 2"))

    status, report = run_verify(runner)

    assert status == 1
    assert codes(report) == [("standing_event_changed", "standing event 1"),
                             ("decision_changed", "decision on filing 2")]


def assert_refused(statements: list[str]) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from api.db import db
    for statement in statements:
        try:
            with db.engine.begin() as conn:
                conn.execute(text(statement))
        except DBAPIError:
            continue
        raise AssertionError(f"{statement} was allowed")


def test_the_log_tables_refuse_updates_and_deletes(world):
    credit_two_people(world)
    assert_refused(["DELETE FROM log_leaf WHERE idx = 0",
                    "UPDATE log_leaf SET leaf_hash = 'x' WHERE idx = 0",
                    "UPDATE log_checkpoint SET root_hash = 'x'",
                    "DELETE FROM log_checkpoint"])


def test_a_bases_standing_and_scope_history_refuses_updates_and_deletes(world):
    """posting_reads keeps the events and grants it has read: they must never change."""
    from datetime import UTC, date, datetime

    from sqlalchemy import func, select

    from api.db import db
    from ledger.store import ScopeGrantRow, StandingEventRow
    db.session.add(ScopeGrantRow(base_id=world.base_id, effective_on=date(2025, 6, 1),
                                 subjects=["professional"], district_only=False,
                                 reason="test", recorded_at=datetime.now(UTC)))
    db.session.commit()
    for row in (StandingEventRow, ScopeGrantRow):
        assert db.session.scalar(select(func.count()).select_from(row)) > 0
    assert_refused([verb.format(table) for table in ("standing_event", "scope_grant")
                    for verb in ("UPDATE {} SET base_id = base_id", "DELETE FROM {}")])


def test_an_id_key_rotation_rebinds_every_professional_rather_than_swapping(world, runner):
    """A rotation rewrites every id_hash (issue 10); the log gets a new binding for each,
    so verify finds the new hashes bound, sealed or not, and names nothing."""
    import os

    from api.db import db
    from ledger.services import keys as key_service
    from ledger.store import KeyCheck, Professional

    credit_two_people(world)
    before = dict(db.session.execute(select(Professional.id, Professional.id_hash)).all())
    try:
        with db.engine.begin() as conn:
            key_service.rotate(conn, tuple(world.app.extensions["ledger_id_key"]),
                               os.urandom(32))
        db.session.rollback()  # a new snapshot, after the rotation committed
        after = dict(db.session.execute(select(Professional.id, Professional.id_hash)).all())
        assert after.keys() == before.keys() and all(after[k] != before[k] for k in after)
        status, report = run_verify(runner)
        assert status == 0, report
        assert log.seal(ledger_context()) is not None
        status, report = run_verify(runner)
        assert status == 0, report
    finally:
        with db.engine.begin() as conn:  # the PostgreSQL test database is shared
            conn.execute(delete(KeyCheck))
