"""Posting completions: receipts, idempotency, credit entries and voids."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from .. import canonical, daycap, identity
from ..actors import Actor, Role
from ..errors import Conflict, Invalid, NotFound
from ..rules import (
    BaseFacts,
    Completion,
    Decision,
    Outcome,
    Subject,
)
from ..rules.deciding import SharedChecks
from ..store import Entry, IdempotencyRecord, Posting, Professional, Project, TrainingBase
from ..store.any_of import any_of
from .bases import base_facts
from .chains import Chains, insert_rows
from .context import Context, unit_of_work
from .daybook import credited_days, decide_under_policy
from .ingest import BatchPolicies, DaysJson, Decisions, Filings, prepare
from .intake.attendance import AttendanceFacts
from .people import created_now, find_or_create, name_matches
from .posting_reads import (
    POSTINGS,
    REPLAYED,
    base_for_posting,
    credited_per_project,
)
from .receipts import receipt, summary
from .rows import inserted_ids

MAX_BATCH = 1000
ZERO = Decimal("0")


@dataclass(frozen=True)
class NewCompletion:
    external_id: str
    project_id: int
    id_number: str
    name: str
    hours: Decimal
    subject: str
    training_dates: tuple[date, ...]
    assessment: str  # passed | failed | absent
    minutes: int | None = None

    def __post_init__(self) -> None:
        # One form for what is hashed and stored (ledger/canonical.py): "6" is 6.0, a
        # name typed with a trailing space or decomposed characters is the same name,
        # and the training dates are a set of days.
        try:
            hours = canonical.hours(self.hours)
        except canonical.NotCanonical as exc:
            raise Invalid(str(exc), code="hours_invalid") from None
        name = canonical.text(self.name)
        if not name:
            raise Invalid("a name is required", code="name_required")
        object.__setattr__(self, "external_id", unicodedata.normalize("NFC", self.external_id))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "training_dates", tuple(sorted(set(self.training_dates))))

    def content_hash(self, number: str | None = None) -> str:
        """What makes two postings of one external_id the same completion.

        Over the normalised fields, in the same shape as before normalisation, so a
        completion first posted in canonical form keeps its hash. ``number`` is the ID
        number already normalised, where the caller has it.
        """
        number = identity.normalize(self.id_number) if number is None else number
        # __post_init__ put hours and dates in canonical form already: their str() and
        # isoformat() are canonical.form's answers (tests/property/test_content_hash.py).
        body = [self.external_id, self.project_id, number,
                self.name, str(self.hours), self.subject,
                [d.isoformat() for d in self.training_dates], self.assessment,
                self.minutes]
        return hashlib.sha256(_JSON.encode(body).encode()).hexdigest()


_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(…, ensure_ascii=False) uses


def request_hash(payload: Any) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _keyed(digest: str | None, ctx: Context) -> str:
    """What is stored of a digest that covers ID numbers: keyed with the ID key (issue 10),
    so a database copy cannot be brute-forced from id_masked and the fields beside it."""
    return identity.keyed_digest(digest, ctx.id_key) if digest else ""


def _settle(ctx: Context, base: TrainingBase, facts: BaseFacts, projects: dict[int, Project],
            decisions_for: Sequence[tuple[Posting, Completion]],
            created: frozenset[int] = frozenset()) -> dict[int, Entry]:
    """Decide each posting, record the outcome and append credit entries.

    ``created`` are professionals this transaction created: they have no entries, no
    chain, no credited day and no attendance yet, so nothing is read for them (a single
    post of a new person was five statements more for five empty answers).

    Returns the credit entry of each credited posting, keyed by posting id.
    """
    # One batch asks the policy book the same few questions for every item: memoised.
    ctx = replace(ctx, policies=BatchPolicies(ctx.policies))
    filing_of = Filings(projects)
    shared = SharedChecks()
    today = ctx.today()
    now = ctx.now()
    known = [(p, c) for p, c in decisions_for if p.professional_id not in created]
    credited_so_far = credited_per_project(ctx, [p for p, _ in known])
    every_day = [d for _, c in known for d in c.training_dates]
    loads = credited_days(ctx, (p.professional_id for p, _ in known
                                if p.professional_id is not None),
                          min(every_day), max(every_day)) if every_day else {}
    attended = AttendanceFacts(ctx, [p for p, _ in known])
    credited_hours: dict[int, Decimal] = {}  # by id() of the posting: ids come later
    decisions = Decisions()
    for posting, completion in decisions_for:
        key = (posting.professional_id, posting.project_id)
        load = loads.setdefault(posting.professional_id, {})
        already = credited_so_far.get(key, ZERO)
        day_load = tuple((d, load[d]) for d in sorted(set(completion.training_dates))
                         if d in load) if load else ()
        if completion.already_credited != already or completion.day_load != day_load:
            completion = replace(completion, already_credited=already, day_load=day_load)
        project = projects[posting.project_id]

        def decided(completion: Completion = completion, posting: Any = posting,
                    project: Project = project) -> Decision:
            decision = decide_under_policy(ctx, base.jurisdiction_code, completion,
                                           filing_of(posting.project_id), facts, today, shared)
            # What the recorded attendance says (issue 11), under the same profile.
            return attended.amend(posting, completion, project,
                                  ctx.policies.resolve_for_decision(
                                      base.jurisdiction_code, min(completion.training_dates)),
                                  decision)

        decision, reasons, notes = decisions.of(
            None if attended.recorded_for(posting) else (completion, posting.project_id),
            decided)
        if decision.outcome is Outcome.CREDITED:
            credited_so_far[key] = already + decision.hours
            daycap.add(load, completion.training_dates, decision.hours)
            credited_hours[id(posting)] = decision.hours
        posting.status = str(decision.outcome)
        # Postings of one case share these (written once: rows.py); nothing changes a
        # posting's reasons in place (a void assigns a new list).
        posting.reasons = reasons
        posting.notes = notes
        posting.policy = decision.policy
        posting.decided_at = now
    _insert_new(ctx, [p for p, _ in decisions_for if p.id is None])
    ctx.session.flush()
    credited = [(p, c) for p, c in decisions_for if p.status == Outcome.CREDITED]
    chains = Chains(ctx, (p.professional_id for p, _ in credited
                          if p.professional_id not in created))
    rows = [chains.next_row(
        professional_id=posting.professional_id, kind="credit",
        hours=credited_hours[id(posting)],
        subject=projects[posting.project_id].subject,
        year=max(completion.training_dates).year, posting_id=posting.id, base_id=base.id,
        project_id=posting.project_id, reverses_id=None,
        policy_version=f"{posting.policy['jurisdiction']}@{posting.policy['version']}",
    ) for posting, completion in credited]
    entries = insert_rows(ctx, rows)
    return {entry.posting_id: entry for entry in entries}


POSTING_COLUMNS = [c.key for c in Posting.__table__.columns if c.key != "id"]
_POSTING_VALUES = attrgetter(*POSTING_COLUMNS)  # one C call per posting


def _insert_new(ctx: Context, postings: Sequence[Posting]) -> None:
    """Insert postings received now in one round, and give each its id.

    They are plain values until here, never added to the session: inserting them one
    ORM row at a time was most of a batch's cost. A Core INSERT … RETURNING, in the
    order of the rows, gives the ids back without selecting them again.
    """
    if not postings:
        return
    ids = inserted_ids(ctx, Posting, [dict(zip(POSTING_COLUMNS, _POSTING_VALUES(p),
                                               strict=True)) for p in postings])
    for posting, posting_id in zip(postings, ids, strict=True):
        posting.id = posting_id


def _credit_entries(ctx: Context, posting_ids: Sequence[int]) -> dict[int, Entry]:
    if not posting_ids:
        return {}
    rows = ctx.session.scalars(
        select(Entry).where(any_of(Entry.posting_id, posting_ids), Entry.kind == "credit"))
    return {e.posting_id: e for e in rows}


@unit_of_work()
def post_completions(ctx: Context, actor: Actor, items: Sequence[NewCompletion],
                     idempotency_key: str | None = None,
                     body_hash: str | None = None) -> dict[str, Any]:
    """Receive a batch of completions; one transaction, one receipt per item.

    A retry with the same Idempotency-Key answers the first response; the same key
    with another body is refused. An external_id already received answers its
    receipt again (``replayed``) and never credits twice; one received with other
    content is a conflict.
    """
    actor.require(Role.BASE)
    if not 1 <= len(items) <= MAX_BATCH:
        raise Invalid(f"a batch holds 1 to {MAX_BATCH} items", code="batch_size_invalid")
    session = ctx.session
    if idempotency_key is not None:
        stored = session.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.client_id == actor.client_pk,
            IdempotencyRecord.key == idempotency_key))
        if stored is not None:
            if stored.request_hash != _keyed(body_hash, ctx):
                raise Invalid("this Idempotency-Key was used with a different body",
                              code="idempotency_key_reused")
            return stored.response

    # The base's row, its standing and the projects in one statement (posting_reads).
    project_ids = {i.project_id for i in items}
    found = base_for_posting(ctx, actor.base_id, project_ids)
    if found is None:
        raise NotFound("no such base", code="base_not_found")
    base, facts, projects = found
    repeated = sorted(k for k, n in Counter(i.external_id for i in items).items() if n > 1)
    if repeated:
        raise Invalid("external_id repeats within the batch", code="external_id_repeated",
                      external_ids=repeated)

    missing = sorted(project_ids - projects.keys())
    if missing:
        raise NotFound("no such project", code="project_not_found", project_ids=missing)

    existing = {p.external_id: p for p in session.execute(REPLAYED.where(
        POSTINGS.base_id == base.id,
        any_of(POSTINGS.external_id, [i.external_id for i in items])))}
    prepared = [prepare(ctx, i) for i in items]
    clashes = sorted(p.item.external_id for p in prepared if p.item.external_id in existing
                     and existing[p.item.external_id].content_hash != p.content_hash)
    if clashes:
        raise Conflict("external_id was received before with other content; void it and post "
                       "under a new external_id", code="external_id_conflict",
                       external_ids=clashes)

    fresh = [p for p in prepared if p.item.external_id not in existing]
    today = ctx.today()
    wanted: dict[str, tuple[str, str]] = {}
    for p in fresh:
        if not p.checked.problems(today):
            wanted.setdefault(p.id_hash, (p.id_masked, p.item.name))
    people = find_or_create(ctx, wanted)
    now = ctx.now()
    pairs: list[tuple[Posting, Completion]] = []
    days = DaysJson()
    for p in fresh:
        item = p.item
        # GB 11643: nobody trains before they are born.
        problems = tuple(p.checked.problems(p.first_day))
        person = people.get(p.id_hash) if not problems else None
        # A plain value until _insert_new writes it: cheaper than an ORM object.
        posting = SimpleNamespace(
            id=None, base_id=base.id, external_id=item.external_id, project_id=item.project_id,
            professional_id=person.id if person else None,
            id_hash=p.id_hash, id_masked=p.id_masked, name=item.name, hours=item.hours,
            subject=item.subject, training_dates=days(item.training_dates),
            trained_from=item.training_dates[0], trained_to=item.training_dates[-1],
            assessment=item.assessment, minutes=item.minutes,
            content_hash=p.content_hash, received_at=now,
            status="received", reasons=[], notes=[], policy=None, decided_at=now,
        )
        completion = Completion(
            hours=item.hours, subject=Subject(item.subject),
            training_dates=item.training_dates,
            assessment_passed=item.assessment == "passed",
            identity_problems=problems,
            name_matches=name_matches(person, item.name),
            minutes=item.minutes,
            professional_jurisdiction=person.jurisdiction_code if person else None,
        )
        pairs.append((posting, completion))
    created = created_now(people)
    entries = _settle(ctx, base, facts, projects, pairs, created) if pairs else {}
    old_entries = _credit_entries(ctx, [p.id for p in existing.values()])

    by_external = {p.external_id: p for p, _ in pairs}
    receipts = []
    for item in items:
        if item.external_id in existing:
            old = existing[item.external_id]
            receipts.append(receipt(old, old_entries.get(old.id), replayed=True))
        else:
            posting = by_external[item.external_id]
            receipts.append(receipt(posting, entries.get(posting.id)))
    response = {"receipts": receipts, "summary": summary(receipts)}
    if idempotency_key is not None:
        session.add(IdempotencyRecord(client_id=actor.client_pk, key=idempotency_key,
                                      request_hash=_keyed(body_hash, ctx), status_code=200,
                                      response=response, created_at=now))
        session.flush()
    return response


def redecide_held(ctx: Context, project: Project, held: Sequence[Posting]) -> None:
    """Decide again the postings held for a filing that has now been decided."""
    base = ctx.session.get(TrainingBase, project.base_id)
    people = {p.id: p for p in ctx.session.scalars(
        select(Professional).where(Professional.id.in_({h.professional_id for h in held})))}
    pairs = [
        (posting, Completion(
            hours=posting.hours, subject=Subject(posting.subject),
            training_dates=tuple(date.fromisoformat(d) for d in posting.training_dates),
            assessment_passed=posting.assessment == "passed",
            name_matches=name_matches(people[posting.professional_id], posting.name),
            minutes=posting.minutes,
            professional_jurisdiction=people[posting.professional_id].jurisdiction_code,
        ))
        for posting in held
    ]
    _settle(ctx, base, base_facts(ctx, base), {project.id: project}, pairs)


def posting_in_reach(ctx: Context, actor: Actor, posting_id: int) -> Posting:
    posting = ctx.session.get(Posting, posting_id)
    if posting is None or actor.role is not Role.BASE or posting.base_id != actor.base_id:
        raise NotFound("no such completion", code="completion_not_found")
    return posting


def get_completion(ctx: Context, actor: Actor, posting_id: int) -> dict[str, Any]:
    posting = posting_in_reach(ctx, actor, posting_id)
    return receipt(posting, _credit_entries(ctx, [posting.id]).get(posting.id))


@unit_of_work()
def void_completion(ctx: Context, actor: Actor, posting_id: int, reason: str) -> dict[str, Any]:
    """A base retracts its own completion: a credit gets a reversal entry."""
    posting = posting_in_reach(ctx, actor, posting_id)
    if posting.status == "voided":
        raise Conflict("the completion was already voided", code="completion_already_voided")
    if posting.status == Outcome.REJECTED:
        raise Conflict("a rejected completion credited nothing to void",
                       code="completion_not_credited")
    credit = _credit_entries(ctx, [posting.id]).get(posting.id)
    reversal = None
    if credit is not None:
        reversal = Chains(ctx, [credit.professional_id]).append(
            professional_id=credit.professional_id, kind="reversal", hours=-credit.hours,
            subject=credit.subject, year=credit.year, posting_id=posting.id,
            base_id=credit.base_id, project_id=credit.project_id, reverses_id=credit.id,
            policy_version=credit.policy_version, reason=f"voided by the base: {reason}",
        )
    posting.status = "voided"
    posting.reasons = [*posting.reasons, {
        "code": "voided_by_base", "message": f"voided by the base: {reason}", "rule": None,
        "details": {"at": ctx.now().isoformat()}}]
    ctx.session.flush()
    result = receipt(posting, credit)
    result["reversal_entry_id"] = reversal.id if reversal else None
    return result

