"""The whole-ledger check behind ``flask --app app ledger verify``.

Recomputes from the rows: every row of every kind the log covers against its leaf
(changed, deleted, inserted, reordered, identity bindings swapped), every professional's
hash chain, the tree from the leaves, every stored checkpoint's root and signature, and
that the tree extends any checkpoint kept outside the database (``--trusted``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from .. import checkpoint, leaves, merkle
from ..store import LogCheckpoint, LogLeaf, LogNode, LogTile
from . import tile_nodes
from .context import Context
from .integrity import TABLES, Finding, chain_findings, compare
from .keyset import ed25519_verify
from .tree import TILE

Progress = Callable[[str, int, int], None]
CHUNK = 10_000


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": not self.findings, "checked": self.checked,
                "findings": [f.as_dict() for f in self.findings]}

    def summary(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.checked.items())
        verdict = (f"{len(self.findings)} finding(s)" if self.findings
                   else "no findings: every row matches the signed log")
        return f"verify: checked {counts}; {verdict}"


def _quiet(_stage: str, _done: int, _total: int) -> None:
    pass


def verify_ledger(ctx: Context, trusted: Iterable[str] = (),
                  progress: Progress | None = None) -> Report:
    """Check everything; never raises on what it finds, it reports it.

    Rows are compared with their leaves in id ranges of CHUNK, so memory stays flat on a
    large ledger; professionals are read whole, so a swap across ranges is still seen.
    """
    progress = progress or _quiet
    report = Report()
    for kind in TABLES:
        _compare_kind(ctx, kind, report, progress)
    _chains(ctx, report, progress)
    _tree(ctx, list(trusted), report, progress)
    return report


def _compare_kind(ctx: Context, kind: str, report: Report, progress: Progress) -> None:
    table = TABLES[kind].__table__
    top = max(ctx.session.scalar(select(func.max(table.c.id))) or 0,
              ctx.session.scalar(select(func.max(LogLeaf.ref_id))
                                 .where(LogLeaf.kind == kind)) or 0)
    step = top + 1 if kind == "professional" else CHUNK
    count = 0
    for low in range(0, top + 1, step):
        rows = {r["id"]: dict(r) for r in ctx.session.execute(
            select(table).where(table.c.id >= low, table.c.id < low + step)).mappings()}
        leaf_rows = ctx.session.execute(
            select(LogLeaf.id, LogLeaf.ref_id, LogLeaf.data, LogLeaf.leaf_hash)
            .where(LogLeaf.kind == kind, LogLeaf.ref_id >= low,
                   LogLeaf.ref_id < low + step)).all()
        report.findings += compare(kind, rows, leaf_rows)
        count += len(rows)
        progress(f"rows: {kind}", min(low + step, top), top)
    report.checked[f"{kind} rows"] = count


def _chains(ctx: Context, report: Report, progress: Progress) -> None:
    """Every professional's chain, streamed in (professional, seq) order."""
    table = TABLES["entry"].__table__
    total = ctx.session.scalar(select(func.count(func.distinct(table.c.professional_id))))
    rows = ctx.session.execute(select(table).order_by(table.c.professional_id, table.c.seq)
                               .execution_options(yield_per=CHUNK)).mappings()
    done, current, chain = 0, None, []
    for row in rows:
        if row["professional_id"] != current:
            if chain:
                report.findings += chain_findings(current, chain)
                done += 1
                if done % CHUNK == 0:
                    progress("chains", done, total)
            current, chain = row["professional_id"], []
        chain.append(dict(row))
    if chain:
        report.findings += chain_findings(current, chain)
        done += 1
    progress("chains", done, total or 0)
    report.checked["chains"] = done


def _tree(ctx: Context, trusted: list[str], report: Report, progress: Progress) -> None:
    """Stream the leaves in index order, compare the root at every checkpoint size."""
    heads = list(ctx.session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.size)))
    keys = ctx.signer.note_keys() if ctx.signer is not None else {}
    wanted: dict[int, list[tuple[str, bytes, Any]]] = defaultdict(list)
    for head in heads:
        try:
            signed = checkpoint.verify(head.note, keys, ed25519_verify)
        except checkpoint.CheckpointError as exc:
            report.findings.append(Finding("checkpoint_invalid", f"checkpoint {head.size}",
                                           str(exc)))
            continue
        if signed.size != head.size or signed.root.hex() != head.root_hash:
            report.findings.append(Finding(
                "checkpoint_changed", f"checkpoint {head.size}",
                f"its row says size {head.size} root {head.root_hash}; its signed note says "
                f"size {signed.size} root {signed.root.hex()}"))
        wanted[signed.size].append((f"checkpoint {head.size}", signed.root, head))
    for note in trusted:
        try:
            signed = checkpoint.verify(note, keys, ed25519_verify)
        except checkpoint.CheckpointError as exc:
            report.findings.append(Finding("trusted_checkpoint_invalid", "trusted checkpoint",
                                           str(exc)))
            continue
        wanted[signed.size].append((f"trusted checkpoint of size {signed.size}",
                                    signed.root, None))
    total = ctx.session.scalar(select(func.count()).select_from(LogLeaf)
                               .where(LogLeaf.idx.is_not(None))) or 0
    frontier = merkle.Frontier()
    _check_size(frontier, wanted, report)
    tiles = {start: h for start, h in ctx.session.execute(select(LogTile.start, LogTile.hash))}
    nodes, tile_leaves = _Nodes(ctx), _TileLeaves(ctx)
    block: list[bytes] = []
    last_id = -1
    while True:
        chunk = ctx.session.execute(
            select(LogLeaf.idx, LogLeaf.leaf_hash, LogLeaf.kind, LogLeaf.ref_id)
            .where(LogLeaf.idx > last_id).order_by(LogLeaf.idx).limit(CHUNK)).all()
        if not chunk:
            break
        for idx, leaf_hash, kind, ref_id in chunk:
            if idx != frontier.size:
                report.findings.append(Finding(
                    "leaf_missing", f"leaves {frontier.size}..{idx - 1}",
                    "indices are missing from the log: leaves were deleted"))
                return
            if kind not in leaves.KINDS:
                report.findings.append(Finding("leaf_unknown", f"leaf {idx}",
                                               f"unknown kind {kind!r} ({ref_id})"))
            frontier.append(bytes.fromhex(leaf_hash))
            block.append(bytes.fromhex(leaf_hash))
            if len(block) == TILE:
                tile = merkle.root_of(block)  # once: the tile and the nodes above it
                _check_tile(frontier.size - TILE, tile, tiles, report)
                nodes.check(frontier.size - TILE, tile, report)
                tile_leaves.check(frontier.size - TILE, block, report)
                block = []
            _check_size(frontier, wanted, report)
        last_id = chunk[-1][0]
        progress("tree", frontier.size, total)
    report.checked["leaves"] = frontier.size
    report.checked["checkpoints"] = len(heads)
    for size, items in sorted(wanted.items()):
        if size > frontier.size:
            for what, _root, _head in items:
                report.findings.append(Finding(
                    "log_truncated", what,
                    f"signed over {size} leaves; the log holds {frontier.size}"))


def _check_tile(start: int, tile: bytes, tiles: dict[int, str], report: Report) -> None:
    if tiles.get(start) != tile.hex():
        report.findings.append(Finding(
            "tile_changed", f"tile of leaves {start}..{start + TILE - 1}",
            "its stored hash is missing or not the hash of its leaves (proofs would fail)"))


class _TileLeaves:
    """Each complete tile's stored leaf hashes (head_tree reads them for proofs) against
    the leaves, read a few thousand tiles at a time rather than all at once (8 KiB each)."""

    def __init__(self, ctx: Context):
        self.ctx, self.stored, self.upto = ctx, {}, 0

    def check(self, start: int, block: list[bytes], report: Report) -> None:
        if start >= self.upto:
            self.upto = start + CHUNK * TILE // 4
            self.stored = dict(self.ctx.session.execute(
                select(LogTile.start, LogTile.leaf_hashes)
                .where(LogTile.start >= start, LogTile.start < self.upto)).all())
        stored = self.stored.pop(start, None)
        if stored is None or bytes(stored) != b"".join(block):
            report.findings.append(Finding(
                "tile_leaves_changed", f"tile of leaves {start}..{start + TILE - 1}",
                "its stored leaf hashes are missing or not its leaves' (proofs would read "
                "the leaves instead)"))


class _Nodes:
    """Every stored node above the tiles (tile_nodes) against the one the leaves make,
    as each completes."""

    def __init__(self, ctx: Context):
        self.stored = {(h, s): v for s, h, v in ctx.session.execute(
            select(LogNode.start, LogNode.height, LogNode.hash))}
        self.made: dict[tuple[int, int], bytes] = {}

    def check(self, start: int, tile: bytes, report: Report) -> None:
        self.made[(0, start)] = tile
        for height, node_start, value in tile_nodes.completed(
                start, [tile], lambda h, s: self.made[(h, s)]):
            self.made[(height, node_start)] = value
            if self.stored.get((height, node_start)) != value.hex():
                end = node_start + tile_nodes.span(height) - 1
                report.findings.append(Finding(
                    "node_changed", f"subtree of leaves {node_start}..{end}",
                    "its stored hash is missing or not the hash of its leaves "
                    "(proofs would be built again from every tile)"))


def _check_size(frontier: merkle.Frontier,
                wanted: dict[int, list[tuple[str, bytes, Any]]], report: Report) -> None:
    items = wanted.get(frontier.size)
    if not items:
        return
    root = frontier.root()
    for what, signed_root, head in items:
        if root != signed_root:
            report.findings.append(Finding(
                "tree_mismatch", what,
                f"the leaves hash to {root.hex()}, not the signed {signed_root.hex()}: "
                "a logged leaf was changed, removed or reordered"))
        elif head is not None and head.frontier != [n.hex() for n in frontier.nodes]:
            report.findings.append(Finding("checkpoint_edge_changed", what,
                                           "its stored right edge is not the tree's"))
