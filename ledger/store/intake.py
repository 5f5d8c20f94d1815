"""Tables for intake (xAPI statements, attendance), anomaly flags and the provincial feed.

Kept apart from models.py so intake can change without touching the core tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class XapiStatement(Base):
    """An xAPI statement as received, with what the ledger made of it.

    ``statement_id`` is unique per base: a retry with the same id and body answers
    ``receipt`` again; the same id with another body is a conflict (xAPI 1.0.3 §2.2).
    """

    __tablename__ = "xapi_statement"
    __table_args__ = (UniqueConstraint("base_id", "statement_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))
    statement_id: Mapped[str] = mapped_column(String(36))
    verb: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    statement: Mapped[dict[str, Any]]
    receipt: Mapped[dict[str, Any]]
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("posting.id"))
    attendance_id: Mapped[int | None] = mapped_column(ForeignKey("attendance.id"))
    voids_statement_id: Mapped[str | None] = mapped_column(String(36))
    voided_by: Mapped[str | None] = mapped_column(String(36))  # the voiding statement
    stored_at: Mapped[datetime]


class Attendance(Base):
    """One session a person attended: sign-in and sign-out, or online minutes on a day."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("base_id", "external_id"),
        Index("ix_attendance_person_project", "professional_id", "project_id"),
        Index("ix_attendance_person_day", "professional_id", "session_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"))
    session_on: Mapped[date] = mapped_column(Date)  # the Beijing date of the session
    mode: Mapped[str] = mapped_column(String(20))  # classroom | online
    sign_in: Mapped[datetime | None]
    sign_out: Mapped[datetime | None]
    minutes: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]  # a voided session counts for nothing


class AnomalyFlag(Base):
    """Something a regulator should look at (乱办班、只收费不培训), with its evidence.

    ``basis`` makes raising a flag idempotent. A flag never changes a credit by itself;
    only an open ``overlap`` flag holds the later of two overlapping sessions' postings.
    """

    __tablename__ = "anomaly_flag"
    __table_args__ = (UniqueConstraint("kind", "basis"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(200))
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professional.id"),
                                                        index=True)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="open")
    resolution: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class FeedItem(Base):
    """The feed's order: each journal entry gets a position once, assigned by one
    sequencer, so a reader paging by ``seq`` never skips an entry that committed late."""

    __tablename__ = "feed_item"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    sequenced_at: Mapped[datetime]


class FeedDelivery(Base):
    """The outbound push of one feed item: pending, delivered, or dead (after retries)."""

    __tablename__ = "feed_delivery"
    __table_args__ = (Index("ix_feed_delivery_status_due", "status", "next_attempt_at"),)
    seq: Mapped[int] = mapped_column(ForeignKey("feed_item.seq"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None]
    replayed: Mapped[int] = mapped_column(Integer, default=0)
