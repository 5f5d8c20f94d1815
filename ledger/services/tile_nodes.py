"""The hashes of the log's perfect subtrees above the tiles, stored as they complete.

A tile (``log_tile``) is the hash of 256 leaves. A node of height h (``log_node``) is the
hash of the 2**h tiles from ``start``: a perfect, aligned subtree of the RFC 9162 tree,
complete once its last tile is, and never changed after (the log only grows). Sealing
stores each node as its last tile completes, from its two halves, so an inclusion proof
reads the ~2·log2(tiles) nodes its path passes through instead of every tile, and costs
the same in the first request of a process as in the next: no cache to warm.

Nodes are a cache of what the leaves say, like tiles: a proof built from a wrong node does
not verify against the signed root (the caller then builds it from every tile), and
``ledger verify`` recomputes every node it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select

from .. import merkle
from ..errors import Conflict
from ..store import LogNode, LogTile
from ..store.any_of import any_of
from .context import Context
from .tree import TILE


def span(height: int) -> int:
    """Leaves under a node of ``height`` (0: a tile)."""
    return TILE << height


def completed(first: int, tile_hashes: list[bytes], known: Callable[[int, int], bytes]
              ) -> list[tuple[int, int, bytes]]:
    """(height, start, hash) of every node completed by appending the tiles
    ``tile_hashes`` from leaf ``first`` (a multiple of TILE), lowest first.

    ``known(height, start)`` answers a node (height 0: a tile) completed before ``first``;
    it is asked at most once per height, for a left half."""
    made: dict[tuple[int, int], bytes] = {}

    def node(height: int, start: int) -> bytes:
        if start + span(height) <= first:  # complete before these tiles
            return known(height, start)
        return tile_hashes[(start - first) // TILE] if height == 0 else made[(height, start)]

    out = []
    for offset in range(len(tile_hashes)):
        number = first // TILE + offset + 1  # tiles complete through this one
        height = 1
        while number % (1 << height) == 0:
            start = number * TILE - span(height)
            value = merkle.node_hash(node(height - 1, start),
                                     node(height - 1, start + span(height - 1)))
            made[(height, start)] = value
            out.append((height, start, value))
            height += 1
    return out


def rows_for(ctx: Context, tiles: list[dict[str, object]]) -> list[dict[str, object]]:
    """The log_node rows completed by the new tiles (tree.tiles_for's rows, in order)."""
    if not tiles:
        return []
    first = int(tiles[0]["start"])  # type: ignore[call-overload]
    hashes = [bytes.fromhex(str(t["hash"])) for t in tiles]
    return [{"height": h, "start": s, "hash": v.hex()}
            for h, s, v in completed(first, hashes, lambda h, s: stored(ctx, h, s))]


def stored(ctx: Context, height: int, start: int) -> bytes:
    """One node as stored (a tile at height 0); computed from the tiles if a node is
    missing, so a log sealed before nodes were kept still proves."""
    table = LogTile if height == 0 else LogNode
    query = select(table.hash).where(table.start == start)
    if height:
        query = query.where(LogNode.height == height)
    value = ctx.session.scalar(query)
    return bytes.fromhex(value) if value is not None else from_tiles(ctx, start,
                                                                     start + span(height))


def from_tiles(ctx: Context, start: int, end: int) -> bytes:
    rows = ctx.session.execute(
        select(LogTile.start, LogTile.hash)
        .where(LogTile.start >= start, LogTile.start < end).order_by(LogTile.start)).all()
    if [s for s, _ in rows] != list(range(start, end, TILE)):
        raise Conflict(f"tiles are missing between leaves {start} and {end - 1}",
                       code="log_integrity_failed")
    return merkle.root_of([bytes.fromhex(h) for _, h in rows])


def load(ctx: Context, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored nodes and tiles among ``keys`` ((height, start)), in two reads."""
    keys = set(keys)
    out: dict[tuple[int, int], bytes] = {}
    tiles = sorted(s for h, s in keys if h == 0)
    if tiles:
        out.update(((0, s), bytes.fromhex(v)) for s, v in ctx.session.execute(
            select(LogTile.start, LogTile.hash).where(any_of(LogTile.start, tiles))))
    nodes = sorted({s for h, s in keys if h > 0})
    if nodes:
        out.update(((h, s), bytes.fromhex(v)) for h, s, v in ctx.session.execute(
            select(LogNode.height, LogNode.start, LogNode.hash)
            .where(any_of(LogNode.start, nodes))) if (h, s) in keys)
    return out
