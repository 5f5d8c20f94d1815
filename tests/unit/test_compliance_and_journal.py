"""Yearly compliance (人社部令第25号 第八条) and the journal's hash chain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger import journal
from ledger.compliance import assess
from ledger.policy import load_book

NATIONAL = load_book().resolve("370303", date(2025, 6, 10))


@pytest.mark.parametrize(
    ("public", "professional", "met", "short_total", "short_professional"),
    [
        ("30", "60", True, "0.0", "0.0"),
        ("0", "90", True, "0.0", "0.0"),
        ("45", "60", True, "0.0", "0.0"),
        ("30.1", "59.9", False, "0.0", "0.1"),
        ("40", "59.9", False, "0.0", "0.1"),
        ("29.9", "60", False, "0.1", "0.0"),
        ("90", "0", False, "0.0", "60.0"),
        ("10", "20", False, "60", "40.0"),
        ("0", "0", False, "90.0", "60.0"),
    ],
    ids=[
        "60 professional and 30 public meet 90 and two thirds",
        "all professional",
        "extra public hours never hurt",
        "59.9 professional fails though the total is 90",
        "59.9 professional fails with a surplus total",
        "89.9 total fails",
        "all public fails on the share",
        "both short",
        "nothing done",
    ],
)
def test_a_year_meets_the_requirement_only_with_90_hours_and_60_professional(
    public, professional, met, short_total, short_professional
):
    result = assess(Decimal(public), Decimal(professional), NATIONAL)
    assert result.met is met
    assert result.shortfall_total == Decimal(short_total)
    assert result.shortfall_professional == Decimal(short_professional)


def test_the_requirement_is_90_and_60_with_one_decimal_place():
    result = assess(Decimal("30"), Decimal("60"), NATIONAL)
    assert str(result.required_total) == "90.0"
    assert str(result.required_professional) == "60.0"
    assert result.total == Decimal("90")


def test_the_assessment_cites_article_eight_and_names_the_profile():
    result = assess(Decimal("30"), Decimal("60"), NATIONAL)
    assert result.citation["article"] == "第八条"
    assert result.citation["source"] == "人社部令第25号"
    assert result.policy["requested_jurisdiction"] == "370303"
    assert result.policy["jurisdiction"] == "370300"


# The hash chain.

def build_chain(*hours: str, seqs: tuple[int, ...] | None = None) -> list[dict]:
    entries, prev = [], journal.GENESIS
    for seq, amount in zip(seqs or range(1, len(hours) + 1), hours, strict=True):
        fields = {
            "professional": 7, "seq": seq, "kind": "posting", "hours": Decimal(amount),
            "subject": "professional", "year": 2025, "posting": 100 + seq, "reverses": None,
            "policy_version": "370300@2025", "created_at": f"2025-06-{seq:02d}T02:00:00+00:00",
        }
        entry = {**fields, "prev_hash": prev, "hash": journal.entry_hash(prev, fields)}
        entries.append(entry)
        prev = entry["hash"]
    return entries


def test_a_built_chain_verifies():
    assert journal.verify_chain(build_chain("12", "8.5", "-8.5", "30"))


def test_an_empty_chain_verifies():
    assert journal.verify_chain([])


def test_the_first_entry_links_to_genesis_and_each_later_one_to_its_predecessor():
    chain = build_chain("12", "8.5")
    assert chain[0]["prev_hash"] == "0" * 64
    assert chain[1]["prev_hash"] == chain[0]["hash"]
    assert chain[0]["hash"] != chain[1]["hash"]


def test_the_hash_ignores_fields_it_does_not_cover():
    chain = build_chain("12")
    chain[0]["note"] = "not hashed"
    assert journal.verify_chain(chain)


def test_the_same_content_after_a_different_predecessor_hashes_differently():
    fields = {"professional": 7, "seq": 1, "hours": Decimal("12")}
    assert journal.entry_hash(journal.GENESIS, fields) != journal.entry_hash("1" * 64, fields)


@pytest.mark.parametrize(
    ("index", "key", "value"),
    [
        (0, "hours", Decimal("13")),
        (2, "hours", Decimal("-8.4")),
        (1, "subject", "public"),
        (3, "year", 2024),
        (1, "reverses", 1),
        (1, "seq", 3),
        (0, "seq", 0),
        (2, "prev_hash", "0" * 64),
        (0, "prev_hash", "f" * 64),
        (3, "hash", "0" * 64),
    ],
    ids=[
        "hours raised on the first entry",
        "hours changed on a reversal",
        "subject changed",
        "year changed on the last entry",
        "a posting made to look like a reversal",
        "seq skipped",
        "seq starting at zero",
        "prev_hash rewired to genesis",
        "first prev_hash not genesis",
        "last hash replaced",
    ],
)
def test_tampering_with_any_entry_breaks_the_chain(index, key, value):
    chain = build_chain("12", "8.5", "-8.5", "30")
    chain[index][key] = value
    assert not journal.verify_chain(chain)


@pytest.mark.parametrize(
    "seqs", [(2, 3), (1, 3), (1, 1)], ids=["starting at 2", "skipping 2", "repeating 1"]
)
def test_a_correctly_hashed_chain_with_gaps_in_seq_does_not_verify(seqs):
    assert not journal.verify_chain(build_chain("12", "8.5", seqs=seqs))


def test_a_dropped_entry_breaks_the_chain():
    chain = build_chain("12", "8.5", "-8.5")
    del chain[1]
    assert not journal.verify_chain(chain)


def test_swapped_entries_break_the_chain():
    chain = build_chain("12", "8.5")
    assert not journal.verify_chain([chain[1], chain[0]])


def test_rehashing_a_tampered_entry_still_breaks_the_chain_at_its_successor():
    chain = build_chain("12", "8.5", "30")
    chain[0]["hours"] = Decimal("40")
    chain[0]["hash"] = journal.entry_hash(chain[0]["prev_hash"], chain[0])
    assert not journal.verify_chain(chain)
