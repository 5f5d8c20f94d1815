"""A verification's answer is dumped by hand (ledger/services/attest_dump.py); it must be
exactly what AttestedVerificationSchema, the contract in openapi.yaml, makes of it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from api.db import ledger_context
from api.schemas import AttestedVerificationSchema
from ledger.services import attestations, reading
from ledger.services.attest_dump import Dumped, dump_verification
from ledger.store import Entry


def typed(ctx, result):
    """The result with each year's entries as reading._describe makes them (hours as
    Decimal, instants as datetime), not as the one pass made them (already dumped): what
    the schema dumps of these is what the hand dump must make of the other."""
    years = []
    for year in result["report"]["years"]:
        assert all(type(e) is Dumped for e in year["entries"])
        rows = list(ctx.session.scalars(select(Entry).where(
            Entry.id.in_([e["id"] for e in year["entries"]])).order_by(Entry.seq)))
        years.append({**year, "entries": reading._describe(ctx, rows)})
    return {**result, "report": {**result["report"], "years": years}}


def test_the_hand_dump_is_the_schemas(world):
    project = world.accepted_project()
    public = world.accepted_project(title="公需课", subject="public", start_on="2025-06-16",
                                    end_on="2025-06-17", hours="16.0")
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    first = world.post(world.item(project)).get_json()["receipts"][0]
    world.call("POST", f"/v1/completions/{first['posting_id']}/void", world.base,
               json={"reason": "重复录入"})
    world.post(world.item(public, external_id="c-2", subject="public", hours="16.0",
                          training_dates=["2025-06-16", "2025-06-17"]))
    ctx = ledger_context()
    for years in ((2025, 2025), (2010, 2025)):  # 2010: no requirement on record
        result = attestations.issue_attestation(
            ctx, world.professional, professional_id=1, year_from=years[0],
            year_to=years[1], purpose="学时证明")
        dumped = dump_verification(result)
        assert dumped == AttestedVerificationSchema().dump(typed(ctx, result))
        assert len(dumped["report"]["years"][-1]["entries"]) == 3
    result = typed(ctx, result)
    result["report"].pop("chain")  # an absent key stays absent, as in the schema's dump
    result["report"]["years"][0]["compliance"]["met"] = None
    result["report"]["years"][-1]["entries"][0].pop("hash")  # the generic path, per key
    assert dump_verification(result) == AttestedVerificationSchema().dump(result)


def test_the_endpoint_answers_the_hand_dump(world):
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    world.post(world.item(project))
    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2024,
        "year_to": 2025, "purpose": "职称评审"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["report"]["years"][1]["entries"][0]["hours"] == "24.0"
    assert body["report"]["verified_at"].endswith("+00:00")
