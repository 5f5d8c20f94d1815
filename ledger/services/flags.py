"""Anomaly flags (乱办班、只收费不培训): raised with their evidence, listed and resolved by
regulators. A flag never changes a credit by itself; resolving an overlap flag decides
again the postings it held."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ..actors import Actor, Role
from ..errors import Conflict, Invalid, NotFound
from ..store import AnomalyFlag, TrainingBase
from .context import Context, unit_of_work

KINDS = ("overlap", "day_overfull", "no_attendance", "over_capacity", "identical_batch")
RESOLUTIONS = {
    # overlap: "upheld" means the later session did not happen as recorded (its held
    # postings are rejected); "dismissed" means both stand (they are decided again).
    "overlap": ("upheld", "dismissed"),
}
DEFAULT_RESOLUTIONS = ("confirmed", "dismissed")


def raise_flag(ctx: Context, *, kind: str, basis: str, base: TrainingBase, message: str,
               evidence: dict[str, Any], project_id: int | None = None,
               professional_id: int | None = None) -> AnomalyFlag:
    """The flag of this kind and basis, raised now unless it already exists."""
    found = ctx.session.scalar(select(AnomalyFlag).where(AnomalyFlag.kind == kind,
                                                         AnomalyFlag.basis == basis))
    if found is not None:
        return found
    flag = AnomalyFlag(kind=kind, basis=basis, base_id=base.id,
                       jurisdiction_code=base.jurisdiction_code, project_id=project_id,
                       professional_id=professional_id, message=message, evidence=evidence,
                       status="open", note="", created_at=ctx.now())
    ctx.session.add(flag)
    ctx.session.flush()
    return flag


def as_dict(flag: AnomalyFlag) -> dict[str, Any]:
    return {"id": flag.id, "kind": flag.kind, "base_id": flag.base_id,
            "jurisdiction": flag.jurisdiction_code, "project_id": flag.project_id,
            "professional_id": flag.professional_id, "message": flag.message,
            "evidence": flag.evidence, "status": flag.status, "resolution": flag.resolution,
            "note": flag.note, "created_at": flag.created_at, "resolved_at": flag.resolved_at}


def _visible(actor: Actor, flag: AnomalyFlag | None) -> AnomalyFlag:
    if flag is None or not actor.reaches(flag.jurisdiction_code):
        raise NotFound("no such flag", code="flag_not_found")
    return flag


def list_flags(ctx: Context, actor: Actor, *, status: str | None = None,
               kind: str | None = None, base_id: int | None = None) -> list[dict[str, Any]]:
    """The flags in the regulator's jurisdiction, newest first."""
    actor.require(Role.REGULATOR)
    query = select(AnomalyFlag).order_by(AnomalyFlag.id.desc())
    if status:
        query = query.where(AnomalyFlag.status == status)
    if kind:
        query = query.where(AnomalyFlag.kind == kind)
    if base_id:
        query = query.where(AnomalyFlag.base_id == base_id)
    return [as_dict(f) for f in ctx.session.scalars(query) if actor.reaches(f.jurisdiction_code)]


def get_flag(ctx: Context, actor: Actor, flag_id: int) -> dict[str, Any]:
    actor.require(Role.REGULATOR)
    return as_dict(_visible(actor, ctx.session.get(AnomalyFlag, flag_id)))


@unit_of_work()
def resolve_flag(ctx: Context, actor: Actor, flag_id: int, resolution: str,
                 note: str = "") -> dict[str, Any]:
    """A regulator resolves a flag. Only an overlap flag touches postings: those it held
    are decided again (and, where it is upheld, rejected for the overlap)."""
    actor.require(Role.REGULATOR)
    flag = _visible(actor, ctx.session.get(AnomalyFlag, flag_id, with_for_update=True))
    if flag.status != "open":
        raise Conflict("the flag was already resolved", code="flag_already_resolved")
    allowed = RESOLUTIONS.get(flag.kind, DEFAULT_RESOLUTIONS)
    if resolution not in allowed:
        raise Invalid(f"a {flag.kind} flag is resolved as one of {list(allowed)}",
                      code="flag_resolution_invalid", allowed=list(allowed))
    flag.status, flag.resolution, flag.note = "resolved", resolution, note
    flag.resolved_at, flag.resolved_by = ctx.now(), actor.client_pk
    ctx.session.flush()
    if flag.kind == "overlap":
        from .intake.attendance import release_overlap

        release_overlap(ctx, flag)
    return as_dict(flag)


def open_overlaps(ctx: Context, people: Sequence[int]) -> dict[tuple[int, int], list[int]]:
    """Open overlap flags per (professional, project of the later session)."""
    if not people:
        return {}
    rows = ctx.session.execute(select(AnomalyFlag.professional_id, AnomalyFlag.project_id,
                                      AnomalyFlag.id)
                               .where(AnomalyFlag.kind == "overlap",
                                      AnomalyFlag.status == "open",
                                      AnomalyFlag.professional_id.in_(set(people))))
    out: dict[tuple[int, int], list[int]] = {}
    for pid, project, fid in rows:
        out.setdefault((pid, project), []).append(fid)
    return out


@unit_of_work()
def scan_project(ctx: Context, actor: Actor, project_id: int) -> list[dict[str, Any]]:
    """Run every detector over one project the regulator reaches; the project's open and
    resolved flags come back, the new ones among them."""
    from ..store import AnomalyFlag as Flag
    from ..store import Project
    from .flag_scan import scan

    actor.require(Role.REGULATOR)
    project = ctx.session.get(Project, project_id)
    base = project and ctx.session.get(TrainingBase, project.base_id)
    if base is None or not actor.reaches(base.jurisdiction_code):
        raise NotFound("no such project", code="project_not_found")
    scan(ctx, {project_id})
    people = select(Flag).where(Flag.project_id == project_id).order_by(Flag.id)
    return [as_dict(f) for f in ctx.session.scalars(people)]
