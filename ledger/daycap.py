"""A person's training day: how many 学时 are already credited on each day, and how
many more fit under a daily cap.

No national text sets a daily cap (人社部令第25号 第八条 leaves 学时认定 to the
provinces); where a profile sets one, it is a limit on a person's day, across all their
postings and all bases, not on one posting. A credit spread over several days counts
its hours evenly on each (the ledger knows the days attended, not the hours of each).

The choice when a posting does not fit: credit what fits and say so, with both numbers,
rather than hold it for a regulator. The cap is a plausibility limit, not a finding that
the training did not happen; the hours that fit are certain, the excess can never be
credited on that day whoever looks at it, and holding the whole posting would deny the
professional hours nobody disputes. Pure: the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from datetime import date
from decimal import ROUND_FLOOR, Decimal

ZERO = Decimal("0")
ONE_PLACE = Decimal("0.1")

DayLoad = MutableMapping[date, Decimal]


def day_load(credits: Iterable[tuple[Sequence[date], Decimal]]) -> dict[date, Decimal]:
    """Hours credited on each day, from (training days, hours) of each standing credit."""
    load: dict[date, Decimal] = {}
    for days, hours in credits:
        add(load, days, hours)
    return load


def add(load: DayLoad, days: Sequence[date], hours: Decimal) -> None:
    """Count a credit of ``hours`` over ``days`` into ``load`` (in place)."""
    distinct = sorted(set(days))
    if not distinct:
        return
    share = hours / len(distinct)
    for day in distinct:
        load[day] = load.get(day, ZERO) + share


def room(load: Mapping[date, Decimal], days: Sequence[date], cap: Decimal) -> Decimal:
    """How many more hours fit on ``days`` under ``cap`` a day, to one place, rounded down."""
    free = sum((max(ZERO, cap - load.get(day, ZERO)) for day in set(days)), ZERO)
    return free.quantize(ONE_PLACE, rounding=ROUND_FLOOR)
