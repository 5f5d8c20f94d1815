"""Registering bases and keeping their standing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import jurisdiction as divisions
from ..actors import Actor, Role
from ..errors import Invalid, NotFound
from ..rules import BaseFacts, ScopeGrant, Subject
from ..standing import (
    ADVERSE,
    EventType,
    Standing,
    StandingEvent,
    check_append,
    standing_on,
)
from ..store import (
    BaseChange,
    MisconductRecord,
    Reminder,
    ScopeGrantRow,
    StandingEventRow,
    TrainingBase,
)
from .context import Context, unit_of_work
from .jurisdictions import require_jurisdiction
from .reversals import reverse_credits_from

LEVELS = ("national", "provincial", "municipal", "county")


@dataclass(frozen=True)
class NewBase:
    name: str
    level: str
    jurisdiction: str
    host_unit: str
    supervising_unit: str
    registry_number: str | None
    scope_subjects: list[str]
    scope_fields: list[str]


@unit_of_work()
def register_base(ctx: Context, actor: Actor, new: NewBase) -> TrainingBase:
    check_particulars(ctx, actor, new.jurisdiction, new.level)
    if new.registry_number and ctx.session.scalar(
        select(TrainingBase.id).where(TrainingBase.registry_number == new.registry_number)
    ):
        raise Invalid("that registry number is taken", code="registry_number_taken")
    base = TrainingBase(
        name=new.name, level=new.level, jurisdiction_code=new.jurisdiction,
        host_unit=new.host_unit, supervising_unit=new.supervising_unit,
        registry_number=new.registry_number or None,
        scope_subjects=sorted({str(Subject(s)) for s in new.scope_subjects}),
        scope_fields=sorted(set(new.scope_fields)),
        created_at=ctx.now(),
    )
    ctx.session.add(base)
    ctx.session.flush()
    return base


def get_base(ctx: Context, base_id: int) -> TrainingBase:
    base = ctx.session.get(TrainingBase, base_id)
    if base is None:
        raise NotFound("no such base", code="base_not_found")
    return base


def base_in_reach(ctx: Context, actor: Actor, base_id: int) -> TrainingBase:
    """The base if the actor may act on it: its own LMS, or a regulator over it."""
    base = ctx.session.get(TrainingBase, base_id)
    if base is None or not (
        (actor.role is Role.BASE and actor.base_id == base.id)
        or (actor.role is Role.REGULATOR and actor.reaches(base.jurisdiction_code))
    ):
        raise NotFound("no such base", code="base_not_found")
    return base


def in_reach_via_base(ctx: Context, actor: Actor, model: type, object_id: int, noun: str):
    """An object that belongs to a base, if the actor may act on that base; else NotFound
    (whether the object does not exist or is out of reach)."""
    found = ctx.session.get(model, object_id)
    try:
        if found is None:
            raise NotFound(noun)
        base_in_reach(ctx, actor, found.base_id)
    except NotFound:
        raise NotFound(f"no such {noun}", code=f"{noun}_not_found") from None
    return found


def check_particulars(ctx: Context, actor: Actor, jurisdiction: str, level: str) -> None:
    """A base (or applicant) of a valid level, in a division within the regulator's reach."""
    actor.require(Role.REGULATOR)
    require_jurisdiction(ctx, jurisdiction)
    if not actor.reaches(jurisdiction):
        raise NotFound("no such jurisdiction within yours", code="jurisdiction_not_found")
    if level not in LEVELS:
        raise Invalid(f"level must be one of {LEVELS}", code="level_invalid")


def events_of(ctx: Context, base_id: int) -> list[StandingEventRow]:
    return list(ctx.session.scalars(
        select(StandingEventRow).where(StandingEventRow.base_id == base_id)
        .order_by(StandingEventRow.id)
    ))


def to_event(row: StandingEventRow) -> StandingEvent:
    return StandingEvent(EventType(row.type), row.effective_on, row.due_on, row.void_from,
                         row.reason, row.term_end, row.misconduct, row.document_number,
                         row.basis)


@unit_of_work()
def append_standing_event(ctx: Context, actor: Actor, base_id: int, event: StandingEvent
                          ) -> StandingEventRow:
    actor.require(Role.REGULATOR)
    base = base_in_reach(ctx, actor, base_id)
    return record_event(ctx, base, event, client_pk=actor.client_pk)


def record_event(ctx: Context, base: TrainingBase, event: StandingEvent, *,
                 client_pk: int | None = None, job: str | None = None) -> StandingEventRow:
    """Append a standing event and what follows from it; does not commit.

    A decision that ends good standing (suspension, revocation, expiry) entered after
    its effective date reverses every credit that relied on good standing on a training
    date from then on, citing the decision. A revocation's ``void_from`` reaches before
    its effective date (四川 第二十五条: 只收费不培训、考试考核流于形式), on the authority
    of the decision's 文号 and basis. One for misconduct is also kept as a 失信 record
    where the policy says so (威海 第二十条).
    """
    # Lock the base row so two writers cannot interleave its events (PostgreSQL).
    ctx.session.execute(select(TrainingBase.id).where(TrainingBase.id == base.id)
                        .with_for_update())
    today = ctx.today()
    check_append([to_event(r) for r in events_of(ctx, base.id)], event, today=today)
    row = StandingEventRow(
        base_id=base.id, type=str(event.type), effective_on=event.effective_on,
        due_on=event.due_on, void_from=event.void_from, reason=event.reason,
        term_end=event.term_end, misconduct=event.misconduct,
        document_number=event.document_number, basis=event.basis,
        recorded_at=ctx.now(), recorded_by=client_pk, recorded_by_job=job,
    )
    ctx.session.add(row)
    ctx.session.flush()
    if event.void_from is not None:
        reverse_credits_from(ctx, base.id, event.void_from, _void_reason(event, today))
    elif event.type in ADVERSE and event.effective_on < today:
        reverse_credits_from(ctx, base.id, event.effective_on, _late_reason(event, today))
    if event.type is EventType.REVOKED:
        policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, event.effective_on)
        keep = policy.get("misconduct_credit_record")
        if event.misconduct and keep is not None and keep.value:
            ctx.session.add(MisconductRecord(
                base_id=base.id, standing_event_id=row.id, host_unit=base.host_unit,
                reason=event.reason, citation={**keep.citation.as_dict(),
                                               "profile": policy.profile.key},
                recorded_at=ctx.now()))
            ctx.session.flush()
    return row


def _decision(event: StandingEvent) -> str:
    cited = "; ".join(part for part in (
        f"文号 {event.document_number}" if event.document_number else "",
        f"依据 {event.basis}" if event.basis else "",
        event.reason) if part)
    return f": {cited}" if cited else ""


def _late_reason(event: StandingEvent, today: date) -> str:
    return (f"base {event.type} from {event.effective_on} (decision recorded on {today}); "
            f"credits for training from {event.effective_on} relied on its good standing"
            f"{_decision(event)}")


def _void_reason(event: StandingEvent, today: date) -> str:
    return (f"base {event.type} from {event.effective_on} (recorded on {today}); its credits "
            f"for training from {event.void_from} are void by the regulator's decision"
            f"{_decision(event)}")


def standing(ctx: Context, base_id: int, on: date) -> Standing:
    return standing_on([to_event(r) for r in events_of(ctx, base_id)], on)


def base_facts(ctx: Context, base: TrainingBase) -> BaseFacts:
    grants = ctx.session.scalars(select(ScopeGrantRow).where(
        ScopeGrantRow.base_id == base.id).order_by(ScopeGrantRow.id))
    return facts_of(base, tuple(to_event(r) for r in events_of(ctx, base.id)),
                    tuple(to_grant(g) for g in grants))


def to_grant(row: ScopeGrantRow) -> ScopeGrant:
    return ScopeGrant(row.effective_on, frozenset(Subject(s) for s in row.subjects),
                      row.district_only)


def facts_of(base: TrainingBase, events: tuple[StandingEvent, ...],
             grants: tuple[ScopeGrant, ...]) -> BaseFacts:
    """What the rules know of a base, from its row (an entity or a Core row alike)."""
    return BaseFacts(
        jurisdiction=base.jurisdiction_code,
        level=base.level,
        registry_number=base.registry_number,
        scope_subjects=frozenset(Subject(s) for s in base.scope_subjects),
        scope_fields=frozenset(base.scope_fields),
        events=events,
        scope_grants=grants,
    )


def registry(ctx: Context, on: date, jurisdiction: str | None = None
             ) -> list[tuple[TrainingBase, Standing]]:
    """The public register (公布): every base with its standing on a date."""
    query = select(TrainingBase).order_by(TrainingBase.id)
    bases = list(ctx.session.scalars(query))
    if jurisdiction:
        bases = [b for b in bases if divisions.covers(jurisdiction, b.jurisdiction_code)]
    rows = list(ctx.session.scalars(
        select(StandingEventRow).order_by(StandingEventRow.id)
    ))
    by_base: dict[int, list[StandingEvent]] = {}
    for row in rows:
        by_base.setdefault(row.base_id, []).append(to_event(row))
    return [(b, standing_on(by_base.get(b.id, []), on)) for b in bases]


CHANGEABLE = ("name", "contact", "host_unit", "supervising_unit")


@unit_of_work()
def change_record(ctx: Context, actor: Actor, base_id: int, field: str, new: str,
                  effective_on: date) -> BaseChange:
    """File a change of name, contact or affiliation (淄博 第三十一条, 威海 第二十七条,
    四川 第三十四条, 上海 第三十八条); the old value stays in the history."""
    actor.require(Role.REGULATOR)
    base = base_in_reach(ctx, actor, base_id)
    if field not in CHANGEABLE:
        raise Invalid(f"field must be one of {CHANGEABLE}", code="field_not_changeable")
    old = getattr(base, field)
    if old == new:
        raise Invalid(f"{field} is already {new!r}", code="change_is_no_change")
    change = BaseChange(base_id=base.id, field=field, old=old, new=new,
                        effective_on=effective_on, recorded_at=ctx.now(),
                        recorded_by=actor.client_pk)
    setattr(base, field, new)
    ctx.session.add(change)
    ctx.session.flush()
    return change


def changes_of(ctx: Context, base_ids: list[int]) -> dict[int, list[BaseChange]]:
    out: dict[int, list[BaseChange]] = {}
    for change in ctx.session.scalars(select(BaseChange).where(BaseChange.base_id.in_(base_ids))
                                      .order_by(BaseChange.id)):
        out.setdefault(change.base_id, []).append(change)
    return out


def reminders_for(ctx: Context, actor: Actor, base_id: int) -> list[Reminder]:
    """The reminders the sweeps sent a base, oldest first."""
    base = base_in_reach(ctx, actor, base_id)
    return list(ctx.session.scalars(select(Reminder).where(Reminder.base_id == base.id)
                                    .order_by(Reminder.id)))
