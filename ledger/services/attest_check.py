"""One professional's records read once and checked once, for an attestation.

An attestation used to load the professional's entries three times as ORM objects,
verify their chain twice, re-encode and diff every leaf, and compute and verify an
audit path per entry against the signed root: 6 s for 10,000 entries. Here the entries
and their leaves come in two Core queries; the chain is checked once; a leaf whose bytes
equal the row's encoding needs no diff; and instead of verifying 10,000 paths, the tree
they are built from is proven once: its root is the signed root, and every 256-leaf
block a path was read from hashes to its tile. A path built from proven nodes proves
itself, so no per-entry recomputation is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import checkpoint, merkle
from ..errors import Conflict
from ..journal import GENESIS
from ..store import Entry, LogCheckpoint, LogLeaf, Professional
from . import integrity, tree
from .context import Context
from .keyset import ed25519_verify


@dataclass
class Checked:
    """What an attestation states, after every check passed."""

    entries: list[Any]  # all the professional's entries (Core rows), by seq
    pairs: list[tuple[Any, Any]]  # (entry, its leaf) for leaves in the checkpoint, by seq
    paths: dict[int, list[str]]  # leaf index -> audit path, hex, leaf upwards


def _read(ctx: Context, professional_id: int) -> tuple[list[Any], list[Any]]:
    entry, leaf = Entry.__table__, LogLeaf.__table__
    entries = ctx.session.execute(
        select(entry).where(entry.c.professional_id == professional_id)
        .order_by(entry.c.seq)).all()
    entry_leaves = ctx.session.execute(
        select(leaf.c.id, leaf.c.ref_id, leaf.c.idx, leaf.c.data, leaf.c.leaf_hash)
        .where(leaf.c.kind == "entry", leaf.c.owner == professional_id)).all()
    return entries, entry_leaves


def _binding_findings(ctx: Context, person: Professional) -> list[integrity.Finding]:
    binding = list(ctx.session.scalars(
        select(LogLeaf).where(LogLeaf.kind == "professional", LogLeaf.owner == person.id)))
    return integrity.compare("professional", {person.id: person}, binding)


def hex_paths(hashes: tree.Tree, indices: list[int], size: int) -> dict[int, list[str]]:
    """Each leaf's audit path (RFC 9162 §2.1.3.1, as merkle.inclusion_path), in hex; the
    many paths of one professional share their upper nodes, so each node's hex is made
    once."""
    memo: dict[tuple[int, int], str] = {}

    def node(start: int, end: int) -> str:
        key = (start, end)
        if key not in memo:
            memo[key] = hashes.subtree(start, end).hex()
        return memo[key]

    return {index: merkle.inclusion_path(index, size, node) for index in indices}


def check(ctx: Context, person: Professional, head: LogCheckpoint) -> Checked:
    """Raise record_integrity_failed unless the professional's rows match their leaves,
    their chain is unbroken, and each leaf is in the signed checkpoint."""
    entries, entry_leaves = _read(ctx, person.id)
    findings = integrity.chain_findings(person.id, entries)
    findings += integrity.compare("entry", {e.id: e for e in entries}, entry_leaves)
    findings += _binding_findings(ctx, person)
    leaf_of = {leaf.ref_id: leaf for leaf in entry_leaves
               if leaf.idx is not None and leaf.idx < head.size}
    pairs = [(e, leaf_of[e.id]) for e in entries if e.id in leaf_of]
    paths: dict[int, list[str]] = {}
    try:
        signed = checkpoint.verify(head.note, ctx.signer.note_keys(), ed25519_verify)
        if signed.size != head.size:
            raise checkpoint.CheckpointError("the signed size is not the checkpoint's")
        hashes = tree.Tree(ctx, head.size)
        if hashes.root() != signed.root:
            raise Conflict(f"the stored tree of size {head.size} is not the signed one",
                           code="log_integrity_failed")
        for _, leaf in pairs:
            if hashes.leaf(leaf.idx) != bytes.fromhex(leaf.leaf_hash):
                findings.append(integrity.Finding(
                    "leaf_not_in_checkpoint", f"leaf {leaf.idx} (entry {leaf.ref_id})",
                    f"no proof of it in the signed tree of size {head.size}"))
        paths = hex_paths(hashes, [leaf.idx for _, leaf in pairs], head.size)
        for number in hashes.unproven_blocks():
            findings.append(integrity.Finding(
                "tree_mismatch", f"leaves {number * tree.TILE} to "
                f"{(number + 1) * tree.TILE - 1}", "they do not hash to their sealed tile"))
    except checkpoint.CheckpointError as exc:
        findings.append(integrity.Finding("checkpoint_invalid", f"checkpoint {head.size}",
                                          str(exc)))
    except (Conflict, merkle.ProofError) as exc:
        findings.append(integrity.Finding("tree_mismatch", f"checkpoint {head.size}",
                                          getattr(exc, "message", str(exc))))
    if findings:
        raise Conflict("the professional's records fail the integrity check; nothing was "
                       "signed", code="record_integrity_failed",
                       findings=[f.as_dict() for f in findings])
    return Checked(list(entries), pairs, paths)



def chain(checked: Checked) -> dict[str, Any]:
    """The chain's summary for the report (as reading._chain makes it), from the entries
    ``check`` read: it refuses a broken chain, so what it returned is intact."""
    entries = checked.entries
    head = entries[-1] if entries else None
    return {"length": len(entries), "head_seq": head.seq if head else 0,
            "head_hash": head.hash if head else GENESIS, "intact": True}
