"""The Merkle log's tables: leaves, signed checkpoints and issued attestations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class LogLeaf(Base):
    """One leaf of the log, written in the transaction of the row it covers.

    ``idx`` is its position in the tree, given by the sealing step (NULL until then), so
    writers never queue behind one counter. ``data`` is the canonical leaf encoding
    (ledger/leaves.py); ``leaf_hash`` its RFC 9162 leaf hash.
    """

    __tablename__ = "log_leaf"
    # (owner, idx): an attestation's chain head, the owner's last leaf in a checkpoint.
    __table_args__ = (Index("ix_log_leaf_kind_ref", "kind", "ref_id"),
                      Index("ix_log_leaf_owner_idx", "owner", "idx"))
    id: Mapped[int] = mapped_column(primary_key=True)
    idx: Mapped[int | None] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column(Integer)
    # The professional an entry or identity binding concerns: finds their leaves, even a
    # leaf whose row has since been deleted. Not part of the leaf data.
    # Found through ix_log_leaf_owner_idx, whose first column it is.
    owner: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class LogCheckpoint(Base):
    """A signed tree head, kept forever, with the right edge of the tree at that size."""

    __tablename__ = "log_checkpoint"
    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(Integer, unique=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime]
    kid: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)  # the C2SP signed note
    frontier: Mapped[list[Any]]  # hex hashes of the perfect subtrees, largest first


class LogTile(Base):
    """The hash of a complete tile of 256 leaves from ``start``, and the 256 leaf hashes
    themselves (32 bytes each, in order): a cache for proofs, so a leaf's path within its
    tile is one value read (kept out of line on PostgreSQL: a few pages), not 256 leaf
    rows (ledger/services/head_tree.py)."""

    __tablename__ = "log_tile"
    start: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    leaf_hashes: Mapped[bytes | None] = mapped_column(LargeBinary)


class LogNode(Base):
    """The hash of the 2**height complete tiles from leaf ``start`` (height >= 1): a
    perfect subtree above the tiles, stored as its last tile completes; a cache for
    proofs (ledger/services/tile_nodes.py)."""

    __tablename__ = "log_node"
    start: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    height: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class Attestation(Base):
    """A signed attestation as issued, found again by its verification code."""

    __tablename__ = "attestation"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"), index=True)
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    checkpoint_size: Mapped[int] = mapped_column(Integer)
    entry_ids: Mapped[list[Any]]
    # Format 1: the whole JWS. Format 2: a JSON skeleton (attest_store.stored_form),
    # the claims without their entries, re-served from the journal.
    jws: Mapped[str] = mapped_column(Text)
