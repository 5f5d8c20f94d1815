"""常州 第四条: a county base *mainly* (主要) teaches 专业科目 in its own district and every
base acts within the scope it was granted (按照政府人社部门批准的培训权限). That is the
default scope recognition grants a county base; the regulator widens it by a recorded
decision, and crediting checks the scope on the training date. Both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger import identity
from ledger.actors import Role
from ledger.services import reading

COUNTY = "320402"


@pytest.fixture
def county(world):
    world.changzhou = world.new_client(Role.REGULATOR, "常州市人社局", "320400")
    base_id = world.new_base("区继续教育基地", jurisdiction=COUNTY, level="county",
                             registry_number="CZ-K-1", by=world.changzhou)
    world.county_id = base_id
    world.county_lms = world.new_client(Role.BASE, "区 LMS", base_id=base_id)
    first17 = "32040219900101002"
    world.local_id = first17 + identity.check_character(first17)
    reading.register_professional(world.ctx, world.changzhou, world.local_id, "钱六", COUNTY,
                                  None)
    return world


def _project(world, subject: str, day: str) -> int:
    filed = world.file_project(who=world.county_lms, base_id=world.county_id, subject=subject,
                               start_on=day, end_on=day, hours="8.0")
    assert filed.status_code == 201, filed.get_json()
    project_id = filed.get_json()["id"]
    world.call("POST", f"/v1/projects/{project_id}/decision", world.changzhou,
               json={"decision": "accepted"})
    return project_id


def _post(world, project_id: int, external_id: str, subject: str, day: str, local: bool):
    who = {"id_number": world.local_id, "name": "钱六"} if local else {}
    return world.post(world.item(project_id, external_id, hours="8.0", subject=subject,
                                 training_dates=[day], **who),
                      who=world.county_lms).get_json()["receipts"][0]


def test_changzhou_article_4_a_county_base_scope_is_widened_from_the_grants_date(county):
    before = {"public": _project(county, "public", "2025-06-20"),
              "professional": _project(county, "professional", "2025-06-20")}
    granted = county.call("POST", f"/v1/bases/{county.county_id}/scope-grants",
                          county.changzhou, json={
                              "effective_on": "2025-06-21", "subjects": ["public", "professional"],
                              "district_only": False, "reason": "经市人社局批准承担公需科目培训",
                              "document_number": "常人社字〔2025〕12号"})
    assert granted.status_code == 201, granted.get_json()
    after = {"public": _project(county, "public", "2025-06-25"),
             "professional": _project(county, "professional", "2025-06-25")}
    county.clock.set(datetime(2025, 6, 26, 2, tzinfo=UTC))

    public_before = _post(county, before["public"], "pb", "public", "2025-06-20", local=True)
    away_before = _post(county, before["professional"], "ab", "professional", "2025-06-20",
                        local=False)
    home_before = _post(county, before["professional"], "hb", "professional", "2025-06-20",
                        local=True)
    public_after = _post(county, after["public"], "pa", "public", "2025-06-25", local=True)
    away_after = _post(county, after["professional"], "aa", "professional", "2025-06-25",
                       local=False)

    assert [r["code"] for r in public_before["reasons"]] == ["county_base_public_subject"]
    assert [r["code"] for r in away_before["reasons"]] == ["county_base_outside_district"]
    assert public_before["reasons"][0]["rule"]["article"] == "第四条"
    assert home_before["status"] == "credited"
    assert public_after["status"] == "credited", public_after["reasons"]
    assert away_after["status"] == "credited", away_after["reasons"]
    shown = county.call("GET", f"/v1/bases/{county.county_id}/scope-grants",
                        county.changzhou).get_json()
    assert [(g["effective_on"], g["district_only"]) for g in shown] == [("2025-06-21", False)]


def test_changzhou_article_4_a_scope_decision_is_not_backdated(county):
    refused = county.call("POST", f"/v1/bases/{county.county_id}/scope-grants",
                          county.changzhou, json={
                              "effective_on": "2025-06-01", "subjects": ["public"],
                              "district_only": False, "reason": "补录"})

    assert refused.status_code == 422
    assert refused.get_json()["code"] == "scope_grant_backdated"
