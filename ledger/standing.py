"""A base's standing, derived from its append-only events and asked for any date.

The texts provide recognition (认定), an order to rectify within a deadline (限期整改)
and removal of status (撤销/取消资格): see ../shared/seeds/README.md, rows "failure" and
"misconduct": 淄博 第二十三、二十四条; 威海 第十九、二十条; 四川 第二十三、二十四条;
上海 第二十三、二十五条; 常州 第八条. Suspension, reinstatement and a recognition's
term (expiry) are the ledger's own operational states, which no text provides: a
regulator may record them, and the ledger never infers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import Invalid


class EventType(StrEnum):
    RECOGNISED = "recognised"
    RECTIFICATION_ORDERED = "rectification_ordered"
    RECTIFIED = "rectified"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Status(StrEnum):
    UNRECOGNISED = "unrecognised"
    RECOGNISED = "recognised"
    RECTIFYING = "rectifying"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    VOID = "void"  # inside the span a revocation for misconduct voided


# A base under a rectification order keeps its status until the deadline passes
# and the regulator acts (威海 第十九条: 在规定时间内仍然达不到要求的，撤销), so its
# training still credits.
GOOD = frozenset({Status.RECOGNISED, Status.RECTIFYING})


@dataclass(frozen=True)
class StandingEvent:
    type: EventType
    effective_on: date
    due_on: date | None = None
    void_from: date | None = None
    reason: str = ""
    # A recognition's last day: an operational term the regulator may set; no text sets one.
    term_end: date | None = None
    misconduct: bool = False  # a revocation for 乱办班、乱收费、乱发证
    document_number: str | None = None  # the decision's 文号
    basis: str | None = None  # the decision's stated basis (依据)


@dataclass(frozen=True)
class Standing:
    status: Status
    since: date | None = None
    rectification_due: date | None = None
    term_end: date | None = None

    @property
    def good(self) -> bool:
        return self.status in GOOD


# Which event may follow which status. Anything else is refused, so the timeline
# can always be folded.
_ALLOWED: dict[Status, frozenset[EventType]] = {
    Status.UNRECOGNISED: frozenset({EventType.RECOGNISED}),
    Status.RECOGNISED: frozenset(
        {EventType.RECTIFICATION_ORDERED, EventType.SUSPENDED, EventType.REVOKED,
         EventType.EXPIRED}
    ),
    Status.RECTIFYING: frozenset(
        {EventType.RECTIFIED, EventType.SUSPENDED, EventType.REVOKED, EventType.EXPIRED}
    ),
    Status.SUSPENDED: frozenset({EventType.REINSTATED, EventType.REVOKED, EventType.EXPIRED}),
    Status.REVOKED: frozenset(),
    Status.EXPIRED: frozenset({EventType.RECOGNISED}),
}


def _step(state: Standing, event: StandingEvent) -> Standing:
    if event.type not in _ALLOWED[state.status]:
        raise Invalid(
            f"a base that is {state.status} cannot be {event.type}",
            code="standing_transition_invalid",
            status=str(state.status),
            event=str(event.type),
        )
    day = event.effective_on
    match event.type:
        case EventType.RECOGNISED:
            return Standing(Status.RECOGNISED, day, term_end=event.term_end)
        case EventType.RECTIFIED | EventType.REINSTATED:
            return Standing(Status.RECOGNISED, day, term_end=state.term_end)
        case EventType.RECTIFICATION_ORDERED:
            return Standing(Status.RECTIFYING, day, event.due_on, state.term_end)
        case EventType.SUSPENDED:
            return Standing(Status.SUSPENDED, day, term_end=state.term_end)
        case EventType.REVOKED:
            return Standing(Status.REVOKED, day)
        case EventType.EXPIRED:
            return Standing(Status.EXPIRED, day)
    raise AssertionError(event.type)


def standing_on(events: Iterable[StandingEvent], day: date) -> Standing:
    """The standing on ``day``; events must be in the order they were appended."""
    events = list(events)
    state = Standing(Status.UNRECOGNISED)
    for event in events:
        if event.effective_on > day:
            break
        state = _step(state, event)
    if state.term_end is not None and day > state.term_end and state.status in (
            Status.RECOGNISED, Status.RECTIFYING, Status.SUSPENDED):
        # A term ends on its own date, whether or not the expiry sweep has run yet.
        state = Standing(Status.EXPIRED, state.term_end + timedelta(days=1))
    for event in events:
        if (
            event.type is EventType.REVOKED
            and event.void_from is not None
            and event.void_from <= day < event.effective_on
        ):
            return Standing(Status.VOID, event.void_from)
    return state


# Events after which the base is no longer in good standing. A decision often reaches the
# ledger days after it takes effect; it is accepted with both dates, and the credits that
# relied on good standing from its effective date are reversed (services/bases.record_event).
ADVERSE = frozenset({EventType.SUSPENDED, EventType.REVOKED, EventType.EXPIRED})
MAX_AHEAD = timedelta(days=366)


def check_append(events: Sequence[StandingEvent], new: StandingEvent,
                 today: date | None = None) -> None:
    """Raise Invalid unless ``new`` may follow ``events`` (recorded on ``today``).

    Events are appended in date order. One dated before ``today`` is a decision entered
    late: it is accepted, and what followed from it is reversed by the caller. A
    revocation's ``void_from`` reaches further back, before its effective date: no text
    voids good-faith hours by itself, so it needs the decision's 文号 and basis.
    """
    if today is not None and new.effective_on > today + MAX_AHEAD:
        raise Invalid("an event takes effect within a year of being recorded",
                      code="standing_event_too_far_ahead")
    if events and new.effective_on < events[-1].effective_on:
        raise Invalid(
            f"events are appended in date order; the last is dated {events[-1].effective_on}",
            code="standing_event_out_of_order",
        )
    if new.type is EventType.RECTIFICATION_ORDERED:
        if new.due_on is None or new.due_on <= new.effective_on:
            raise Invalid("a rectification order needs a due date after it",
                          code="rectification_due_date_required")
    elif new.due_on is not None:
        raise Invalid("only a rectification order has a due date", code="due_date_not_allowed")
    if new.term_end is not None and (
        new.type is not EventType.RECOGNISED or new.term_end < new.effective_on
    ):
        raise Invalid("term_end belongs to a recognition and lies on or after it",
                      code="term_end_invalid")
    if new.misconduct and new.type is not EventType.REVOKED:
        raise Invalid("misconduct is recorded with a revocation", code="misconduct_invalid")
    if new.void_from is not None and (
        new.type is not EventType.REVOKED or new.void_from > new.effective_on
    ):
        raise Invalid("void_from belongs to a revocation and lies on or before it",
                      code="void_from_invalid")
    if new.void_from is not None and not (
            (new.document_number or "").strip() and (new.basis or "").strip()):
        raise Invalid("void_from reverses hours earned in good faith: give the decision's "
                      "document number (文号) and its stated basis",
                      code="void_from_needs_decision")
    state = Standing(Status.UNRECOGNISED)
    for event in events:
        state = _step(state, event)
    _step(state, new)
