"""Everything a professional's own page shows, read in one place: hours per year against
the requirement, credits, the postings that did not credit and the reversals (with their
reasons), the access log and the grants to committees."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..actors import Actor, Role
from ..store import Project
from . import grants, reading
from .context import Context

CHART_YEARS = 5


def dashboard(ctx: Context, actor: Actor) -> dict[str, Any]:
    """The professional's dashboard for the last ``CHART_YEARS`` years, this year last.

    ``this_year`` is that year's summary (with ``compliance``); ``reversals`` are the
    journal's reversal entries with the credit they cancel; ``not_credited`` are the
    rejected, held and voided postings, each with its project's title.
    """
    actor.require(Role.PROFESSIONAL)
    last = ctx.today().year
    first = max(reading.FIRST_YEAR, last - CHART_YEARS + 1)
    record = reading.my_hours(ctx, actor, first, last)
    entries = [e for y in record["years"] for e in y["entries"]]
    by_id = {e["id"]: e for e in entries}
    titles = dict(ctx.session.execute(select(Project.id, Project.title).where(
        Project.id.in_({p["project_id"] for p in record["not_credited"]}))).all())
    return {
        **record,
        "this_year": record["years"][-1],
        "credits": [e for e in reversed(entries) if e["kind"] == "credit"],
        "reversed_ids": {e["reverses_id"] for e in entries if e["kind"] == "reversal"},
        "reversals": [{**e, "credit": by_id.get(e["reverses_id"])}
                      for e in reversed(entries) if e["kind"] == "reversal"],
        "not_credited": [{**p, "project_title": titles.get(p["project_id"], "")}
                         for p in reversed(record["not_credited"])],
        "access_log": reading.access_log(ctx, actor),
        "grants": grants.grants_of(ctx, actor),
        "committees": grants.committees(ctx),
    }
