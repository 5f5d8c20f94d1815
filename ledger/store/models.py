"""The tables. Entries are append-only; postings keep what was received as received."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false

from .types import UTCDateTime

HOURS = Numeric(7, 1)  # one decimal place, as the conventions say
MONEY = Numeric(12, 2)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Jurisdiction(Base):
    __tablename__ = "jurisdiction"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdiction.code"))


class Client(Base):
    """An API client: a regulator, a base's LMS or a committee. Secrets are stored hashed."""

    __tablename__ = "client"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdiction.code"))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_base.id"))
    created_at: Mapped[datetime]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped when the secret is rotated or the client disabled: older tokens stop working.
    credentials_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TrainingBase(Base):
    """A continuing-education base (继续教育基地)."""

    __tablename__ = "training_base"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    host_unit: Mapped[str] = mapped_column(String(200))
    supervising_unit: Mapped[str] = mapped_column(String(200))
    registry_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope_subjects: Mapped[list[Any]]
    scope_fields: Mapped[list[Any]]
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime]


class StandingEventRow(Base):
    __tablename__ = "standing_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    effective_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    void_from: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)  # a recognition's last day
    misconduct: Mapped[bool] = mapped_column(Boolean, default=False,  # 乱办班、乱收费、乱发证
                                             server_default=false())
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    recorded_by_job: Mapped[str | None] = mapped_column(String(64))
    # Whose decision this is (文号) and its stated basis: required to void credits back.
    document_number: Mapped[str | None] = mapped_column(String(100))
    basis: Mapped[str | None] = mapped_column(Text)


class Project(Base):
    """A filed training project (项目备案). ``submitted_at`` is the server's clock."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(HOURS)
    fee: Mapped[Decimal] = mapped_column(MONEY)
    capacity: Mapped[int] = mapped_column(Integer)
    plan_year: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime]
    submitted_on: Mapped[date] = mapped_column(Date)  # Beijing date of submitted_at
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # 威海 第十六条 一般应: a regulator's exception for a late one-off filing, or its refusal.
    lead_time_exception: Mapped[str | None] = mapped_column(String(10))  # granted | refused
    lead_time_exception_reason: Mapped[str | None] = mapped_column(Text)
    lead_time_exception_on: Mapped[date | None] = mapped_column(Date)


class Professional(Base):
    """A professional, known by the keyed hash of their ID number; never the number itself."""

    __tablename__ = "professional"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_masked: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    jurisdiction_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdiction.code"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    # Bumped when the password is reset: tokens issued before it stop working.
    credentials_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Consecutive wrong passwords, and the lock they earned (doubling with each failure).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]


class Posting(Base):
    """An inbound completion as received, with the outcome of the rule."""

    __tablename__ = "posting"
    __table_args__ = (UniqueConstraint("base_id", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professional.id"),
                                                        index=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    id_masked: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    hours: Mapped[Decimal] = mapped_column(HOURS)
    subject: Mapped[str] = mapped_column(String(20))
    training_dates: Mapped[list[Any]]
    trained_from: Mapped[date] = mapped_column(Date)
    trained_to: Mapped[date] = mapped_column(Date)
    assessment: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[Any]]
    policy: Mapped[dict[str, Any] | None]
    notes: Mapped[list[Any] | None]  # what explains without deciding (rules.Reason.note)
    decided_at: Mapped[datetime]


class Entry(Base):
    """The journal: a credit or a reversal. Never updated, never deleted."""

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("professional_id", "seq"),
        Index("ix_entry_professional_year", "professional_id", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # credit | reversal
    hours: Mapped[Decimal] = mapped_column(HOURS)
    subject: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), unique=True)
    policy_version: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyRecord(Base):
    """The first answer to a request sent with an Idempotency-Key, replayed on retry."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("client_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Proposal(Base):
    """Something a job found that a regulator must decide, e.g. revoking a base whose
    rectification is overdue. ``basis`` makes a job's proposal idempotent."""

    __tablename__ = "proposal"
    __table_args__ = (UniqueConstraint("kind", "basis"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    citation: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by_job: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="open")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class MisconductRecord(Base):
    """A 失信 record kept when a base is revoked for misconduct (威海 第二十条)."""

    __tablename__ = "misconduct_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    standing_event_id: Mapped[int] = mapped_column(ForeignKey("standing_event.id"),
                                                   unique=True)
    host_unit: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    citation: Mapped[dict[str, Any]]
    recorded_at: Mapped[datetime]


class JobRun(Base):
    """One run of a scheduled sweep and what it changed."""

    __tablename__ = "job_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    as_of: Mapped[date] = mapped_column(Date)
    changes: Mapped[list[Any]]


class Application(Base):
    """An application for recognition (申报) and its way through the procedure."""

    __tablename__ = "application"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    host_unit: Mapped[str] = mapped_column(String(200), index=True)
    supervising_unit: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200), default="")
    # A national or provincial base applying for city recognition (淄博 第二十五条).
    holds_level: Mapped[str | None] = mapped_column(String(20))
    scope_subjects: Mapped[list[Any]]
    scope_fields: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime]
    steps: Mapped[list[Any]]  # each step as it happened: who, when, what
    notice_from: Mapped[date | None] = mapped_column(Date)
    notice_until: Mapped[date | None] = mapped_column(Date)
    fraud: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_base.id"))


class AnnualPlan(Base):
    """A base's plan for a year, with the summary of the year before (年度计划备案)."""

    __tablename__ = "annual_plan"
    __table_args__ = (UniqueConstraint("base_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))
    year: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    items: Mapped[list[Any]]
    submitted_at: Mapped[datetime]
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # submitted, approved, filed, rejected
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    filed_at: Mapped[datetime | None]
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class AssessmentResult(Base):
    """A regulator's yearly assessment of a base, with the facts the ledger computed."""

    __tablename__ = "assessment_result"
    __table_args__ = (UniqueConstraint("base_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))
    year: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # pass, fail
    note: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]]
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class BaseChange(Base):
    """A change of a base's record (name, contact, affiliation), kept as history."""

    __tablename__ = "base_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str] = mapped_column(String(200))
    new: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class Reminder(Base):
    """A reminder a sweep sent before a deadline, once per base, kind and deadline."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("base_id", "kind", "deadline"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"))
    kind: Mapped[str] = mapped_column(String(40))
    deadline: Mapped[date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AccessLog(Base):
    """Who read whose record, when and why; the professional can read it."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    accessor_role: Mapped[str] = mapped_column(String(20))
    accessor_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]]
    at: Mapped[datetime]


class KeyCheck(Base):
    """A key check value: a digest of a fixed text under a key kept outside the database,
    so a start with a missing or wrong key is refused instead of splitting every person."""

    __tablename__ = "key_check"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class ProfessionalTransfer(Base):
    """A documented move of a professional's record to another jurisdiction: the
    regulator who holds the record releases it, one who reaches ``to_jurisdiction``
    takes it by registering the person (issue 10: no claiming another's person)."""

    __tablename__ = "professional_transfer"
    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"), index=True)
    from_jurisdiction: Mapped[str | None] = mapped_column(ForeignKey("jurisdiction.code"))
    to_jurisdiction: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    requested_by: Mapped[int] = mapped_column(ForeignKey("client.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, completed
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class ScopeGrantRow(Base):
    """A regulator's recorded decision on a base's scope (常州 第四条 培训权限), in force from
    ``effective_on`` until the next one. Append-only, like standing events."""

    __tablename__ = "scope_grant"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    subjects: Mapped[list[Any]]
    district_only: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("client.id"))


class ActivationCode(Base):
    """A one-time code a regulator issues so a professional can set their first password.

    Only the code's hash is stored; it works once and only until it expires.
    """

    __tablename__ = "activation_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    issued_by: Mapped[int] = mapped_column(ForeignKey("client.id"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AccessGrant(Base):
    """A professional's time-limited grant of access to their record for a named committee."""

    __tablename__ = "access_grant"
    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professional.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    purpose: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# A revocation with void_from reads a base's postings from a training date on
# (services/reversals.py); without this it scans every posting of the base.
Index("ix_posting_base_trained_to", Posting.base_id, Posting.trained_to)
