"""On PostgreSQL a revocation writes its reversals and their log leaves as COPY text built
directly; for any credits and reason, every row must be byte for byte what the generic
writers (Chains.next_row, insert_rows, log.record) write for the same revocation."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.db import ledger_context
from ledger import leaves
from ledger.services import log, reversals
from ledger.store import Entry, LogLeaf

from .test_revocation_property import write_credits

JUNE = date(2025, 6, 1)
serials = itertools.count(1)
# Text a person could have typed: controls (not NUL, which PostgreSQL text refuses),
# COPY's specials (tab, newline, CR, backslash), JSON's (quote), non-NFC and CJK.
typed = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20) | \
    st.sampled_from(["只收费不培训", "a\tb\\c\nd\re\"f", "e\u0301", "\\N", "", " "])
hours = st.decimals(min_value=0, max_value=99, places=1)


def written(ctx, reverses: list[int]) -> dict[int, tuple]:
    """Each reversal (by the credit it reverses) as stored, with its leaf, ids taken out."""
    out = {}
    entries = ctx.session.scalars(select(Entry).where(Entry.reverses_id.in_(reverses)))
    for entry in entries:
        leaf = ctx.session.scalars(select(LogLeaf).where(
            LogLeaf.kind == "entry", LogLeaf.ref_id == entry.id)).one()
        assert leaf.leaf_hash == leaves.hash_hex(leaf.data.encode())
        assert leaf.owner == entry.professional_id
        data = leaf.data.replace(f'"id":{entry.id},', '"id":null,')
        fields = {c: getattr(entry, c) for c in reversals.ENTRY_COLUMNS if c != "id"}
        out[entry.reverses_id] = (fields, data, leaf.created_at)
    return out


@pytest.mark.parametrize("backend", ["postgresql"])
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reason=typed, subject=typed, policy=typed, amounts=st.lists(hours, min_size=1,
                                                                      max_size=6),
       chunk=st.integers(1, 3), fast_leaf=st.booleans())
def test_copy_text_is_what_the_generic_writers_write(world, monkeypatch, reason, subject,
                                                     policy, amounts, chunk, fast_leaf):
    monkeypatch.setattr(reversals, "CHUNK", chunk)
    # The leaf text built directly, and leaves.encode (for an entry leaf version it
    # does not know), both.
    monkeypatch.setattr(reversals, "FAST_LEAF", fast_leaf)
    ctx = ledger_context()
    serial = next(serials)
    base = world.new_base(f"复制{serial}", registry_number=f"ZB-C-{serial}")
    project = world.accepted_project()
    credits = [(k % 3, 0, 5) for k in range(len(amounts))]
    _people, entries = write_credits(ctx, [base, base], project, credits, set(),
                                     subject=subject[:20], policy_version=policy[:64],
                                     hours=amounts)
    ids = [e.id for e in entries]

    savepoint = ctx.session.begin_nested()
    assert reversals._reverse_in_chunks(ctx, base, JUNE, reason) == len(ids)
    ctx.session.flush()
    generic = written(ctx, ids)
    savepoint.rollback()

    assert reversals._reverse_by_copy(ctx, base, JUNE, reason) == len(ids)
    assert written(ctx, ids) == generic
    ctx.session.rollback()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_without_the_log_no_leaves_are_copied(world):
    ctx = ledger_context()
    project = world.accepted_project()
    _people, entries = write_credits(ctx, [world.base_id, world.base_id], project,
                                     [(0, 0, 3), (1, 0, 4)], set())
    ctx.session.info[log.LOG_FLAG] = False
    try:
        assert reversals.reverse_credits_from(ctx, world.base_id, JUNE, "x") == 2
        reversal_ids = list(ctx.session.scalars(select(Entry.id).where(
            Entry.reverses_id.in_([e.id for e in entries]))))
        assert len(reversal_ids) == 2
        assert ctx.session.scalar(select(LogLeaf.id).where(
            LogLeaf.kind == "entry", LogLeaf.ref_id.in_(reversal_ids))) is None
    finally:
        ctx.session.info.pop(log.LOG_FLAG, None)
        ctx.session.rollback()
