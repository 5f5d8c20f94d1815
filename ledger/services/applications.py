"""Applications for recognition, from 申报 to a recognised, numbered base."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ..actors import Actor, Role
from ..errors import Invalid, NotFound
from ..recognition import Step, advance, notice_until
from ..rules import Subject
from ..standing import EventType, StandingEvent
from ..store import Application, StandingEventRow, TrainingBase
from .bases import check_particulars, record_event
from .context import Context, unit_of_work


@dataclass(frozen=True)
class NewApplication:
    name: str
    level: str
    jurisdiction: str
    host_unit: str
    supervising_unit: str
    contact: str
    scope_subjects: list[str]
    scope_fields: list[str]
    holds_level: str | None = None


def _bar(ctx: Context, jurisdiction: str, host_unit: str) -> dict[str, Any] | None:
    """Why this host unit may not apply again, if it may not (上海 第二十五条, 四川 第二十四条)."""
    policy = ctx.policies.resolve_for_decision(jurisdiction, ctx.today())
    barred = policy.get("barred_after_revocation")
    if barred is None or not barred.value:
        return None
    cheated = ctx.session.scalar(select(Application.id).where(
        Application.host_unit == host_unit, Application.fraud.is_(True)))
    revoked = ctx.session.scalar(
        select(StandingEventRow.id).join(TrainingBase)
        .where(TrainingBase.host_unit == host_unit, StandingEventRow.type == "revoked"))
    if cheated or revoked:
        return {**barred.citation.as_dict(), "profile": policy.profile.key,
                "because": "cheated in an earlier application" if cheated
                else "lost its status"}
    return None


@unit_of_work()
def submit(ctx: Context, actor: Actor, new: NewApplication) -> Application:
    """A regulator enters an application it received, in its jurisdiction."""
    check_particulars(ctx, actor, new.jurisdiction, new.level)
    bar = _bar(ctx, new.jurisdiction, new.host_unit)
    if bar:
        raise Invalid(f"{new.host_unit} may not apply again: it {bar['because']}",
                      code="applicant_barred", rule=bar)
    application = Application(
        name=new.name, level=new.level, jurisdiction_code=new.jurisdiction,
        host_unit=new.host_unit, supervising_unit=new.supervising_unit, contact=new.contact,
        holds_level=new.holds_level,
        scope_subjects=sorted({str(Subject(s)) for s in new.scope_subjects}),
        scope_fields=sorted(set(new.scope_fields)), status="submitted",
        submitted_at=ctx.now(), steps=[], fraud=False)
    ctx.session.add(application)
    ctx.session.flush()
    return application


def application_in_reach(ctx: Context, actor: Actor, application_id: int) -> Application:
    actor.require(Role.REGULATOR)
    application = ctx.session.get(Application, application_id)
    if application is None or not actor.reaches(application.jurisdiction_code):
        raise NotFound("no such application", code="application_not_found")
    return application


def list_applications(ctx: Context, actor: Actor) -> list[Application]:
    actor.require(Role.REGULATOR)
    rows = ctx.session.scalars(select(Application).order_by(Application.id))
    return [a for a in rows if actor.reaches(a.jurisdiction_code)]


@unit_of_work()
def take_step(ctx: Context, actor: Actor | None, application_id: int, step: Step, *,
              on: date | None = None, note: str = "", fraud: bool = False,
              registry_number: str | None = None, term_end: date | None = None,
              job: str | None = None, application: Application | None = None) -> Application:
    """Move an application one step on; the step is kept with who, when and why."""
    if application is None:
        application = application_in_reach(ctx, actor, application_id)
    on = on or ctx.today()
    policy = ctx.policies.resolve_for_decision(application.jurisdiction_code, on)
    days = policy.get("public_notice_days")
    notice_days = days.value if days else None
    direct = policy.get("direct_application_levels")
    status = advance(application.status, step, notice_days=notice_days,
                     direct=bool(direct and application.holds_level in direct.value))
    if step is Step.OPEN_NOTICE:
        application.notice_from = on
        application.notice_until = notice_until(on, notice_days or 1)
    if step is Step.CLOSE_NOTICE and application.notice_until and on <= application.notice_until:
        raise Invalid(f"the notice runs until {application.notice_until}",
                      code="public_notice_running")
    if step is Step.FAIL_REVIEW and fraud:
        application.fraud = True
    if step is Step.RECOGNISE:
        application.base_id = _recognise(ctx, application, on, registry_number, term_end,
                                         actor)
    application.status = status
    application.steps = [*application.steps, {
        "step": str(step), "on": str(on), "note": note, "by": actor.subject if actor else None,
        "job": job, "at": ctx.now().isoformat(), "rule": {
            **policy.citation("recognition").as_dict(), "profile": policy.profile.key}}]
    ctx.session.flush()
    return application


def _recognise(ctx: Context, application: Application, on: date,
               registry_number: str | None, term_end: date | None,
               actor: Actor | None) -> int:
    if not registry_number:
        raise Invalid("recognition assigns the unified registry number (统一编号)",
                      code="registry_number_required")
    if ctx.session.scalar(select(TrainingBase.id).where(
            TrainingBase.registry_number == registry_number)):
        raise Invalid("that registry number is taken", code="registry_number_taken")
    base = TrainingBase(
        name=application.name, level=application.level,
        jurisdiction_code=application.jurisdiction_code, host_unit=application.host_unit,
        supervising_unit=application.supervising_unit, contact=application.contact,
        registry_number=registry_number, scope_subjects=application.scope_subjects,
        scope_fields=application.scope_fields, created_at=ctx.now())
    ctx.session.add(base)
    ctx.session.flush()
    record_event(ctx, base, StandingEvent(EventType.RECOGNISED, on, term_end=term_end,
                                          reason=f"recognised on application {application.id}"),
                 client_pk=actor.client_pk if actor else None)
    return base.id


def close_ended_notices(ctx: Context) -> list[dict[str, Any]]:
    """Job: a notice whose period has run without objection is closed."""
    today = ctx.today()
    changes = []
    for application in ctx.session.scalars(select(Application).where(
            Application.status == "on_notice", Application.notice_until < today)):
        take_step.__wrapped__(ctx, None, application.id, Step.CLOSE_NOTICE, on=today,
                              note="the notice ran without objection", job="notices",
                              application=application)
        changes.append({"application_id": application.id, "status": "notice_closed"})
    return changes


