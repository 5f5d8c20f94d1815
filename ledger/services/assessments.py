"""A base's yearly assessment: the facts the ledger holds, and the regulator's outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..actors import Actor, Role
from ..assessment import trainee_minimum
from ..errors import Conflict
from ..standing import Status
from ..store import AnnualPlan, AssessmentResult, Posting, Project
from .bases import base_in_reach, standing
from .context import Context, unit_of_work
from .plans import plan_deadline

FILING_FAILURES = {"project_filed_late", "project_filing_rejected", "annual_plan_filed_late",
                   "one_off_filed_too_late"}


def facts(ctx: Context, actor: Actor, base_id: int, year: int) -> dict[str, Any]:
    actor.require(Role.REGULATOR)
    base = base_in_reach(ctx, actor, base_id)
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = (Posting.base_id == base.id, Posting.trained_to.between(first, last))
    credited = (*in_year, Posting.status == "credited")
    people = ctx.session.scalar(select(func.count(func.distinct(Posting.professional_id)))
                                .where(*credited))
    times = ctx.session.scalar(select(func.count()).select_from(Posting).where(*credited))
    policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, last)
    minimum = trainee_minimum(policy, base.level)
    counted = people if minimum is None or minimum.unit == "persons" else times
    plan = ctx.session.scalar(select(AnnualPlan).where(AnnualPlan.base_id == base.id,
                                                       AnnualPlan.year == year))
    due = plan_deadline(ctx, base.jurisdiction_code, year)
    reasons = ctx.session.scalars(select(Posting.reasons).where(
        *in_year, Posting.status == "rejected"))
    outside = sum(1 for rs in reasons if any(r["code"] in FILING_FAILURES for r in rs))
    projects = ctx.session.scalar(select(func.count()).select_from(Project).where(
        Project.base_id == base.id, Project.start_on.between(first, last)))
    unpriced = ctx.session.scalar(select(func.count()).select_from(Project).where(
        Project.base_id == base.id, Project.start_on.between(first, last),
        Project.fee.is_(None)))
    end_standing = standing(ctx, base.id, min(last, ctx.today()))
    return {
        "year": year,
        "policy": policy.describe(),
        "trained": {"people": people, "person_times": times,
                    "minimum": None if minimum is None else {
                        "count": minimum.minimum, "unit": minimum.unit,
                        "rule": {**minimum.param.citation.as_dict(),
                                 "profile": policy.profile.key}},
                    "meets_minimum": None if minimum is None else counted >= minimum.minimum},
        "annual_plan": {
            "submitted_on": plan.submitted_on if plan else None,
            "status": plan.status if plan else None,
            "deadline": due[0] if due else None,
            "on_time": None if due is None else bool(plan and plan.submitted_on <= due[0]),
        },
        "completions_outside_a_filing": outside,
        "projects": projects,
        "fees_published": unpriced == 0,
        "inactive": projects == 0 and times == 0,
        "open_rectification": end_standing.status is Status.RECTIFYING,
        "rectification_due": end_standing.rectification_due,
    }


@unit_of_work()
def record(ctx: Context, actor: Actor, base_id: int, year: int, outcome: str, note: str,
           publish: bool) -> AssessmentResult:
    found = facts(ctx, actor, base_id, year)
    if ctx.session.scalar(select(AssessmentResult.id).where(
            AssessmentResult.base_id == base_id, AssessmentResult.year == year)):
        raise Conflict(f"the {year} assessment is recorded", code="assessment_exists")
    result = AssessmentResult(
        base_id=base_id, year=year, outcome=outcome, note=note,
        facts=_plain(found), published=publish, recorded_at=ctx.now(),
        recorded_by=actor.client_pk)
    ctx.session.add(result)
    ctx.session.flush()
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return str(value)
    return value


def published(ctx: Context, base_ids: list[int]) -> dict[int, list[AssessmentResult]]:
    out: dict[int, list[AssessmentResult]] = {}
    for result in ctx.session.scalars(
            select(AssessmentResult).where(AssessmentResult.base_id.in_(base_ids),
                                           AssessmentResult.published.is_(True))
            .order_by(AssessmentResult.year)):
        out.setdefault(result.base_id, []).append(result)
    return out
