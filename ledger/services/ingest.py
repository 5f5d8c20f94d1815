"""What a batch of completions works out once per item or once per batch.

Each item's normalised ID number, its checks, its keyed hash, its mask and its keyed
content hash are computed once here (they were recomputed up to eight times on the way
through a batch). The policy book's answers and each project's filing are memoised for
the batch: a batch of 1000 asks the same few questions 3000 times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .. import identity
from ..policy import PolicyBook, Resolved
from ..rules import Completion, Decision, Filing, FilingStatus, LeadTimeException, Subject
from ..store import Project

if TYPE_CHECKING:
    from .completions import NewCompletion
    from .context import Context


@dataclass(frozen=True)
class Prepared:
    """A received completion with everything derived from its ID number, done once."""

    item: NewCompletion
    checked: identity.Checked
    id_hash: str  # keyed
    id_masked: str
    content_hash: str  # keyed

    @property
    def first_day(self) -> date:
        return self.item.training_dates[0]  # NewCompletion keeps them sorted


def prepare(ctx: Context, item: NewCompletion) -> Prepared:
    checked = identity.check(item.id_number)
    content = item.content_hash(checked.number)
    return Prepared(item=item, checked=checked,
                    id_hash=identity.keyed_digest(checked.number.encode(), ctx.id_key),
                    id_masked=identity.mask(checked.number),
                    content_hash=identity.keyed_digest(content, ctx.id_key))


class BatchPolicies:
    """The policy book, its answers memoised for one batch (the book does not change
    within a request). Anything not memoised is passed through to the book."""

    def __init__(self, book: PolicyBook):
        self._book = book
        self._memo: dict[tuple[Any, ...], Any] = {}

    def _ask(self, key: tuple[Any, ...], answer: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = answer()
        return self._memo[key]

    def resolve_for_decision(self, code: str, day: date) -> Resolved:
        return self._ask(("decision", code, day),
                         lambda: self._book.resolve_for_decision(code, day))

    def resolve(self, code: str, day: date, *, drafts: bool = False) -> Resolved:
        return self._ask(("resolve", code, day, drafts),
                         lambda: self._book.resolve(code, day, drafts=drafts))

    def advisory(self, code: str, day: date) -> Resolved | None:
        return self._ask(("advisory", code, day), lambda: self._book.advisory(code, day))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._book, name)


def filing(project: Project) -> Filing:
    return Filing(
        subject=Subject(project.subject), field=project.field, start_on=project.start_on,
        end_on=project.end_on, hours=project.hours, status=FilingStatus(project.status),
        submitted_on=project.submitted_on, plan_year=project.plan_year,
        lead_time_exception=LeadTimeException(
            project.lead_time_exception == "granted", project.lead_time_exception_reason or "",
            project.lead_time_exception_on) if project.lead_time_exception else None,
    )


class Filings:
    """Each project's filing, built once per batch."""

    def __init__(self, projects: dict[int, Project]):
        self.projects = projects
        self._filings: dict[int, Filing] = {}

    def __call__(self, project_id: int) -> Filing:
        if project_id not in self._filings:
            self._filings[project_id] = filing(self.projects[project_id])
        return self._filings[project_id]


# A decision with its reasons and notes as the posting stores them.
Decided = tuple[Decision, list[dict[str, Any]], list[dict[str, Any]]]


class Decisions:
    """Each distinct case's decision, worked out once per batch.

    Within one batch the rules see nothing of an item but its ``Completion`` (hours,
    days, assessment, identity problems, name match, home jurisdiction, what is already
    credited and the day's load) and its project: the base, its standing, the policy
    book and today are the batch's. A batch of 1000 people trained together is one
    case, decided once; everything else about it is a dict lookup. The caller passes
    ``key=None`` for an item whose decision depends on more (recorded attendance).
    """

    def __init__(self) -> None:
        self._found: dict[tuple[Completion, int], Decided] = {}

    def of(self, key: tuple[Completion, int] | None, decide: Callable[[], Decision]) -> Decided:
        hit = self._found.get(key) if key is not None else None
        if hit is None:
            decision = decide()
            hit = (decision, [r.as_dict() for r in decision.reasons],
                   [r.as_dict() for r in decision.notes])
            if key is not None:
                self._found[key] = hit
        return hit


class DaysJson:
    """A posting's training days as stored (ISO strings), one list per distinct set of
    days in a batch, shared by its postings (so it is serialised once: rows.py)."""

    def __init__(self) -> None:
        self._lists: dict[tuple[date, ...], list[str]] = {}

    def __call__(self, days: tuple[date, ...]) -> list[str]:
        found = self._lists.get(days)
        if found is None:
            found = self._lists[days] = [str(d) for d in days]
        return found
