"""A base's scope (培训权限) as a regulator grants it, dated (常州 第四条: a base trains
"按照政府人社部门批准的培训权限"; county bases mainly 专业科目 in their own district).

A county base's default scope is what recognition grants it (rules.scope_on); the
recognising regulator widens or narrows it by a recorded decision, which applies to
training from its effective date. Grants are appended, never edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import canonical
from ..actors import Actor, Role
from ..errors import Invalid
from ..rules import Subject
from ..standing import MAX_AHEAD
from ..store import ScopeGrantRow, TrainingBase
from .bases import base_in_reach
from .context import Context, unit_of_work


@dataclass(frozen=True)
class NewScopeGrant:
    effective_on: date
    subjects: list[str]
    district_only: bool
    reason: str
    document_number: str | None = None


def grants_of(ctx: Context, base_id: int) -> list[ScopeGrantRow]:
    return list(ctx.session.scalars(select(ScopeGrantRow).where(
        ScopeGrantRow.base_id == base_id).order_by(ScopeGrantRow.id)))


def list_grants(ctx: Context, actor: Actor, base_id: int) -> list[ScopeGrantRow]:
    base = base_in_reach(ctx, actor, base_id)
    return grants_of(ctx, base.id)


@unit_of_work()
def grant_scope(ctx: Context, actor: Actor, base_id: int, new: NewScopeGrant) -> ScopeGrantRow:
    """A regulator records the scope a base holds from ``effective_on``. Grants follow one
    another in date order, so a scope behind credits already decided is never rewritten."""
    actor.require(Role.REGULATOR)
    base = base_in_reach(ctx, actor, base_id)
    ctx.session.execute(select(TrainingBase.id).where(TrainingBase.id == base.id)
                        .with_for_update())
    reason = canonical.text(new.reason)
    if not reason:
        raise Invalid("a scope decision states its reason", code="scope_reason_required")
    subjects = sorted({str(Subject(s)) for s in new.subjects})
    if not subjects:
        raise Invalid("a scope grants at least one subject", code="scope_subjects_required")
    earlier = grants_of(ctx, base.id)
    if earlier and new.effective_on < earlier[-1].effective_on:
        raise Invalid(f"scope decisions are recorded in date order; the last is dated "
                      f"{earlier[-1].effective_on}", code="scope_grant_out_of_order")
    today = ctx.today()
    if new.effective_on < today:
        raise Invalid("a scope decision applies from the day it is recorded or later, so "
                      "credits already decided keep the scope they were judged under",
                      code="scope_grant_backdated")
    if new.effective_on > today + MAX_AHEAD:
        raise Invalid("a scope decision takes effect within a year",
                      code="scope_grant_too_far_ahead")
    row = ScopeGrantRow(base_id=base.id, effective_on=new.effective_on, subjects=subjects,
                        district_only=new.district_only, reason=reason,
                        document_number=new.document_number, recorded_at=ctx.now(),
                        recorded_by=actor.client_pk)
    ctx.session.add(row)
    ctx.session.flush()
    return row
