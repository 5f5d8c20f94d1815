"""Entries are append-only: the session refuses to update or delete one.

The migrations add database triggers with the same rule, for writers that bypass
the ORM.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..errors import LedgerError
from .models import Entry


class AppendOnlyViolation(LedgerError):
    code = "entry_append_only"


@event.listens_for(Session, "before_flush")
def _entries_are_append_only(session: Session, _ctx, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, Entry):
            raise AppendOnlyViolation("journal entries are never deleted")
    for obj in session.dirty:
        if isinstance(obj, Entry) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyViolation("journal entries are never updated")
