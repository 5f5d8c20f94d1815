"""The nodes sealing stores above the tiles (ledger/services/tile_nodes.py): however the
tiles arrive, seal after seal, every perfect aligned subtree of two or more tiles is
stored once, with the hash RFC 9162's MTH gives its leaves."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle
from ledger.services.tile_nodes import TILE, completed, span


def tiles(n: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(n)]


def seal_in(batches: list[int]) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    """Tile hashes appended in ``batches``, each seal seeing only what is stored."""
    hashes = tiles(sum(batches))
    stored: dict[tuple[int, int], bytes] = {}
    asked: list[tuple[int, int]] = []

    def known(height: int, start: int) -> bytes:
        asked.append((height, start))
        return hashes[start // TILE] if height == 0 else stored[(height, start)]

    done = 0
    for batch in batches:
        asked.clear()
        for height, start, value in completed(done * TILE, hashes[done:done + batch], known):
            assert (height, start) not in stored
            stored[(height, start)] = value
        # Only left halves from before the seal, one per height at most.
        assert len({h for h, _ in asked}) == len(asked)
        assert all(s < done * TILE for _, s in asked)
        done += batch
    return hashes, stored


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), max_size=12))
def test_every_perfect_subtree_is_stored_with_its_mth(batches):
    hashes, stored = seal_in(batches)
    expected = {}
    height = 1
    while (1 << height) <= len(hashes):
        for first in range(0, len(hashes) - (1 << height) + 1, 1 << height):
            expected[(height, first * TILE)] = merkle.root_of(hashes[first:first + (1 << height)])
        height += 1
    assert stored == expected


def test_a_node_spans_its_height_in_leaves():
    hashes, stored = seal_in([3, 5])
    assert span(0) == TILE and span(3) == 8 * TILE
    assert set(stored) == {(1, 0), (1, 2 * TILE), (1, 4 * TILE), (1, 6 * TILE),
                           (2, 0), (2, 4 * TILE), (3, 0)}
    assert stored[(3, 0)] == merkle.root_of(hashes)
