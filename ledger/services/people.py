"""Professionals as postings find them: by keyed ID hash, created on first sight.

A posting names a person by ID number and name. The number's keyed hash finds them; one
seen for the first time is created from the posting (no jurisdiction until a regulator
registers them) and their identity binding goes into the log, in the posting's
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row

from .. import identity
from ..store import Professional
from ..store.any_of import any_of
from . import log
from .context import Context
from .posting_reads import PEOPLE, PEOPLE_C
from .rows import inserted_ids


def name_matches(person: Professional | None, name: str) -> bool:
    """Only a name a regulator registered is authoritative; the name on a posting for
    someone not yet registered is kept with the posting, not checked against another's."""
    return person is None or person.jurisdiction_code is None or person.name == name


def people_for(ctx: Context, items: Sequence[Any]) -> dict[str, Any]:
    """Professionals by ID hash for items with ``id_number`` and ``name`` (attendance);
    those seen for the first time are created from the item."""
    today = ctx.today()
    wanted: dict[str, tuple[str, str]] = {}
    for item in items:
        checked = identity.check(item.id_number)
        if not checked.problems(today):
            key = identity.keyed_digest(checked.number.encode(), ctx.id_key)
            wanted.setdefault(key, (identity.mask(checked.number), item.name))
    return find_or_create(ctx, wanted)


def find_or_create(ctx: Context, wanted: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Professionals by keyed ID hash, from (masked ID, name) by hash; those not found are
    created, and their identity bindings go into the log. A created one is a plain value
    (id, name, no jurisdiction), as the rules need it, not an ORM object."""
    if not wanted:
        return {}
    found: dict[str, Any] = {p.id_hash: p for p in ctx.session.execute(
        PEOPLE.where(any_of(PEOPLE_C.id_hash, wanted)))}
    now = ctx.now()
    new = [{"id_hash": key, "id_masked": masked, "name": name, "jurisdiction_code": None,
            "password_hash": None, "created_at": now}
           for key, (masked, name) in wanted.items() if key not in found]
    if new:
        for row, person_id in zip(new, inserted_ids(ctx, Professional, new), strict=True):
            row["id"] = person_id
            found[row["id_hash"]] = SimpleNamespace(**row)
        log.record(ctx, "professional", new)
    return found


def created_now(people: dict[str, Any]) -> frozenset[int]:
    """The ids of those find_or_create created (plain values), not read back (rows)."""
    return frozenset(p.id for p in people.values() if not isinstance(p, Row))
