"""What a post reads, as Core rows rather than entities, and no more often than it must.

Its base in one statement: a base's standing events and scope grants are append-only
(both are leaves of the verifiable log, never updated or deleted), so the number of each
identifies the whole set a reader can see: a set that only grows has one member per
count. The base's row is read with those two counts on every post; the events and grants
themselves come from a per-engine memo under (base, number of events, number of
grants), and are read again only when a count moved. A new standing decision therefore
applies to the very next post in every worker, as it did when each post read them.

The memo is filled only by posts, whose transaction writes no standing event or scope
grant: a transaction that wrote one and then rolled back must never leave its rows
in the memo under a count a later committed row would reach.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, func, select

from ..rules import BaseFacts, ScopeGrant
from ..standing import StandingEvent
from ..store import (
    Entry,
    Posting,
    Professional,
    Project,
    ScopeGrantRow,
    StandingEventRow,
    TrainingBase,
)
from ..store.any_of import AnyOf, any_of
from .bases import facts_of, to_event, to_grant
from .context import Context

# Bases a worker posts for; each entry is a few events and grants.
MEMO_SIZE = 1024

_bases = TrainingBase.__table__.c
_projects = Project.__table__.c
_events = StandingEventRow.__table__.c
_grants = ScopeGrantRow.__table__.c

_BASE = select(
    _bases.id, _bases.jurisdiction_code, _bases.level, _bases.registry_number,
    _bases.scope_subjects, _bases.scope_fields,
    select(func.count()).where(_events.base_id == _bases.id).scalar_subquery()
    .label("events"),
    select(func.count()).where(_grants.base_id == _bases.id).scalar_subquery()
    .label("grants"),
)
# One row per project asked for that is the base's, or one with no project: the outer
# join's condition names the projects, so a base without them still answers.
_PROJECT_LABELS = {column.key: f"project_{column.key}" for column in _projects}
_BASE_AND_PROJECTS = _BASE.add_columns(
    *(column.label(_PROJECT_LABELS[column.key]) for column in _projects)
).select_from(TrainingBase.__table__.outerjoin(
    Project.__table__, (_projects.base_id == _bases.id) & AnyOf(
        _projects.id, None, key="project_ids")))
_EVENTS = select(_events.type, _events.effective_on, _events.due_on, _events.void_from,
                 _events.reason, _events.term_end, _events.misconduct,
                 _events.document_number, _events.basis).order_by(_events.id)
_GRANTS = select(_grants.effective_on, _grants.subjects, _grants.district_only
                 ).order_by(_grants.id)

Standing = tuple[tuple[StandingEvent, ...], tuple[ScopeGrant, ...]]


class _Memo:
    """A bounded LRU of each base's standing events and scope grants, by their counts."""

    def __init__(self, size: int = MEMO_SIZE):
        self.size = size
        self.entries: OrderedDict[tuple[int, int, int], Standing] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[int, int, int]) -> Standing | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[int, int, int], value: Standing) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


# Per engine, not per process: tests (and tools) open several databases in one process,
# and the same base id and counts in two databases are two different bases.
_memos: WeakKeyDictionary[Engine, _Memo] = WeakKeyDictionary()
_memos_lock = threading.Lock()


def _memo(ctx: Context) -> _Memo:
    engine = ctx.session.get_bind()
    with _memos_lock:
        memo = _memos.get(engine)  # type: ignore[arg-type]
        if memo is None:
            memo = _memos[engine] = _Memo()  # type: ignore[index]
        return memo


def base_for_posting(ctx: Context, base_id: int, project_ids: Collection[int]
                     ) -> tuple[Any, BaseFacts, dict[int, Any]] | None:
    """The base's row (id, jurisdiction_code, level, …), the facts the rules need of it
    and those of ``project_ids`` that are its projects, by id (rows with a Project's
    attributes); None if there is no such base. For posts only (see the module's
    docstring)."""
    rows = ctx.session.execute(_BASE_AND_PROJECTS.where(_bases.id == base_id),
                               {"project_ids": sorted(project_ids)}).all()
    if not rows:
        return None
    projects = {}
    for found in rows:
        project = SimpleNamespace(**{key: found._mapping[label]
                                     for key, label in _PROJECT_LABELS.items()})
        if project.id is not None:
            projects[project.id] = project
    row = rows[0]
    key = (row.id, row.events, row.grants)
    memo = _memo(ctx)
    standing = memo.get(key)
    if standing is None:
        standing = _read_standing(ctx, row.id)
        # Rows committed between the two reads are not under this key's counts.
        if (len(standing[0]), len(standing[1])) == key[1:]:
            memo.put(key, standing)
    return row, facts_of(row, *standing), projects


def _read_standing(ctx: Context, base_id: int) -> Standing:
    session = ctx.session
    events = tuple(to_event(r) for r in session.execute(_EVENTS.where(_events.base_id == base_id)))
    grants = tuple(to_grant(r) for r in session.execute(_GRANTS.where(_grants.base_id == base_id)))
    return events, grants


# What answering a posting again needs of it, as a Core row.
POSTINGS = Posting.__table__.c
REPLAYED = select(POSTINGS.id, POSTINGS.external_id, POSTINGS.content_hash, POSTINGS.status,
                  POSTINGS.reasons, POSTINGS.notes, POSTINGS.policy)

# What the rules read of a person, as a Core row (no entity, no identity map).
PEOPLE_C = Professional.__table__.c
PEOPLE = select(PEOPLE_C.id, PEOPLE_C.id_hash, PEOPLE_C.name, PEOPLE_C.jurisdiction_code)


def credited_per_project(ctx: Context, postings: Sequence[Posting]
                         ) -> dict[tuple[int, int], Decimal]:
    """Standing credited hours (credits less reversals) per professional and project."""
    people = {p.professional_id for p in postings if p.professional_id is not None}
    projects = {p.project_id for p in postings}
    if not people:
        return {}
    entries = Entry.__table__.c
    rows = ctx.session.execute(
        select(entries.professional_id, entries.project_id, func.sum(entries.hours))
        .where(any_of(entries.professional_id, people), any_of(entries.project_id, projects))
        .group_by(entries.professional_id, entries.project_id))
    return {(pid, project): Decimal(total) for pid, project, total in rows}
