"""One professional's records read once and checked once, for an attestation.

An attestation states the professional's whole chain (seq 1 to the last entry sealed in
the checkpoint) and proves only its HEAD in the signed tree: each entry's hash covers the
one before it, and the head's leaf covers its ``hash``, so once a verifier recomputes the
chain from the entries (journal.entry_hash from seq 1) the one audit path proves every
entry. Here the entries come in one Core query, the chain is re-hashed once in one loop
(nothing is signed over a broken chain), the head's row is compared with its leaf, and
the head's path is built from the stored tree and verified against the signed root.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import checkpoint, merkle
from ..errors import Conflict
from ..journal import GENESIS
from ..store import Entry, LogCheckpoint, LogLeaf, Professional
from . import attest_pass, head_tree, integrity, tree
from .compact_json import PlainList
from .context import Context
from .keyset import ed25519_verify

# What an attestation carries of each entry, in this order: its id and the canonical form
# (ledger/canonical.py) of every field journal.entry_hash covers but the professional, who
# is the attestation's own. prev_hash and hash are left out: the verifier recomputes them.
CARRIED = ("id", "seq", "kind", "hours", "subject", "year", "posting", "base", "project",
           "reverses", "policy_version", "reason", "created_at")
COLUMNS = ("id", "professional_id", "seq", "kind", "hours", "subject", "year", "posting_id",
            "base_id", "project_id", "reverses_id", "policy_version", "reason", "created_at",
            "prev_hash", "hash")


@dataclass
class Checked:
    """What an attestation states, after every check passed."""

    entries: list[Any]  # the professional's entries (Core rows) in the checkpoint, by seq
    carried: list[list[Any]]  # each of those as the attestation carries it (CARRIED)
    head: dict[str, Any] | None  # the last one's leaf: index, data and audit path (hex)
    report: attest_pass.Report | None = None  # the years asked for, as the report lists them


def _read(ctx: Context, professional_id: int, size: int) -> tuple[list[Any], Any]:
    """The professional's entries, and the leaf of the last one in the tree of ``size``."""
    entry, leaf = Entry.__table__, LogLeaf.__table__
    entries = ctx.session.execute(
        select(*(entry.c[name] for name in COLUMNS))
        .where(entry.c.professional_id == professional_id).order_by(entry.c.seq)).all()
    head_leaf = ctx.session.execute(
        select(leaf.c.id, leaf.c.ref_id, leaf.c.idx, leaf.c.data, leaf.c.leaf_hash)
        .where(leaf.c.kind == "entry", leaf.c.owner == professional_id, leaf.c.idx < size)
        .order_by(leaf.c.idx.desc()).limit(1)).first()
    return entries, head_leaf


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


def rehash(professional_id: int, entries: Sequence[Sequence[Any]]
           ) -> tuple[list[list[Any]], list[integrity.Finding]]:
    """Each entry as carried, and a finding if the chain does not recompute: one pass
    (attest_pass.walk)."""
    return attest_pass.walk(professional_id, entries)


def _unlogged(ctx: Context, later: list[Any], size: int) -> list[integrity.Finding]:
    """Entries after the checkpoint's head must have a leaf waiting to be sealed (one
    written since the seal), outside the checkpoint: a row with no leaf at all was put
    there by hand, and one sealed before the head means the log's order was rewritten."""
    if not later:
        return []
    index_of = dict(ctx.session.execute(select(LogLeaf.ref_id, LogLeaf.idx).where(
        LogLeaf.kind == "entry", LogLeaf.ref_id.in_([e.id for e in later]))).all())
    findings = []
    for e in later:
        if e.id not in index_of:
            findings.append(integrity.Finding("entry_inserted", f"entry {e.id} (seq {e.seq})",
                                              "no leaf in the log covers it"))
        elif index_of[e.id] is not None and index_of[e.id] < size:
            findings.append(integrity.Finding(
                "entry_reordered", f"entry {e.id} (seq {e.seq})",
                "sealed in the checkpoint before the leaf of an earlier entry"))
    return findings


def _prove_head(ctx: Context, head: LogCheckpoint, leaf: Any
                ) -> tuple[list[str], list[integrity.Finding]]:
    """The head leaf's audit path, verified against the checkpoint's signed root: built
    from the stored nodes it passes through (head_tree), and if that path fails, again
    from every tile, whose failure is then the finding."""
    try:
        signed = checkpoint.verify(head.note, ctx.signer.note_keys(), ed25519_verify)
        if signed.size != head.size:
            raise checkpoint.CheckpointError("the signed size is not the checkpoint's")
        data_hash = merkle.leaf_hash(leaf.data.encode())

        def proven(hashes: tree.Tree) -> list[str] | None:
            path = hex_paths(hashes, [leaf.idx], head.size)[leaf.idx]
            return path if merkle.verify_inclusion(
                leaf.idx, head.size, data_hash, [bytes.fromhex(h) for h in path],
                signed.root) else None

        try:
            path = proven(head_tree.HeadTree(ctx, head.size, [leaf.idx]))
        except (Conflict, merkle.ProofError):
            path = None
        if path is None:
            path = proven(tree.Tree(ctx, head.size))
        if path is None:
            return [], [integrity.Finding(
                "tree_mismatch", f"leaf {leaf.idx} (entry {leaf.ref_id})",
                f"no proof of it in the signed tree of size {head.size}: the stored tree "
                "is not the signed one")]
        return path, []
    except checkpoint.CheckpointError as exc:
        return [], [integrity.Finding("checkpoint_invalid", f"checkpoint {head.size}",
                                      str(exc))]
    except (Conflict, merkle.ProofError) as exc:
        return [], [integrity.Finding("tree_mismatch", f"checkpoint {head.size}",
                                      getattr(exc, "message", str(exc)))]


def _covered(entries: Sequence[Any], head_leaf: Any) -> int:
    """How many of the entries (by seq) the checkpoint covers: up to its head's row."""
    if head_leaf is None:
        return 0
    for at in range(len(entries) - 1, -1, -1):  # the head is nearly always the last
        if entries[at][0] == head_leaf.ref_id:
            return at + 1
    return 0


def check(ctx: Context, person: Professional, head: LogCheckpoint,
          sealed_all: bool = True, years: tuple[int, int] | None = None) -> Checked:
    """Raise record_integrity_failed unless the professional's chain is unbroken, its head
    (the last entry in the checkpoint) is as logged and proven in the signed tree, and
    their identity binding is as logged. ``sealed_all``: the checkpoint was sealed for
    this attestation, so every entry after its head must have a leaf waiting. ``years``
    (first, last): the checked entries of those years are also made into the report's
    (Checked.report), in the same pass."""
    entries, head_leaf = _read(ctx, person.id, head.size)
    report = None if years is None else attest_pass.report_for(ctx, person.id, *years)
    count = _covered(entries, head_leaf)
    carried, findings = attest_pass.walk(person.id, entries, report, count)
    intact = not findings
    findings += _binding_findings(ctx, person)
    covered: list[Any] = []
    proof = None
    if head_leaf is not None:
        row = entries[count - 1] if count else None
        findings += integrity.compare(
            "entry", {head_leaf.ref_id: row._asdict()} if row is not None else {},
            [head_leaf])
        if row is not None:
            # An intact chain's seqs are its positions; a broken one's, who knows.
            covered = (entries[:count] if intact
                       else [e for e in entries if e.seq <= row.seq])
            path, problems = _prove_head(ctx, head, head_leaf)
            findings += problems
            proof = {"index": head_leaf.idx, "data": head_leaf.data, "path": path}
    if sealed_all:
        findings += _unlogged(ctx, entries[len(covered):], head.size)
    if findings:
        raise Conflict("the professional's records fail the integrity check; nothing was "
                       "signed", code="record_integrity_failed",
                       findings=[f.as_dict() for f in findings])
    return Checked(covered, PlainList(carried[:len(covered)]), proof, report)


def chain(checked: Checked) -> dict[str, Any]:
    """The chain's summary for the report (as reading._chain makes it), from the entries
    ``check`` read: it refuses a broken chain, so what it returned is intact."""
    entries = checked.entries
    head = entries[-1] if entries else None
    return {"length": len(entries), "head_seq": head.seq if head else 0,
            "head_hash": head.hash if head else GENESIS, "intact": True}
