"""Project filing (项目备案) and the regulator's decision on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..actors import Actor, Role
from ..clock import business_date
from ..errors import Conflict, Invalid
from ..rules import FilingStatus, Subject
from ..store import Posting, Project, TrainingBase
from .bases import base_in_reach, in_reach_via_base
from .completions import redecide_held
from .context import Context, unit_of_work

MODES = ("classroom", "online", "blended", "conference", "practice")


@dataclass(frozen=True)
class NewProject:
    title: str
    subject: str
    field: str
    mode: str
    start_on: date
    end_on: date
    hours: Decimal
    fee: Decimal
    capacity: int
    plan_year: int | None


@unit_of_work()
def file_project(ctx: Context, actor: Actor, base_id: int, new: NewProject) -> Project:
    """A base files a project; the server's clock stamps ``submitted_at``."""
    actor.require(Role.BASE)
    base = base_in_reach(ctx, actor, base_id)
    if new.end_on < new.start_on:
        raise Invalid("end_on lies before start_on", code="project_dates_invalid")
    if new.mode not in MODES:
        raise Invalid(f"mode must be one of {MODES}", code="mode_invalid")
    if new.plan_year is not None and new.plan_year != new.start_on.year:
        raise Invalid("a plan year's project starts in that year", code="plan_year_mismatch")
    if new.plan_year is not None:
        policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, new.start_on)
        needs = policy.get("annual_plan_needs_supervisor")
        if needs is not None and needs.value:
            raise Invalid(
                f"under {policy.profile.name} {needs.citation.article} the supervising unit "
                "approves the annual plan: submit plan items with the plan "
                "(POST /v1/bases/{id}/plans), or file this project as a one-off",
                code="plan_items_come_with_the_plan")
    now = ctx.now()
    project = Project(
        base_id=base.id, title=new.title, subject=str(Subject(new.subject)), field=new.field,
        mode=new.mode, start_on=new.start_on, end_on=new.end_on, hours=new.hours, fee=new.fee,
        capacity=new.capacity, plan_year=new.plan_year, submitted_at=now,
        submitted_on=business_date(now), status=str(FilingStatus.PENDING),
    )
    ctx.session.add(project)
    ctx.session.flush()
    return project


def project_in_reach(ctx: Context, actor: Actor, project_id: int) -> Project:
    return in_reach_via_base(ctx, actor, Project, project_id, "project")


def list_projects(ctx: Context, actor: Actor, base_id: int) -> list[Project]:
    base_in_reach(ctx, actor, base_id)
    return list(ctx.session.scalars(
        select(Project).where(Project.base_id == base_id).order_by(Project.id)))


def pending_projects(ctx: Context, actor: Actor) -> list[Project]:
    """Filings awaiting a decision within a regulator's jurisdiction."""
    actor.require(Role.REGULATOR)
    rows = ctx.session.execute(
        select(Project, TrainingBase.jurisdiction_code).join(TrainingBase)
        .where(Project.status == str(FilingStatus.PENDING)).order_by(Project.id)
    )
    return [p for p, code in rows if actor.reaches(code)]


@unit_of_work()
def decide_project(ctx: Context, actor: Actor, project_id: int, accept: bool,
                   note: str = "", *,
                   lead_time_exception: tuple[bool, str] | None = None) -> Project:
    """Accept or reject a filing; postings held for it are then decided.

    ``lead_time_exception`` (granted, reason) answers a one-off filing made later than
    its profile's lead time (威海 第十六条 "一般应"): granted, it counts as filed in time
    and receipts cite it; refused, the refusal is recorded and cited.
    """
    actor.require(Role.REGULATOR)
    project = project_in_reach(ctx, actor, project_id)
    # Lock the filing so an accept and a reject sent at once cannot both pass the check.
    ctx.session.refresh(project, with_for_update=True)
    if project.status != FilingStatus.PENDING:
        raise Conflict(f"the filing was already {project.status}", code="project_already_decided")
    project.status = str(FilingStatus.ACCEPTED if accept else FilingStatus.REJECTED)
    project.decided_at = ctx.now()
    project.decided_by = actor.client_pk
    project.decision_note = note
    if lead_time_exception is not None:
        _record_exception(ctx, project, accept, *lead_time_exception)
    ctx.session.flush()
    held = list(ctx.session.scalars(
        select(Posting).where(Posting.project_id == project.id, Posting.status == "held")
        .order_by(Posting.id)
    ))
    if held:
        redecide_held(ctx, project, held)
    return project


def _record_exception(ctx: Context, project: Project, accept: bool, granted: bool,
                      reason: str) -> None:
    if not accept or project.plan_year is not None:
        raise Invalid("a lead-time exception answers an accepted one-off filing",
                      code="lead_time_exception_invalid")
    base = ctx.session.get(TrainingBase, project.base_id)
    policy = ctx.policies.resolve_for_decision(base.jurisdiction_code, project.start_on)
    if policy.get("one_off_lead_working_days") is None:
        raise Invalid(f"{policy.profile.name} sets no lead time for one-off filings",
                      code="lead_time_exception_invalid")
    if not reason.strip():
        raise Invalid("an exception is recorded with its reason",
                      code="lead_time_exception_invalid")
    project.lead_time_exception = "granted" if granted else "refused"
    project.lead_time_exception_reason = reason.strip()
    project.lead_time_exception_on = ctx.today()
