"""One leaf's audit path in a large log without reading every tile on each request.

tree.Tree reads every tile's hash (4,900 rows at 1.26M leaves) and hashes them again for
each proof: fine for the whole-ledger check, but an attestation proves one leaf, the
chain head. The complete, tile-aligned subtrees a path passes through never change in an
append-only log, so their hashes are kept for the process, per database, and each one is
read from its range of tiles once. A wrong kept hash can only make a proof fail against
the signed root, never pass: the caller verifies every path, and on a failure forgets
this database's hashes and builds the path again from the tiles (``forget``).
"""

from __future__ import annotations

from sqlalchemy import select

from .. import merkle
from ..errors import Conflict
from ..store import LogTile
from . import tree
from .context import Context

TILE = tree.TILE
_NODES: dict[tuple[str, int, int], bytes] = {}
_LIMIT = 200_000  # ~2 nodes a tile: a log of 25M leaves before the memo starts over


class _Count:
    """Stands for tree.Tree.tiles where only its length is asked."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n


def _database(ctx: Context) -> str:
    return str(ctx.session.get_bind().url)


def forget(ctx: Context) -> None:
    """Drop the kept hashes of this database (after a path built from them failed)."""
    db = _database(ctx)
    for key in [k for k in list(_NODES) if k[0] == db]:  # list(): one step under the GIL
        _NODES.pop(key, None)


class HeadTree(tree.Tree):
    """tree.Tree whose tile-aligned subtrees come from the process's kept hashes, read on
    a miss from just their range of tiles."""

    def __init__(self, ctx: Context, size: int):  # no call to Tree's: it reads every tile
        self.ctx, self.size = ctx, size
        self.tiles = _Count(size // TILE)  # type: ignore[assignment]
        self._blocks, self._levels, self._memo = {}, {}, {}
        self._db = _database(ctx)

    def subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n > 0 and start % TILE == 0 and n % TILE == 0 and end <= len(self.tiles) * TILE:
            node = _NODES.get((self._db, start, end))
            if node is None:
                node = self._fill(start, end, self._read_tiles(start, end), start)
            return node
        return super().subtree(start, end)

    def _read_tiles(self, start: int, end: int) -> list[bytes]:
        rows = self.ctx.session.execute(
            select(LogTile.start, LogTile.hash)
            .where(LogTile.start >= start, LogTile.start < end).order_by(LogTile.start)).all()
        if [s for s, _ in rows] != list(range(start, end, TILE)):
            raise Conflict(f"tiles are missing between leaves {start} and {end - 1}",
                           code="log_integrity_failed")
        return [bytes.fromhex(h) for _, h in rows]

    def _fill(self, start: int, end: int, tiles: list[bytes], base: int) -> bytes:
        """MTH of [start, end) from the tiles read from ``base``, keeping each node."""
        key = (self._db, start, end)
        node = _NODES.get(key)
        if node is None:
            n = end - start
            if n == TILE:
                node = tiles[(start - base) // TILE]
            else:
                k = 1 << ((n - 1).bit_length() - 1)  # RFC 9162's split: a multiple of TILE
                node = merkle.node_hash(self._fill(start, start + k, tiles, base),
                                        self._fill(start + k, end, tiles, base))
            if len(_NODES) >= _LIMIT:
                _NODES.clear()
            _NODES[key] = node
        return node
