"""Annual plans (年度计划备案): submitted by the base with last year's summary, approved
by its supervising unit where the policy says so, filed by the regulator; their items
become filed projects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..actors import Actor, Role
from ..clock import business_date
from ..errors import Conflict, Invalid
from ..rules import FilingStatus, Subject, annual_plan_due, plan_deadline_day
from ..store import AnnualPlan, Project
from .bases import base_in_reach, in_reach_via_base
from .context import Context, unit_of_work
from .projects import MODES


def plan_deadline(ctx: Context, jurisdiction: str, year: int) -> tuple[date, dict] | None:
    """When the plan for ``year`` is due, and the article, or None where none is set:
    under the profile in force on the deadline day, as rules.check_annual_plan_deadline."""
    policy = ctx.policies.resolve_for_decision(jurisdiction, plan_deadline_day(year))
    due = annual_plan_due(policy, year)
    if due is None:
        return None
    day, deadline = due
    return day, {**deadline.citation.as_dict(), "profile": policy.profile.key}


def _check_items(year: int, items: list[dict[str, Any]]) -> None:
    for number, item in enumerate(items, start=1):
        if item["start_on"].year != year or item["end_on"] < item["start_on"]:
            raise Invalid(f"item {number} must run within {year}, start before it ends",
                          code="plan_item_dates_invalid", item=number)
        if item["mode"] not in MODES:
            raise Invalid(f"item {number}: mode must be one of {MODES}", code="mode_invalid")
        Subject(item["subject"])


@unit_of_work()
def submit_plan(ctx: Context, actor: Actor, base_id: int, year: int, summary: str,
                items: list[dict[str, Any]]) -> AnnualPlan:
    actor.require(Role.BASE)
    base = base_in_reach(ctx, actor, base_id)
    _check_items(year, items)
    if ctx.session.scalar(select(AnnualPlan.id).where(AnnualPlan.base_id == base.id,
                                                      AnnualPlan.year == year)):
        raise Conflict(f"the {year} plan was already submitted", code="plan_exists")
    now = ctx.now()
    plan = AnnualPlan(base_id=base.id, year=year, summary=summary, status="submitted",
                      items=[{**i, "start_on": str(i["start_on"]), "end_on": str(i["end_on"]),
                              "hours": str(i["hours"]), "fee": str(i["fee"])} for i in items],
                      submitted_at=now, submitted_on=business_date(now))
    ctx.session.add(plan)
    ctx.session.flush()
    return plan


def plan_in_reach(ctx: Context, actor: Actor, plan_id: int) -> AnnualPlan:
    return in_reach_via_base(ctx, actor, AnnualPlan, plan_id, "plan")


def list_plans(ctx: Context, actor: Actor, base_id: int) -> list[AnnualPlan]:
    base_in_reach(ctx, actor, base_id)
    return list(ctx.session.scalars(select(AnnualPlan).where(AnnualPlan.base_id == base_id)
                                    .order_by(AnnualPlan.year)))


@unit_of_work()
def approve_plan(ctx: Context, actor: Actor, plan_id: int, approver: str) -> AnnualPlan:
    """Record the supervising unit's consent (淄博 第十九条, 威海 第十六条: 经管理单位同意)."""
    actor.require(Role.REGULATOR)
    plan = plan_in_reach(ctx, actor, plan_id)
    ctx.session.refresh(plan, with_for_update=True)
    if plan.status != "submitted":
        raise Conflict(f"the plan is {plan.status}", code="plan_not_submitted")
    plan.status, plan.approved_at, plan.approved_by = "approved", ctx.now(), approver
    ctx.session.flush()
    return plan


@unit_of_work()
def file_plan(ctx: Context, actor: Actor, plan_id: int) -> AnnualPlan:
    """The regulator files the plan; each item becomes a filed project of that year,
    filed when the plan was submitted."""
    actor.require(Role.REGULATOR)
    plan = plan_in_reach(ctx, actor, plan_id)
    ctx.session.refresh(plan, with_for_update=True)  # filing twice at once files once
    base = base_in_reach(ctx, actor, plan.base_id)
    policy = ctx.policies.resolve_for_decision(base.jurisdiction_code,
                                               date(plan.year - 1, 12, 31))
    needs = policy.get("annual_plan_needs_supervisor")
    if needs is not None and needs.value and plan.status != "approved":
        raise Invalid("the supervising unit has not approved this plan "
                      f"({policy.profile.name} {needs.citation.article})",
                      code="plan_needs_supervisor")
    if plan.status not in ("submitted", "approved"):
        raise Conflict(f"the plan is {plan.status}", code="plan_not_open")
    now = ctx.now()
    for item in plan.items:
        ctx.session.add(Project(
            base_id=base.id, title=item["title"], subject=item["subject"],
            field=item["field"], mode=item["mode"],
            start_on=date.fromisoformat(item["start_on"]),
            end_on=date.fromisoformat(item["end_on"]), hours=Decimal(item["hours"]),
            fee=Decimal(item["fee"]), capacity=item["capacity"], plan_year=plan.year,
            submitted_at=plan.submitted_at, submitted_on=plan.submitted_on,
            status=str(FilingStatus.ACCEPTED), decided_at=now, decided_by=actor.client_pk,
            decision_note=f"filed with the {plan.year} annual plan"))
    plan.status, plan.filed_at, plan.filed_by = "filed", now, actor.client_pk
    ctx.session.flush()
    return plan
