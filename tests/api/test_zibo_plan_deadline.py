"""淄博 第三十三条 (in force from 2025-05-10) and 第十九条 (plan by year end): a plan's
deadline is judged under the profile in force on the deadline day, and the sweep's
deadline (plans.plan_deadline) and the crediting rule agree. Both databases."""

from __future__ import annotations

from datetime import date

from ledger.rules import annual_plan_due, plan_deadline_day
from ledger.services.plans import plan_deadline


def test_zibo_article_33_the_sweep_and_the_rule_agree_on_each_plans_deadline(world):
    for year in (2025, 2026):
        policy = world.ctx.policies.resolve_for_decision("370300", plan_deadline_day(year))
        rule = annual_plan_due(policy, year)
        sweep = plan_deadline(world.ctx, "370300", year)
        assert (rule is None) == (sweep is None)
        if rule is not None:
            assert sweep[0] == rule[0] and sweep[1]["article"] == rule[1].citation.article

    assert plan_deadline(world.ctx, "370300", 2025) is None
    assert plan_deadline(world.ctx, "370300", 2026)[0] == date(2025, 12, 31)
