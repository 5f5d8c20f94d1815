"""SQLAlchemy tables and queries for the ledger. No Flask: Flask-SQLAlchemy binds
``Base`` in the app, and scripts and benchmarks may use a plain Session."""

from . import guards  # noqa: F401  (registers the append-only guard)
from .intake import AnomalyFlag, Attendance, FeedDelivery, FeedItem, XapiStatement  # noqa: F401
from .logtables import Attestation, LogCheckpoint, LogLeaf, LogNode, LogTile  # noqa: F401,E402
from .models import (  # noqa: F401
    AccessGrant,
    AccessLog,
    ActivationCode,
    AnnualPlan,
    Application,
    AssessmentResult,
    Base,
    BaseChange,
    Client,
    Entry,
    IdempotencyRecord,
    JobRun,
    Jurisdiction,
    KeyCheck,
    MisconductRecord,
    Posting,
    Professional,
    ProfessionalTransfer,
    Project,
    Proposal,
    Reminder,
    ScopeGrantRow,
    StandingEventRow,
    TrainingBase,
)
