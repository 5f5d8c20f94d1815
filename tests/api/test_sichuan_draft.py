"""四川 2025 is a 征求意见稿 whose in-force day is blank (第三十八条): it changes nothing
until an operator enables it with its day, and until then receipts carry its advice.
On both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import create_app
from ledger.actors import Role
from ledger.policy import load_book

from ..conftest import _config

SICHUAN = "510000"
DRAFT = "510000@2025-draft"


@pytest.fixture
def sichuan(world):
    world.sichuan_regulator = world.new_client(Role.REGULATOR, "四川省人社厅", SICHUAN)
    base_id = world.new_base("四川基地", jurisdiction=SICHUAN, level="provincial",
                             by=world.sichuan_regulator)
    lms = world.new_client(Role.BASE, "四川 LMS", base_id=base_id)
    # 四川 第二十条: the 2026 plan was due by 31 December 2025; this item comes in February.
    world.clock.set(datetime(2026, 2, 2, 2, tzinfo=UTC))
    filed = world.file_project(who=lms, base_id=base_id, plan_year=2026,
                               start_on="2026-03-02", end_on="2026-03-04")
    assert filed.status_code == 201, filed.get_json()
    project_id = filed.get_json()["id"]
    world.call("POST", f"/v1/projects/{project_id}/decision", world.sichuan_regulator,
               json={"decision": "accepted"})
    world.clock.set(datetime(2026, 3, 10, 2, tzinfo=UTC))
    world.sichuan_post = lambda external_id: world.post(
        world.item(project_id, external_id,
                   training_dates=["2026-03-02", "2026-03-03", "2026-03-04"]),
        who=lms).get_json()["receipts"][0]
    return world


def test_sichuan_article_38_a_draft_changes_nothing_until_enabled(sichuan):
    receipt = sichuan.sichuan_post("s-1")

    assert receipt["status"] == "credited" and receipt["hours"] == "24.0"
    assert receipt["policy"]["jurisdiction"] == "000000"
    [advice] = receipt["notes"]
    assert advice["code"] == "draft_advisory"
    assert advice["rule"]["profile"] == DRAFT
    assert advice["details"]["outcome"] == "rejected"
    assert [r["code"] for r in advice["details"]["reasons"]] == ["annual_plan_filed_late"]
    assert "advisory only" in advice["message"]


def test_sichuan_article_38_an_enabled_draft_decides_and_policies_show_it(sichuan, app):
    app.extensions["ledger_policies"] = load_book(enabled_drafts={DRAFT: date(2025, 1, 1)})

    receipt = sichuan.sichuan_post("s-2")
    shown = sichuan.call("GET", "/v1/policies", query_string={"on": "2026-03-02"}).get_json()

    assert receipt["status"] == "rejected" and receipt["notes"] == []
    assert [r["code"] for r in receipt["reasons"]] == ["annual_plan_filed_late"]
    assert receipt["reasons"][0]["rule"]["article"] == "第二十条"
    draft = next(p for p in shown if p["key"] == DRAFT)
    assert draft["draft"] is True and draft["enabled"] is True
    assert draft["effective_from"] == "2025-01-01"


def test_sichuan_article_38_policies_do_not_show_a_draft_nobody_enabled(world):
    shown = world.call("GET", "/v1/policies", query_string={"on": "2025-06-20"}).get_json()
    history = world.call("GET", f"/v1/policies/{SICHUAN}").get_json()["history"]

    assert DRAFT not in [p["key"] for p in shown]
    assert [(p["key"], p["enabled"], p["in_force"]) for p in history] == [(DRAFT, False, False)]


def test_the_enabled_drafts_setting_reaches_the_policy_book(tmp_path, clock):
    config = _config(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", clock)
    app = create_app({**config, "ENABLED_DRAFTS": f"{DRAFT}=2025-09-01"})

    [enabled] = app.extensions["ledger_policies"].enabled_drafts()
    assert enabled.key == DRAFT and enabled.effective_from == date(2025, 9, 1)
