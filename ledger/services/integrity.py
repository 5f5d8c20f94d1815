"""Checking rows against their leaves, chains and the signed tree: the findings.

Used by ``flask ledger verify`` over the whole ledger (ledger/services/verify.py) and by
an attestation over one professional before anything is signed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from .. import leaves
from ..journal import GENESIS, entry_hash
from ..store import Entry, LogLeaf, Professional, Project, ScopeGrantRow, StandingEventRow
from .chains import hashed_fields
from .context import Context

# The table and the leaf kind of each fact the log covers.
TABLES = {"entry": Entry, "standing_event": StandingEventRow, "filing": Project,
          "decision": Project, "professional": Professional, "scope_grant": ScopeGrantRow}
LABEL = {"entry": "entry", "standing_event": "standing event", "filing": "filing",
         "decision": "decision on filing", "professional": "professional",
         "scope_grant": "scope decision"}
# Kinds with a leaf per row; the others keep their latest leaf as the one in force.
ONE_LEAF = ("entry", "standing_event", "filing", "scope_grant")
CHAIN_FIELDS = {"seq", "prev_hash", "hash"}


@dataclass(frozen=True)
class Finding:
    code: str  # entry_changed, entry_deleted, entry_inserted, entry_reordered, ...
    subject: str  # what it is about, e.g. "entry 17 (professional 3, seq 5)"
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.code}: {self.subject}: {self.detail}"


def _describe(kind: str, ref: int, row: Mapping[str, Any] | None) -> str:
    if kind == "entry" and row:
        return (f"entry {ref} (professional {row.get('professional_id')}, "
                f"seq {row.get('seq')}, {row.get('kind')} {row.get('hours')})")
    return f"{LABEL[kind]} {ref}"


def compare(kind: str, rows: Mapping[int, Any], leaf_rows: Iterable[LogLeaf | Any],
            expect_all: bool = True) -> list[Finding]:
    """Findings for the rows of one kind against their leaves.

    ``rows`` maps id -> current row (a mapping or ORM object). ``expect_all``: every row
    should have a leaf (False when only some leaves were read).
    """
    findings: list[Finding] = []
    by_ref: dict[int, list[Any]] = defaultdict(list)
    for leaf in leaf_rows:
        data = leaf.data.encode()
        if leaves.hash_hex(data) != leaf.leaf_hash:
            findings.append(Finding("leaf_changed", f"leaf #{leaf.id} ({kind} {leaf.ref_id})",
                                    "its stored hash is not the hash of its data"))
        by_ref[leaf.ref_id].append(leaf)
    for ref, found in sorted(by_ref.items()):
        found.sort(key=lambda leaf: leaf.id)
        if kind in ONE_LEAF and len(found) > 1:
            findings.append(Finding(f"{kind}_duplicated", f"{LABEL[kind]} {ref}",
                                    f"{len(found)} leaves cover it"))
        row = rows.get(ref)
        if row is not None and leaves.encode(kind, row) == found[-1].data.encode():
            continue  # as logged, under the latest version: nothing to diff
        stored = leaves.decode(found[-1].data)
        if row is None:
            findings.append(Finding(f"{kind}_deleted", _describe(kind, ref, stored["row"]),
                                    "its row is gone; the log still holds it"))
            continue
        current = leaves.decode(leaves.encode(kind, row, stored["v"]))["row"]
        diff = leaves.differing(stored["row"], current)
        if not diff:
            continue
        if kind == "entry" and "seq" in diff and set(diff) <= CHAIN_FIELDS:
            findings.append(Finding("entry_reordered", _describe(kind, ref, stored["row"]),
                                    f"now at seq {current['seq']}, logged at seq "
                                    f"{stored['row']['seq']}"))
        elif kind == "entry" and set(diff) <= CHAIN_FIELDS:
            # Its content is as logged, but its chain hashes were recomputed: the trace of
            # a change to an entry before it.
            findings.append(Finding("entry_relinked", _describe(kind, ref, stored["row"]),
                                    "content as logged, chain hashes recomputed"))
        else:
            changes = ", ".join(f"{f} {stored['row'].get(f)!r} -> {current.get(f)!r}"
                                for f in diff)
            findings.append(Finding(f"{kind}_changed", _describe(kind, ref, stored["row"]),
                                    f"differs from its leaf: {changes}"))
    if expect_all:
        for ref in sorted(set(rows) - set(by_ref)):
            row = rows[ref]
            if kind == "decision" and _get(row, "status") not in ("accepted", "rejected"):
                continue
            findings.append(Finding(f"{kind}_inserted",
                                    _describe(kind, ref, _as_mapping(kind, row)),
                                    "no leaf in the log covers it"))
    return findings + _swaps(kind, rows, by_ref)


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name)


def _as_mapping(kind: str, row: Any) -> dict[str, Any]:
    return leaves.decode(leaves.encode(kind, row))["row"]


def _swaps(kind: str, rows: Mapping[int, Any], by_ref: Mapping[int, list[Any]]) -> list[Finding]:
    """Name identity bindings that were swapped: A now holds B's ID hash and B holds A's."""
    if kind != "professional":
        return []
    bound = {ref: leaves.decode(found[-1].data)["row"]["id_hash"]
             for ref, found in by_ref.items()}
    owner_of = {h: ref for ref, h in bound.items()}
    out = []
    for ref, row in sorted(rows.items()):
        now = _get(row, "id_hash")
        other = owner_of.get(now)
        if ref in bound and bound[ref] != now and other is not None and other != ref:
            if other in rows and _get(rows[other], "id_hash") == bound[ref] and ref < other:
                out.append(Finding("identity_swapped", f"professionals {ref} and {other}",
                                   "each now holds the other's bound ID hash"))
            elif not (other in rows and _get(rows[other], "id_hash") == bound[ref]):
                out.append(Finding("identity_taken", f"professional {ref}",
                                   f"now holds the ID hash bound to professional {other}"))
    return out


def chain_findings(professional_id: int, entries: list[Any]) -> list[Finding]:
    """The professional's hash chain (entries in seq order) is unbroken."""
    prev = GENESIS
    for expected, entry in enumerate(entries, start=1):
        row = hashed_fields(entry)
        if (_get(entry, "seq") != expected or _get(entry, "prev_hash") != prev
                or entry_hash(prev, row) != _get(entry, "hash")):
            return [Finding("chain_broken", f"professional {professional_id}",
                            f"the hash chain breaks at seq {_get(entry, 'seq')} "
                            f"(entry {_get(entry, 'id')})")]
        prev = _get(entry, "hash")
    return []


def professional_findings(ctx: Context, professional_id: int) -> list[Finding]:
    """Everything that decides one professional's hours: their entries and binding."""
    entries = list(ctx.session.scalars(
        select(Entry).where(Entry.professional_id == professional_id).order_by(Entry.seq)))
    entry_leaves = list(ctx.session.scalars(
        select(LogLeaf).where(LogLeaf.kind == "entry", LogLeaf.owner == professional_id)))
    person = ctx.session.get(Professional, professional_id)
    binding = list(ctx.session.scalars(
        select(LogLeaf).where(LogLeaf.kind == "professional", LogLeaf.owner == professional_id)))
    findings = chain_findings(professional_id, entries)
    findings += compare("entry", {e.id: e for e in entries}, entry_leaves)
    findings += compare("professional", {person.id: person} if person else {}, binding)
    return findings
