"""The offline checker's format 2, for every chain (issue 12): the honest chain with its
head proven in any tree verifies; any change to a hashed field of any entry, a dropped,
added or swapped entry, or a head at another index fails. And its standalone entry_hash
is journal.entry_hash, byte for byte."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import journal, leaves, merkle, verify_attestation
from ledger.canonical import form
from ledger.services import attest_check
from ledger.services.attest_check import CARRIED
from ledger.services.chains import hashed_fields

PERSON = 7
T0 = datetime(2020, 1, 1, tzinfo=UTC)

entry_fields = st.fixed_dictionaries({
    "kind": st.sampled_from(["credit", "reversal"]),
    "hours": st.integers(-800, 800).map(lambda t: Decimal(t) / 10),
    "subject": st.sampled_from(["public", "professional"]),
    "year": st.integers(2016, 2025),
    "posting": st.integers(1, 10**6),
    "base": st.integers(1, 50),
    "project": st.integers(1, 500),
    "reverses": st.none() | st.integers(1, 10**6),
    "policy_version": st.sampled_from(["370300@2025", "371000@2019", "000000@2015"]),
    "reason": st.none() | st.text(max_size=12),
    "created_at": st.integers(0, 10**8).map(lambda s: T0 + timedelta(seconds=s)),
})


def build(fields: list[dict], before: int, after: int) -> tuple[dict, int, bytes]:
    """Claims carrying the chain, and a tree with the head among other leaves."""
    rows, prev = [], journal.GENESIS
    for seq, f in enumerate(fields, start=1):
        hashed = {"professional": PERSON, "seq": seq, **f}
        digest = journal.entry_hash(prev, hashed)
        rows.append({"id": 100 + seq, "professional_id": PERSON, "seq": seq,
                     "kind": f["kind"], "hours": f["hours"], "subject": f["subject"],
                     "year": f["year"], "posting_id": f["posting"], "base_id": f["base"],
                     "project_id": f["project"], "reverses_id": f["reverses"],
                     "policy_version": f["policy_version"], "reason": f["reason"],
                     "created_at": f["created_at"], "prev_hash": prev, "hash": digest,
                     "carried": [100 + seq, *(form(v) for v in (
                         seq, f["kind"], f["hours"], f["subject"], f["year"], f["posting"],
                         f["base"], f["project"], f["reverses"], f["policy_version"],
                         f["reason"], f["created_at"]))]})
        prev = digest
    data = leaves.encode("entry", rows[-1])
    hashes = ([merkle.leaf_hash(b"other %d" % i) for i in range(before)]
              + [merkle.leaf_hash(data)]
              + [merkle.leaf_hash(b"later %d" % i) for i in range(after)])
    size = len(hashes)
    path = merkle.inclusion_path(before, size, merkle.subtree_from(hashes))
    claims = {"professional_id": PERSON, "chain": {
        "fields": list(CARRIED), "entries": [r["carried"] for r in rows],
        "head": {"index": before, "data": data.decode(), "path": [p.hex() for p in path]}}}
    return claims, size, merkle.root_of(hashes)


chains = st.tuples(st.lists(entry_fields, min_size=1, max_size=12),
                   st.integers(0, 40), st.integers(0, 40))


@settings(max_examples=80, deadline=None)
@given(chains)
def test_an_honest_chain_verifies(chain):
    claims, size, root = build(*chain)
    rows = verify_attestation.check_chain(claims, size, root)
    assert [r["seq"] for r in rows] == list(range(1, len(chain[0]) + 1))
    assert [r["hours"] for r in rows] == [form(f["hours"])
                                          for f in chain[0]]


def _mutations(n: int) -> st.SearchStrategy:
    field = st.tuples(st.just("field"), st.integers(0, n - 1),
                      st.integers(1, len(CARRIED) - 1))
    drop = st.tuples(st.just("drop"), st.integers(0, n - 1), st.just(0))
    dup = st.tuples(st.just("duplicate"), st.integers(0, n - 1), st.just(0))
    swap = st.tuples(st.just("swap"), st.integers(0, n - 1), st.integers(0, n - 1))
    head = st.tuples(st.just("head"), st.just(0), st.integers(1, 5))
    return st.one_of(field, drop, dup, swap, head)


@settings(max_examples=150, deadline=None)
@given(chains.flatmap(lambda c: st.tuples(st.just(c), _mutations(len(c[0])))))
def test_any_change_to_the_chain_fails(chain_and_change):
    (fields, before, after), (what, i, j) = chain_and_change
    claims, size, root = build(fields, before, after)
    entries = claims["chain"]["entries"]
    if what == "field":
        value = entries[i][j]
        entries[i][j] = ("1" + value) if value is not None else "1"
    elif what == "drop":
        del entries[i]
    elif what == "duplicate":
        entries.insert(i, list(entries[i]))
    elif what == "swap":
        if entries[i][1:] == entries[j][1:]:
            return  # the same entry content: nothing was changed
        entries[i], entries[j] = entries[j], entries[i]
    else:
        claims["chain"]["head"]["index"] = (before + j) % size
        if size == 1 or claims["chain"]["head"]["index"] == before:
            return
    with pytest.raises((verify_attestation.Failed, ValueError)):
        verify_attestation.check_chain(claims, size, root)


@settings(max_examples=80, deadline=None)
@given(st.lists(entry_fields, min_size=1, max_size=5))
def test_the_standalone_hash_is_the_journals(fields):
    prev = journal.GENESIS
    for seq, f in enumerate(fields, start=1):
        hashed = {"professional": PERSON, "seq": seq, **f}
        forms = {name: form(hashed[name]) for name in journal.HASHED_FIELDS}
        assert verify_attestation.entry_hash(prev, forms) == journal.entry_hash(prev, hashed)
        prev = journal.entry_hash(prev, hashed)
    assert verify_attestation.HASHED_FIELDS == journal.HASHED_FIELDS


@settings(max_examples=80, deadline=None)
@given(st.lists(entry_fields, min_size=1, max_size=5))
def test_the_servers_fast_hash_is_the_journals(fields):
    """attest_check re-hashes a chain without a dict per entry; same bytes, same hash."""
    prev = journal.GENESIS
    for seq, f in enumerate(fields, start=1):
        row = SimpleNamespace(
            id=seq, professional_id=PERSON, seq=seq, kind=f["kind"], hours=f["hours"],
            subject=f["subject"], year=f["year"], posting_id=f["posting"], base_id=f["base"],
            project_id=f["project"], reverses_id=f["reverses"],
            policy_version=f["policy_version"], reason=f["reason"], created_at=f["created_at"])
        expected = journal.entry_hash(prev, hashed_fields(row))
        forms, text = attest_check._Forms().entry(prev, row)
        assert attest_check.hash_of_forms(prev, forms) == expected
        assert hashlib.sha256(text.encode()).hexdigest() == expected
        prev = expected
