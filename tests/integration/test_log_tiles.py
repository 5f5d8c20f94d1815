"""Proofs over a tree of several tiles, sealed in uneven batches, against the reference."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, text

from api.db import db, ledger_context
from ledger import leaves
from ledger.services import log
from ledger.services.verify import verify_ledger
from ledger.store import LogLeaf

from ..unit.test_merkle import ref_mth, ref_path, ref_subproof

SIZES = (100, 256, 300, 700)


def grow(ctx) -> list[bytes]:
    data = [f'{{"leaf":"test","n":{i}}}'.encode() for i in range(SIZES[-1])]
    done = 0
    for size in SIZES:
        ctx.session.execute(insert(LogLeaf), [
            {"kind": "test", "ref_id": i, "owner": None, "data": d.decode(),
             "leaf_hash": leaves.hash_hex(d), "created_at": datetime(2025, 6, 1, tzinfo=UTC)}
            for i, d in enumerate(data[done:size], start=done)])
        ctx.session.commit()
        assert log.seal(ctx).size == size
        done = size
    return data


def test_proofs_across_tiles_match_the_reference(app):
    ctx = ledger_context()
    data = grow(ctx)
    for size in SIZES:
        assert log.checkpoint_at(ctx, size).root_hash == ref_mth(data[:size]).hex()
    for index in (0, 1, 255, 256, 257, 511, 512, 599, 600, 699):
        proof = log.inclusion_proof(ctx, index, 700)
        assert proof["path"] == [h.hex() for h in ref_path(index, data)]
    for index in (0, 99, 255, 299):
        proof = log.inclusion_proof(ctx, index, 300)
        assert proof["path"] == [h.hex() for h in ref_path(index, data[:300])]
    for first in SIZES:
        for second in SIZES:
            if first <= second:
                proof = log.consistency_proof(ctx, first, second)
                expected = [] if first == second else ref_subproof(first, data[:second], True)
                assert proof["path"] == [h.hex() for h in expected]


def test_verify_recomputes_the_tiles(app):
    ctx = ledger_context()
    grow(ctx)
    tree_codes = {"tile_changed", "tree_mismatch", "leaf_missing", "log_truncated"}
    found = {f.code for f in verify_ledger(ctx).findings}
    assert not found & tree_codes
    ctx.session.rollback()  # end the read, so the next one sees the insider's write
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE log_tile SET hash = :h WHERE start = 256"), {"h": "00" * 32})
    findings = [f for f in verify_ledger(ctx).findings if f.code in tree_codes]
    assert [(f.code, f.subject) for f in findings] == [
        ("tile_changed", "tile of leaves 256..511")]


def test_sealing_keeps_each_complete_tiles_leaf_hashes_and_verify_checks_them(app):
    ctx = ledger_context()
    data = grow(ctx)
    stored = dict(db.session.execute(text("SELECT start, leaf_hashes FROM log_tile")).all())
    # Tiles completed by seals of 256, 300 and 700 leaves: the one a later seal finished
    # (256..511) takes its first 44 leaves from the leaves sealed before.
    assert sorted(stored) == [0, 256]
    for start, blob in stored.items():
        assert bytes(blob) == b"".join(bytes.fromhex(leaves.hash_hex(d))
                                       for d in data[start:start + 256])
    ctx.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE log_tile SET leaf_hashes = NULL WHERE start = 0"))
        conn.execute(text("UPDATE log_tile SET leaf_hashes = :b WHERE start = 256"),
                     {"b": b"\x07" * 32 * 256})
    findings = [(f.code, f.subject) for f in verify_ledger(ctx).findings
                if f.code.startswith("tile")]
    assert findings == [("tile_leaves_changed", "tile of leaves 0..255"),
                        ("tile_leaves_changed", "tile of leaves 256..511")]
