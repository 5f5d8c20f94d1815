"""Attestations over many entries (issue 12): the paths are built once from a tree proven
against the signed root, so they must be exactly RFC 9162's paths and verify alone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, text

from api.db import db, ledger_context
from ledger import merkle, verify_attestation
from ledger.services import head_tree, log, tree
from ledger.services.attest_check import hex_paths
from ledger.services.chains import Chains, insert_rows
from ledger.services.rows import inserted_ids
from ledger.services.tree import TILE
from ledger.services.verify import verify_ledger
from ledger.store import LogLeaf, LogNode, Posting, Professional


class Leaves:
    """subtree() over in-memory leaves, as tree.Tree answers it from the database."""

    def __init__(self, hashes: list[bytes]):
        self.subtree = merkle.subtree_from(hashes)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=700).flatmap(
    lambda size: st.tuples(st.just(size), st.lists(st.integers(0, size - 1), max_size=20))))
def test_the_paths_are_rfc_9162_paths(size_and_indices):
    size, indices = size_and_indices
    hashes = [merkle.leaf_hash(str(i).encode()) for i in range(size)]
    made = hex_paths(Leaves(hashes), indices, size)
    subtree = merkle.subtree_from(hashes)
    for index in indices:
        assert made[index] == [h.hex() for h in merkle.inclusion_path(index, size, subtree)]


def credits(world, person_id: int, n: int, tag: str = "many") -> None:
    """n credit entries of one professional, written as the ingest path writes them."""
    ctx = ledger_context()
    now = datetime(2025, 6, 23, 2, tzinfo=UTC)
    project = world.accepted_project()
    postings = [{
        "base_id": world.base_id, "external_id": f"{tag}-{k}", "project_id": project,
        "professional_id": person_id, "id_hash": "0" * 64, "id_masked": "370***0000",
        "name": world.person_name, "hours": Decimal("1.0"), "subject": "professional",
        "training_dates": ["2025-06-20"], "trained_from": date(2025, 6, 20),
        "trained_to": date(2025, 6, 20), "assessment": "passed", "minutes": None,
        "content_hash": "0" * 64, "received_at": now, "status": "credited", "reasons": [],
        "notes": [], "policy": None, "decided_at": now} for k in range(n)]
    chains = Chains(ctx, [person_id])
    insert_rows(ctx, [chains.next_row(
        professional_id=person_id, kind="credit", hours=Decimal("1.0"),
        subject="professional", year=2025, posting_id=posting_id, base_id=world.base_id,
        project_id=project, reverses_id=None, policy_version="370300@2025")
        for posting_id in inserted_ids(ctx, Posting, postings)])
    ctx.session.commit()


def person_id(world) -> int:
    return db.session.scalar(select(Professional.id).where(
        Professional.name == world.person_name))


def attest(world):
    return world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "职称评审"})


def test_an_attestation_over_several_tiles_verifies_alone(world):
    credits(world, person_id(world), 2 * TILE + 37)

    response = attest(world)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    done = verify_attestation.verify(body["attestation"], jwks)
    assert any(line.startswith(f"inclusion: {2 * TILE + 37} entries proven in the tree, "
                               "chain unbroken") for line in done)
    assert body["report"]["years"][0]["total"] == f"{2 * TILE + 37}.0"
    assert body["report"]["chain"]["length"] == 2 * TILE + 37


def _alter_leaf_hash(leaf_id: int) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for (name,) in conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'log_leaf'")).all():
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.execute(text("UPDATE log_leaf SET leaf_hash = :h WHERE id = :id"),
                     {"h": "ab" * 32, "id": leaf_id})
    db.session.remove()


def test_a_leaf_hash_altered_beside_the_chain_head_signs_nothing(world):
    credits(world, person_id(world), TILE + 5)
    size = log.seal(ledger_context()).size
    # The head is in the right edge's partial tile, whose leaves its path is built from:
    # one of them altered makes a path that does not verify against the signed root. (In
    # a complete tile the path comes from the tile's stored leaf hashes, which the tile's
    # hash and the signed root prove: see the next two tests.)
    head = db.session.scalar(select(func.max(LogLeaf.idx)).where(
        LogLeaf.kind == "entry", LogLeaf.owner == person_id(world)))
    assert head >= size - size % TILE
    _alter_leaf_hash(db.session.scalar(select(LogLeaf.id).where(LogLeaf.idx == head - 1)))

    response = attest(world)

    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert body["code"] == "record_integrity_failed"
    assert "tree_mismatch" in str(body), body


def test_a_leaf_altered_in_a_tile_the_head_does_not_read_leaves_the_attestation_sound(world):
    """An attestation proves only its head: a leaf elsewhere, covered by its sealed tile's
    hash, changes nothing it states; the whole-ledger verify is what finds that leaf."""
    credits(world, person_id(world), TILE + 5)
    assert log.seal(ledger_context()) is not None
    _alter_leaf_hash(db.session.scalar(select(LogLeaf.id).where(
        LogLeaf.idx < TILE, LogLeaf.kind != "entry").order_by(LogLeaf.idx).limit(1)))

    response = attest(world)

    assert response.status_code == 200, response.get_json()
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    assert verify_attestation.verify(response.get_json()["attestation"], jwks)
    found = verify_ledger(ledger_context())
    assert "tile_changed" in [f.code for f in found.findings]


def test_another_professionals_many_entries_do_not_enter_the_attestation(world):
    other = ledger_context()
    from ledger.services.people import find_or_create

    them = find_or_create(other, {"f" * 64: ("370***1111", "王五")})["f" * 64]
    other.session.commit()
    credits(world, them.id, TILE, tag="theirs")
    credits(world, person_id(world), 3)

    response = attest(world)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["report"]["chain"]["length"] == 3
    chain = verify_attestation.check_jws(
        response.get_json()["attestation"], verify_attestation.load_keys(
            world.call("GET", "/.well-known/jwks.json").get_json()))["chain"]
    assert [e[1] for e in chain["entries"]] == ["1", "2", "3"]
    assert f'"professional_id":{person_id(world)},' in chain["head"]["data"]


def test_the_stored_nodes_make_the_same_paths_and_a_wrong_one_is_found(world):
    credits(world, person_id(world), 9 * TILE + 3)
    ctx = ledger_context()
    while log.seal(ctx, limit=2 * TILE + 77) is not None:  # nodes completed across seals
        ctx.session.commit()
    size = log.latest(ctx).size
    stored = {(h, s): v for s, h, v in db.session.execute(
        select(LogNode.start, LogNode.height, LogNode.hash))}
    assert len(stored) == 7  # 9 tiles: 4 pairs, 2 fours, 1 eight
    assert {h for h, _ in stored} == {1, 2, 3}
    indices = [0, 1, TILE - 1, TILE, 3 * TILE + 7, 8 * TILE, size - 1]
    assert (hex_paths(head_tree.HeadTree(ctx, size, indices), indices, size)
            == hex_paths(tree.Tree(ctx, size), indices, size))
    with db.engine.begin() as conn:  # a restored or altered database, say
        conn.execute(text("UPDATE log_node SET hash = :h"), {"h": "07" * 32})
    db.session.remove()

    response = attest(world)

    assert response.status_code == 200, response.get_json()
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    assert verify_attestation.verify(response.get_json()["attestation"], jwks)
    found = [f.code for f in verify_ledger(ledger_context()).findings]
    assert found == ["node_changed"] * 7


def _head_in_a_complete_tile(world) -> tuple[int, int]:
    """The professional's chain head sealed in a tile that others' entries complete;
    (its index, the tree size)."""
    from ledger.services.people import find_or_create

    credits(world, person_id(world), 5)
    other = ledger_context()
    them = find_or_create(other, {"e" * 64: ("370***2222", "赵六")})["e" * 64]
    other.session.commit()
    credits(world, them.id, 2 * TILE, tag="theirs")
    ctx = ledger_context()
    size = log.seal(ctx).size
    ctx.session.commit()
    head = db.session.scalar(select(func.max(LogLeaf.idx)).where(
        LogLeaf.kind == "entry", LogLeaf.owner == person_id(world)))
    assert head < TILE < size - TILE
    return head, size


def test_a_leaf_hash_altered_beside_a_head_in_a_complete_tile_changes_no_proof(world):
    """The head's path comes from the tile's stored leaf hashes, proven by the tile's hash
    and the signed root: the altered row changes nothing the attestation states, and the
    whole-ledger verify finds it against both the tile and its stored hashes."""
    head, _size = _head_in_a_complete_tile(world)
    _alter_leaf_hash(db.session.scalar(select(LogLeaf.id).where(LogLeaf.idx == head + 1)))

    response = attest(world)

    assert response.status_code == 200, response.get_json()
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    assert verify_attestation.verify(response.get_json()["attestation"], jwks)
    found = {f.code for f in verify_ledger(ledger_context()).findings}
    assert {"tile_changed", "tile_leaves_changed"} <= found


def test_a_head_in_a_complete_tile_is_proven_from_the_tiles_stored_leaf_hashes(world):
    head, size = _head_in_a_complete_tile(world)
    ctx = ledger_context()
    read: list[tuple[str, object]] = []

    def statement(_conn, _cursor, sql, parameters, *_rest) -> None:
        read.append((sql, parameters))

    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        paths = hex_paths(head_tree.HeadTree(ctx, size, [head]), [head], size)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
    assert paths == hex_paths(tree.Tree(ctx, size), [head], size)
    # The leaves read are the right edge's partial tile's, none of the head's tile.
    ranges = [tuple(p.values() if isinstance(p, dict) else p)
              for sql, p in read if "FROM log_leaf" in sql]
    assert ranges == [(size - size % TILE, size)], read


def test_a_wrong_stored_leaf_hash_falls_back_to_the_leaves_and_verify_names_it(world):
    head, _size = _head_in_a_complete_tile(world)
    with db.engine.begin() as conn:  # a restored or altered database, say
        conn.execute(text("UPDATE log_tile SET leaf_hashes = :b WHERE start = 0"),
                     {"b": b"\x07" * 32 * TILE})
    db.session.remove()

    response = attest(world)

    assert response.status_code == 200, response.get_json()
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    assert verify_attestation.verify(response.get_json()["attestation"], jwks)
    found = [(f.code, f.subject) for f in verify_ledger(ledger_context()).findings]
    assert found == [("tile_leaves_changed", "tile of leaves 0..255")]
