"""Every chain verifies, whatever valid form the hours, names and dates were posted in.

Hours posted as "6" were once hashed as "6" and stored as 6.0, so that professional's
chain read broken to every committee for ever (issue 7, item 8). This posts random valid
completions through the API, voids some, and checks every professional's chain, on both
databases.
"""

from __future__ import annotations

import itertools
import unicodedata
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ledger.journal import verify_chain
from ledger.services.chains import hashed_fields
from ledger.store import Entry

from ..world import id_number

FIRST_DAY = date(2025, 6, 20)  # the world's default project: 20-22 June 2025, 24 学时
SERIAL = itertools.count(1)

hours_forms = st.integers(min_value=1, max_value=80).flatmap(
    lambda tenths: st.sampled_from(
        [f"{tenths / 10:.1f}"] + ([str(tenths // 10)] if tenths % 10 == 0 else [])))
names = st.sampled_from(["张三", "李四", "Zoë", "王\u3000五", "José"]).flatmap(
    lambda name: st.sampled_from([name, f" {name} ", unicodedata.normalize("NFD", name)]))
forms = st.fixed_dictionaries({
    "hours": hours_forms,
    "name": names,
    "person": st.integers(min_value=1, max_value=4),
    "days": st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=4),
    "void": st.booleans(),
})


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(forms, min_size=1, max_size=6))
def test_every_chain_verifies_whatever_form_was_posted(world, batch):
    project_id = getattr(world, "property_project", None)
    if project_id is None:
        project_id = world.property_project = world.accepted_project(hours="9999.0")
        world.clock.set(world.clock.now() + timedelta(days=30))
    items = [{
        "external_id": f"p-{next(SERIAL)}", "project_id": project_id,
        "id_number": id_number(500 + form["person"]), "name": form["name"],
        "hours": form["hours"], "subject": "professional", "assessment": "passed",
        "training_dates": [str(FIRST_DAY + timedelta(days=d)) for d in form["days"]],
    } for form in batch]

    response = world.post(*items)
    assert response.status_code == 200, response.get_json()
    for receipt, form in zip(response.get_json()["receipts"], batch, strict=True):
        if form["void"] and receipt["status"] == "credited":
            voided = world.call("POST", f"/v1/completions/{receipt['posting_id']}/void",
                                world.base, json={"reason": " 重复上报 "})
            assert voided.status_code == 200, voided.get_json()

    world.ctx.session.expire_all()
    entries = list(world.ctx.session.scalars(
        select(Entry).order_by(Entry.professional_id, Entry.seq)))
    assert entries, "something was credited"
    for _pid, chain in itertools.groupby(entries, key=lambda e: e.professional_id):
        rows = [{**hashed_fields(e), "seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash}
                for e in chain]
        assert verify_chain(rows), rows
