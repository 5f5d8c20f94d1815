"""The offline checker's format 2, for every chain (issue 12): the honest chain with its
head proven in any tree verifies; any change to a hashed field of any entry, a dropped,
added or swapped entry, or a head at another index fails. And its standalone entry_hash
is journal.entry_hash, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import journal, leaves, merkle, verify_attestation
from ledger.canonical import form
from ledger.services import attest_check, attest_pass
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
@given(st.lists(entry_fields, min_size=1, max_size=5), st.data())
def test_the_servers_one_pass_hash_is_the_journals(fields, data):
    """attest_pass.walk re-hashes a chain read as tuples (attest_check.COLUMNS) in one
    f-string per entry: an honest chain recomputes, each entry carried in its canonical
    forms; any one field changed in any entry breaks it at that entry."""
    prev, rows, forms = journal.GENESIS, [], []
    for seq, f in enumerate(fields, start=1):
        row = SimpleNamespace(
            id=seq * 3, professional_id=PERSON, seq=seq, kind=f["kind"], hours=f["hours"],
            subject=f["subject"], year=f["year"], posting_id=f["posting"], base_id=f["base"],
            project_id=f["project"], reverses_id=f["reverses"],
            policy_version=f["policy_version"], reason=f["reason"], created_at=f["created_at"])
        row.prev_hash, row.hash = prev, journal.entry_hash(prev, hashed_fields(row))
        rows.append(tuple(getattr(row, c) for c in attest_check.COLUMNS))
        forms.append([row.id] + [form(v) for k, v in hashed_fields(row).items()
                                 if k != "professional"])
        prev = row.hash
    carried, findings = attest_pass.walk(PERSON, rows)
    assert findings == [] and carried == forms
    at = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(["kind", "hours", "subject", "year", "posting_id",
                                        "reverses_id", "reason", "created_at"]))
    changed = list(rows[at])
    index = attest_check.COLUMNS.index(column)
    changed[index] = {"kind": lambda v: v + "x", "hours": lambda v: v + 1,
                      "subject": lambda v: v + "x", "year": lambda v: v + 1,
                      "posting_id": lambda v: v + 1,
                      "reverses_id": lambda v: 1 if v is None else None,
                      "reason": lambda v: "x" if v is None else v + "x",
                      "created_at": lambda v: v + timedelta(seconds=1)}[column](changed[index])
    carried, findings = attest_pass.walk(PERSON, rows[:at] + [tuple(changed)] + rows[at + 1:])
    assert len(carried) == at and [f.code for f in findings] == ["chain_broken"]
