"""For any journal, a revocation reverses exactly the base's unreversed credits from
void_from, each once, voids their postings, and leaves every chain verifying, however
the credits fall across its chunks."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.db import ledger_context
from ledger.journal import verify_chain
from ledger.services import reversals
from ledger.services.chains import Chains, hashed_fields, insert_rows
from ledger.store import Entry, Posting, Professional

JUNE = date(2025, 6, 1)
serials = itertools.count(1)

# A credit: (which of four professionals, which of two bases, days after 1 June).
credits_strategy = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1),
                                      st.integers(0, 20)), min_size=0, max_size=14)


def write_credits(ctx, bases_, project, credits, earlier, *, subject="professional",
                  policy_version="370300@2025", hours=None):
    """Credits (and the earlier reversals of some) written as the ledger writes them;
    ``hours`` gives each credit's hours (8.0 by default)."""
    serial = next(serials)
    people = []
    for k in range(4):
        person = Professional(id_hash=f"{serial:032d}{k:032d}", id_masked="3703**********",
                              name=f"学员{k}", created_at=ctx.now())
        ctx.session.add(person)
        people.append(person)
    ctx.session.flush()
    entries = []
    for i, (who, which, day) in enumerate(credits):
        on = JUNE + timedelta(days=day)
        posting = Posting(base_id=bases_[which], external_id=f"p-{serial}-{i}",
                          project_id=project, professional_id=people[who].id, id_hash="h" * 64,
                          id_masked="3703**********", name=f"学员{who}", hours=Decimal("8.0"),
                          subject="professional", training_dates=[on.isoformat()],
                          trained_from=on, trained_to=on, assessment="passed",
                          content_hash="c" * 64, received_at=ctx.now(), status="credited",
                          reasons=[], policy=None, decided_at=ctx.now())
        ctx.session.add(posting)
        ctx.session.flush()
        chains = Chains(ctx, [people[who].id])
        entries.append(insert_rows(ctx, [chains.next_row(
            professional_id=people[who].id, kind="credit",
            hours=Decimal("8.0") if hours is None else hours[i], subject=subject, year=2025,
            posting_id=posting.id, base_id=bases_[which], project_id=project,
            reverses_id=None, policy_version=policy_version)])[0])
    for i in earlier:
        credit = entries[i]
        chains = Chains(ctx, [credit.professional_id])
        insert_rows(ctx, [chains.next_row(
            professional_id=credit.professional_id, kind="reversal", hours=-credit.hours,
            subject="professional", year=2025, posting_id=credit.posting_id,
            base_id=credit.base_id, project_id=project, reverses_id=credit.id,
            policy_version="370300@2025", reason="voided by the base")])
        ctx.session.get(Posting, credit.posting_id).status = "voided"
    ctx.session.commit()
    return people, entries


def chain_of(ctx, professional_id):
    return [{**hashed_fields(e), "prev_hash": e.prev_hash, "hash": e.hash}
            for e in ctx.session.scalars(select(Entry).where(
                Entry.professional_id == professional_id).order_by(Entry.seq))]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(credits=credits_strategy, data=st.data(), void_day=st.integers(0, 21),
       chunk=st.integers(1, 4))
def test_a_revocation_reverses_each_unreversed_credit_in_range_once(
        world, monkeypatch, credits, data, void_day, chunk):
    monkeypatch.setattr(reversals, "CHUNK", chunk)  # chains cross chunk boundaries
    ctx = ledger_context()
    serial = next(serials)
    bases_ = [world.new_base(f"基地{serial}-{k}", registry_number=f"ZB-H-{serial}-{k}")
              for k in range(2)]
    project = world.accepted_project()
    earlier = data.draw(st.sets(st.integers(0, len(credits) - 1)) if credits else st.just(set()))
    people, entries = write_credits(ctx, bases_, project, credits, earlier)
    void_from = JUNE + timedelta(days=void_day)
    expected = {e.id for i, e in enumerate(entries) if e.base_id == bases_[0]
                and credits[i][2] >= void_day and i not in earlier}

    count = reversals.reverse_credits_from(ctx, bases_[0], void_from, "只收费不培训")
    ctx.session.commit()

    assert count == len(expected)
    new = list(ctx.session.execute(select(Entry.reverses_id).where(
        Entry.reason == "只收费不培训", Entry.base_id == bases_[0])).scalars())
    assert sorted(new) == sorted(expected)
    reversed_ids = list(ctx.session.scalars(select(Entry.reverses_id).where(
        Entry.reverses_id.in_([e.id for e in entries]))))
    assert len(reversed_ids) == len(set(reversed_ids)) == len(expected) + len(earlier)
    for person in people:
        assert verify_chain(chain_of(ctx, person.id))
    statuses = dict(ctx.session.execute(select(Posting.id, Posting.status).where(
        Posting.id.in_([e.posting_id for e in entries]))).all())
    assert {pid for pid, s in statuses.items() if s == "voided"} == {
        e.posting_id for i, e in enumerate(entries) if e.id in expected or i in earlier}


def test_nothing_to_reverse_writes_nothing(world):
    ctx = ledger_context()
    before = ctx.session.scalar(select(Entry.id).order_by(Entry.id.desc()).limit(1))
    assert reversals.reverse_credits_from(ctx, world.base_id, JUNE, "none") == 0
    assert ctx.session.scalar(select(Entry.id).order_by(Entry.id.desc()).limit(1)) == before
