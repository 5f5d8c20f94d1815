"""Subtree hashes of a stored tree, for proofs, without reading every leaf.

Sealing stores the hash of every complete tile of TILE leaves (``log_tile``). A subtree
hash is then put together from tiles where its range is tile-aligned and from the few
leaves of one tile elsewhere, exactly as MTH (RFC 9162 §2.1.1) splits it: an inclusion
proof in a tree of a million leaves reads one tile's leaves and the tiles' hashes, not a
million rows. Tiles are a cache of what the leaves say: verify recomputes them, and a
proof built from a wrong tile does not verify against the signed root.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import merkle
from ..errors import Conflict
from ..store import LogLeaf, LogTile
from .context import Context

TILE = 256


def _broken(message: str) -> Conflict:
    return Conflict(message, code="log_integrity_failed")


class Tree:
    """MTH of any range of the first ``size`` leaves, memoised."""

    def __init__(self, ctx: Context, size: int):
        self.ctx, self.size = ctx, size
        full = size // TILE
        self.tiles: list[bytes] = []
        for start, tile_hash in ctx.session.execute(
                select(LogTile.start, LogTile.hash).where(LogTile.start < full * TILE)
                .order_by(LogTile.start)):
            if start != len(self.tiles) * TILE:
                raise _broken(f"the tile at leaf {len(self.tiles) * TILE} is missing")
            self.tiles.append(bytes.fromhex(tile_hash))
        if len(self.tiles) != full:
            raise _broken(f"the log holds {len(self.tiles)} of {full} tiles")
        self._blocks: dict[int, list[bytes]] = {}
        self._levels: dict[int, list[list[bytes]]] = {}
        self._memo: dict[tuple[int, int], bytes] = {}

    def block(self, number: int) -> list[bytes]:
        """The leaf hashes of one tile (the last may be partial)."""
        if number not in self._blocks:
            low, high = number * TILE, min(self.size, (number + 1) * TILE)
            rows = self.ctx.session.execute(
                select(LogLeaf.idx, LogLeaf.leaf_hash)
                .where(LogLeaf.idx >= low, LogLeaf.idx < high).order_by(LogLeaf.idx)).all()
            if [idx for idx, _ in rows] != list(range(low, high)):
                raise _broken(f"leaves are missing between {low} and {high - 1}")
            self._blocks[number] = [bytes.fromhex(h) for _, h in rows]
        return self._blocks[number]

    def levels(self, number: int) -> list[list[bytes]]:
        """Every node of a complete tile's tree, by level: [leaves, pairs, ..., [root]]."""
        if number not in self._levels:
            level = self.block(number)
            out = [level]
            while len(level) > 1:
                level = [merkle.node_hash(level[i], level[i + 1])
                         for i in range(0, len(level), 2)]
                out.append(level)
            self._levels[number] = out
        return self._levels[number]

    def unproven_blocks(self) -> list[int]:
        """The complete tiles whose leaves, as read so far, do not hash to the tile's
        stored hash. Once the root is checked against a signed one, the tiles are proven;
        this extends the proof to every leaf hash read, so paths built here need no
        verification one by one."""
        return sorted(n for n in self._blocks
                      if n < len(self.tiles) and self.levels(n)[-1][0] != self.tiles[n])

    def leaf(self, index: int) -> bytes:
        return self.block(index // TILE)[index % TILE]

    def subtree(self, start: int, end: int) -> bytes:
        key = (start, end)
        if key in self._memo:
            return self._memo[key]
        n = end - start
        if n <= 0:
            value = merkle.EMPTY_ROOT
        elif start % TILE == 0 and n % TILE == 0:
            # Tiles are perfect subtrees of equal height: MTH over them is MTH over leaves.
            value = merkle.root_of(self.tiles[start // TILE:end // TILE])
        elif start // TILE == (end - 1) // TILE and n & (n - 1) == 0 and start % n == 0 \
                and end <= len(self.tiles) * TILE:
            # An aligned power-of-two range of a complete tile: a node of the tile's tree,
            # built once for all the paths that pass through the tile.
            value = self.levels(start // TILE)[n.bit_length() - 1][(start % TILE) // n]
        elif start // TILE == (end - 1) // TILE:
            offset = start % TILE
            value = merkle.root_of(self.block(start // TILE)[offset:offset + n])
        else:
            k = 1 << ((n - 1).bit_length() - 1)
            value = merkle.node_hash(self.subtree(start, start + k), self.subtree(start + k, end))
        self._memo[key] = value
        return value

    def root(self) -> bytes:
        return self.subtree(0, self.size)


def tiles_for(ctx: Context, old_size: int, new_hashes: list[bytes]) -> list[dict[str, object]]:
    """The tiles completed by appending ``new_hashes`` to a tree of ``old_size`` leaves."""
    first = old_size - old_size % TILE
    prefix = [bytes.fromhex(h) for (h,) in ctx.session.execute(
        select(LogLeaf.leaf_hash).where(LogLeaf.idx >= first, LogLeaf.idx < old_size)
        .order_by(LogLeaf.idx))]
    hashes = prefix + new_hashes
    tiles = [hashes[offset:offset + TILE] for offset in range(0, len(hashes) - TILE + 1, TILE)]
    return [{"start": first + k * TILE, "hash": merkle.root_of(tile).hex(),
             "leaf_hashes": b"".join(tile)} for k, tile in enumerate(tiles)]
