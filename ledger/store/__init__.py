"""SQLAlchemy tables and queries for the ledger. No Flask: Flask-SQLAlchemy binds
``Base`` in the app, and scripts and benchmarks may use a plain Session."""

from . import guards  # noqa: F401  (registers the append-only guard)
from .intake import AnomalyFlag, Attendance, FeedDelivery, FeedItem, XapiStatement  # noqa: F401
from .models import (  # noqa: F401
    AccessLog,
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
    MisconductRecord,
    Posting,
    Professional,
    Project,
    Proposal,
    Reminder,
    StandingEventRow,
    TrainingBase,
)
