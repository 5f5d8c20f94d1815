"""Issue 10 item 1: an ID number cannot be recovered from a copy of the database.

The attacker holds every row (id_masked and the fields stored beside each hash) and
the code, but not the ID key. They brute-force the hidden digits of the ID over a
realistic prior (the region's districts, one year of birth dates) against every stored
digest that covers the ID number. The same search given the key finds the person, so
the search is a real one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.db import db
from ledger import identity
from ledger.services.completions import NewCompletion, request_hash
from ledger.store import IdempotencyRecord, Posting, Professional

from ..conftest import ID_HASH_KEY


def candidates(masked: str) -> Iterator[str]:
    """Every valid ID with the visible characters of ``masked``: districts 370300-370399,
    born in 1990 (what a leak of a city's staff roster would let one assume)."""
    prefix, tail = masked[:3], masked[-4:]
    for district in range(300, 400):
        region = f"{prefix}{district:03d}"
        day = date(1990, 1, 1)
        while day.year == 1990:
            first17 = f"{region}{day:%Y%m%d}{tail[:3]}"
            if identity.check_character(first17) == tail[3]:
                yield first17 + tail[3]
            day += timedelta(days=1)


def completion_for(posting: Posting, number: str) -> NewCompletion:
    return NewCompletion(
        external_id=posting.external_id, project_id=posting.project_id, id_number=number,
        name=posting.name, hours=Decimal(posting.hours), subject=posting.subject,
        training_dates=tuple(date.fromisoformat(d) for d in posting.training_dates),
        assessment=posting.assessment, minutes=posting.minutes)


def body_for(posting: Posting, number: str) -> dict:
    return {"items": [{
        "external_id": posting.external_id, "project_id": posting.project_id,
        "id_number": number, "name": posting.name, "hours": str(posting.hours),
        "subject": posting.subject, "training_dates": posting.training_dates,
        "assessment": posting.assessment}]}


def brute_force(copy: dict, wrap: Callable[[str], str]) -> set[str]:
    """The IDs whose digests, as the code computes them and then ``wrap``s them, match a
    stored one. ``wrap`` is what the attacker knows of the key."""
    found = set()
    posting, record, person = copy["posting"], copy["idempotency"], copy["professional"]
    for number in candidates(posting.id_masked):
        if wrap(completion_for(posting, number).content_hash()) == posting.content_hash:
            found.add(number)
        if wrap(request_hash(body_for(posting, number))) == record.request_hash:
            found.add(number)
        plain = identity.normalize(number).encode()
        if wrap(hashlib.sha256(plain).hexdigest()) == person.id_hash:
            found.add(number)
        if hmac.new(b"", plain, hashlib.sha256).hexdigest() == person.id_hash:
            found.add(number)
    return found


@pytest.fixture
def copy(world):
    project = world.accepted_project()
    world.clock.set(world.clock.now() + timedelta(days=13))
    response = world.post(world.item(project, hours="24.0"), key="roster-1")
    assert response.status_code == 200, response.get_json()
    rows = {"posting": db.session.scalars(select(Posting)).one(),
            "idempotency": db.session.scalars(select(IdempotencyRecord)).one(),
            "professional": db.session.scalars(select(Professional)).one()}
    for row in rows.values():
        db.session.expunge(row)
    return rows


def test_a_database_copy_without_the_key_gives_up_no_id_number(world, copy):
    assert world.person_id in set(candidates(copy["posting"].id_masked))
    assert brute_force(copy, wrap=lambda digest: digest) == set()


def test_the_same_search_with_the_key_finds_the_person(world, copy):
    key = bytes.fromhex(ID_HASH_KEY)
    assert brute_force(copy, wrap=lambda d: identity.keyed_digest(d, key)) == {world.person_id}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=st.binary(max_size=64), keys=st.lists(st.binary(min_size=1, max_size=32),
                                                     min_size=1, max_size=4))
def test_a_rotated_digest_is_the_digest_under_the_longer_ring(message, keys):
    """Rotation wraps stored digests; it must land where hashing under the new ring does."""
    *older, newest = keys
    if older:
        assert identity.rewrap(identity.keyed_digest(message, older), newest) \
            == identity.keyed_digest(message, keys)
    assert identity.keyed_digest(message, [keys[0]]) == identity.keyed_digest(message, keys[0])
    assert identity.keyed_digest(message, keys) != hashlib.sha256(message).hexdigest()
    assert json.dumps(identity.keyed_digest(message, keys)).isascii()
