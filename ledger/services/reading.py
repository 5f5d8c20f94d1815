"""Reading a professional's hours: their own view, and a committee's verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from .. import identity
from ..actors import Actor, Role
from ..compliance import assess
from ..errors import Invalid, NotFound
from ..journal import GENESIS, verify_chain
from ..policy import NoProfileInForce, Resolved
from ..store import AccessLog, Entry, Posting, Professional, Project, TrainingBase
from . import transfers
from .chains import hashed_fields
from .context import Context, unit_of_work
from .jurisdictions import require_jurisdiction
from .passwords import hash_secret

ZERO = Decimal("0.0")
MAX_YEARS = 20
# The national rule (人社部令第25号) is in force from 2015-10-01. Earlier years rest on the
# 1995 《全国专业技术人员继续教育暂行规定》 and provincial 条例, whose texts the ledger does
# not hold: their hours are reported, with "no national requirement on record".
FIRST_YEAR = 1995


@dataclass(frozen=True)
class Years:
    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise Invalid("year_from is after year_to", code="year_range_invalid")
        if self.first < FIRST_YEAR:
            raise Invalid(f"years start at {FIRST_YEAR}", code="year_range_invalid")
        if self.last - self.first >= MAX_YEARS:
            raise Invalid(f"at most {MAX_YEARS} years at once", code="year_range_invalid")


def _entries(ctx: Context, professional_id: int, years: Years | None = None) -> list[Entry]:
    query = select(Entry).where(Entry.professional_id == professional_id).order_by(Entry.seq)
    if years is not None:
        query = query.where(Entry.year.between(years.first, years.last))
    return list(ctx.session.scalars(query))


def _describe(ctx: Context, entries: list[Entry]) -> list[dict[str, Any]]:
    projects = {p.id: p for p in ctx.session.scalars(
        select(Project).where(Project.id.in_({e.project_id for e in entries})))}
    bases = {b.id: b for b in ctx.session.scalars(
        select(TrainingBase).where(TrainingBase.id.in_({e.base_id for e in entries})))}
    return [{
        "id": e.id, "seq": e.seq, "kind": e.kind, "hours": e.hours, "subject": e.subject,
        "year": e.year, "posting_id": e.posting_id, "reverses_id": e.reverses_id,
        "reason": e.reason, "policy_version": e.policy_version, "created_at": e.created_at,
        "project": {"id": e.project_id, "title": projects[e.project_id].title,
                    "start_on": projects[e.project_id].start_on,
                    "end_on": projects[e.project_id].end_on},
        "base": {"id": e.base_id, "name": bases[e.base_id].name,
                 "registry_number": bases[e.base_id].registry_number},
        "hash": e.hash,
    } for e in entries]


def _year_summaries(ctx: Context, person: Professional, entries: list[Entry],
                    years: Years) -> list[dict[str, Any]]:
    out = []
    described = _describe(ctx, entries)
    for year in range(years.first, years.last + 1):
        rows = [d for d in described if d["year"] == year]
        public = sum((d["hours"] for d in rows if d["subject"] == "public"), ZERO)
        professional = sum((d["hours"] for d in rows if d["subject"] == "professional"), ZERO)
        out.append(year_summary(ctx, person, year, public, professional, rows))
    return out


def year_summary(ctx: Context, person: Professional, year: int, public: Decimal,
                 professional: Decimal, rows: list[Any]) -> dict[str, Any]:
    """One year of a report: its sums, compliance and entries (``rows``, as given)."""
    # The requirement of the professional's own jurisdiction in force at year end.
    policy = requirement_in_force(ctx, person.jurisdiction_code, year)
    if policy is None:
        return {"year": year, "public": public, "professional": professional,
                "total": public + professional,
                "compliance": no_requirement_on_record(year), "entries": rows}
    c = assess(public, professional, policy)
    return {
        "year": year, "public": public, "professional": professional, "total": c.total,
        "compliance": {
            "met": c.met, "required_total": c.required_total,
            "required_professional": c.required_professional,
            "shortfall_total": c.shortfall_total,
            "shortfall_professional": c.shortfall_professional,
            "policy": c.policy, "rule": c.citation,
        },
        "entries": rows,
    }


def requirement_in_force(ctx: Context, jurisdiction: str | None, year: int
                         ) -> Resolved | None:
    """The profiles in force at the end of ``year`` if one sets a yearly requirement."""
    try:
        policy = ctx.policies.resolve(jurisdiction or "000000", date(year, 12, 31))
    except NoProfileInForce:
        return None
    return policy if policy.get("yearly_hours_required") is not None else None


def no_requirement_on_record(year: int) -> dict[str, Any]:
    """A year no profile the ledger holds sets a requirement for: never the 2015 numbers."""
    return {
        "met": None, "required_total": None, "required_professional": None,
        "shortfall_total": None, "shortfall_professional": None, "policy": None,
        "rule": {"document": None, "source": None, "article": None,
                 "summary": f"no national requirement on record for {year}: 人社部令第25号 is "
                            "in force from 2015-10-01; the 1995 《全国专业技术人员继续教育暂行规定"
                            "》 and provincial 条例 that governed earlier years are not held by "
                            "the ledger"},
    }


def _chain(ctx: Context, person: Professional) -> dict[str, Any]:
    entries = _entries(ctx, person.id)
    head = entries[-1] if entries else None
    return {
        "length": len(entries),
        "head_seq": head.seq if head else 0,
        "head_hash": head.hash if head else GENESIS,
        "intact": verify_chain(
            {**hashed_fields(e), "seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash}
            for e in entries),
    }


def _default_years(ctx: Context, year_from: int | None, year_to: int | None) -> Years:
    this_year = ctx.today().year
    return Years(year_from if year_from is not None else this_year - 2,
                 year_to if year_to is not None else this_year)


def my_hours(ctx: Context, actor: Actor, year_from: int | None = None,
             year_to: int | None = None) -> dict[str, Any]:
    """A professional's own record: hours per year and subject, and what did not credit."""
    actor.require(Role.PROFESSIONAL)
    person = ctx.session.get(Professional, actor.professional_id)
    if person is None:
        raise NotFound("no such professional", code="professional_not_found")
    years = _default_years(ctx, year_from, year_to)
    postings = list(ctx.session.scalars(
        select(Posting).where(Posting.professional_id == person.id,
                              Posting.status.in_(["rejected", "held", "voided"]))
        .order_by(Posting.id)))
    bases = {b.id: b.name for b in ctx.session.scalars(
        select(TrainingBase).where(TrainingBase.id.in_({p.base_id for p in postings})))}
    return {
        "professional": _who(person),
        "years": _year_summaries(ctx, person, _entries(ctx, person.id, years), years),
        "not_credited": [{
            "posting_id": p.id, "external_id": p.external_id, "status": p.status,
            "base": {"id": p.base_id, "name": bases[p.base_id]}, "project_id": p.project_id,
            "hours": p.hours, "training_dates": p.training_dates, "reasons": p.reasons,
            "received_at": p.received_at,
        } for p in postings],
        "chain": _chain(ctx, person),
    }


def _who(person: Professional) -> dict[str, Any]:
    return {"id_masked": person.id_masked, "name": person.name,
            "jurisdiction": person.jurisdiction_code}


def access_log(ctx: Context, actor: Actor) -> list[AccessLog]:
    actor.require(Role.PROFESSIONAL)
    return list(ctx.session.scalars(
        select(AccessLog).where(AccessLog.professional_id == actor.professional_id)
        .order_by(AccessLog.id.desc())))


@unit_of_work()
def register_professional(ctx: Context, actor: Actor, id_number: str, name: str,
                          jurisdiction: str, password: str | None) -> Professional:
    """A regulator registers a professional in its jurisdiction (and may set a password)."""
    actor.require(Role.REGULATOR)
    problems = identity.problems(id_number, on=ctx.today())
    if problems:
        raise Invalid("invalid ID number: " + "; ".join(problems), code="id_number_invalid")
    require_jurisdiction(ctx, jurisdiction)
    if not actor.reaches(jurisdiction):
        raise NotFound("no such jurisdiction within yours", code="jurisdiction_not_found")
    key = identity.keyed_hash(id_number, ctx.id_key)
    person = ctx.session.scalar(select(Professional).where(Professional.id_hash == key))
    if person is None:
        person = Professional(id_hash=key, id_masked=identity.mask(id_number), name=name,
                              created_at=ctx.now())
        ctx.session.add(person)
    else:
        # Seen before (registered, or posted by a base): only a regulator covering the
        # person, or one they were transferred to, may claim them.
        transfers.authorise_claim(ctx, actor, person, id_number)
    person.name = name
    person.jurisdiction_code = jurisdiction
    if password:
        person.password_hash = hash_secret(password)
        # A reset ends every session opened with the old password, and lifts a lock.
        person.credentials_version = (person.credentials_version or 0) + 1
        person.failed_logins, person.locked_until = 0, None
    ctx.session.flush()
    return person
