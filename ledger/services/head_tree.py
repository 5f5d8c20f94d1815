"""One leaf's audit path in a large log from the stored nodes it passes through.

tree.Tree reads every tile's hash (4,900 rows at 1.26M leaves) and hashes them again for
each proof: fine for the whole-ledger check, but an attestation proves one leaf, the
chain head. Every tile-aligned subtree on its path is a perfect node sealing stored
(tile_nodes), or splits into a few of them at the tree's right edge; the path needs
~2·log2(tiles) of them, read in two queries before the path is built. Within a complete
tile, the path comes from the leaf hashes sealing kept with the tile: one value (a few
pages), where the leaves are 256 rows of the largest table (the right edge's partial
tile is read from its leaves, as tree.Tree reads them). A wrong stored node or leaf hash
can only make a proof fail against the signed root, never pass: the caller verifies the
path, and on a failure builds it again from every tile and the leaves of the tiles the
path passes through.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from .. import merkle
from ..store import LogTile
from . import tile_nodes, tree
from .context import Context

TILE = tree.TILE
HASH = 32  # SHA-256


class _Count:
    """Stands for tree.Tree.tiles where only its length is asked."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n


class HeadTree(tree.Tree):
    """tree.Tree whose tile-aligned subtrees come from the stored nodes; ``indices``: the
    leaves whose paths will be asked, so their nodes are read at once."""

    def __init__(self, ctx: Context, size: int, indices: Iterable[int] = ()):
        # No call to Tree's: it reads every tile.
        self.ctx, self.size = ctx, size
        self.tiles = _Count(size // TILE)  # type: ignore[assignment]
        self._blocks, self._levels, self._memo = {}, {}, {}
        keys: set[tuple[int, int]] = set()
        for index in indices:
            merkle.inclusion_path(index, size, lambda s, e: keys.update(self._keys(s, e)))
        self._nodes = tile_nodes.load(ctx, keys)

    def block(self, number: int) -> list[bytes]:
        if number not in self._blocks and number < len(self.tiles):
            stored = self.ctx.session.scalar(
                select(LogTile.leaf_hashes).where(LogTile.start == number * TILE))
            if stored is not None and len(stored) == TILE * HASH:
                self._blocks[number] = [bytes(stored[i:i + HASH])
                                        for i in range(0, len(stored), HASH)]
        return super().block(number)

    def _aligned(self, start: int, end: int) -> bool:
        n = end - start
        return n > 0 and start % TILE == 0 and n % TILE == 0 \
            and end <= len(self.tiles) * TILE

    def _keys(self, start: int, end: int) -> list[tuple[int, int]]:
        """The stored nodes (height, start) that make MTH of [start, end), if aligned."""
        if not self._aligned(start, end):
            return []
        key = _node(start, end)
        if key is not None:
            return [key]
        k = merkle.split(end - start)
        return self._keys(start, start + k) + self._keys(start + k, end)

    def subtree(self, start: int, end: int) -> bytes:
        if not self._aligned(start, end):
            return super().subtree(start, end)
        key = _node(start, end)
        if key is None:
            k = merkle.split(end - start)
            return merkle.node_hash(self.subtree(start, start + k),
                                    self.subtree(start + k, end))
        if key not in self._nodes:
            self._nodes[key] = tile_nodes.stored(self.ctx, *key)
        return self._nodes[key]


def _node(start: int, end: int) -> tuple[int, int] | None:
    """(height, start) of the stored node (a tile at height 0) that is exactly the
    tile-aligned range [start, end), or None where the range is no perfect subtree."""
    count = (end - start) // TILE
    if count & (count - 1) == 0 and (start // TILE) % count == 0:
        return count.bit_length() - 1, start
    return None
