"""The public register (公布) as people browse it: searchable, paged, with published fees
and assessment results beside each base's standing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..store import Project
from .assessments import published
from .bases import registry
from .context import Context

PER_PAGE = 20


def browse(ctx: Context, on: date, query: str = "", page: int = 1,
           per_page: int = PER_PAGE) -> dict[str, Any]:
    """Bases whose name, registry number, host or supervising unit contains ``query``.

    Returns ``{"on", "query", "page", "pages", "total", "rows": [{"base", "standing",
    "assessments", "projects"}]}``; ``projects`` are the accepted filings with their fees.
    A page past the end is the last page.
    """
    needle = query.strip().casefold()
    rows = [(b, s) for b, s in registry(ctx, on)
            if not needle or any(needle in (v or "").casefold() for v in
                                 (b.name, b.registry_number, b.host_unit, b.supervising_unit))]
    total = len(rows)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * per_page: page * per_page]
    ids = [b.id for b, _ in shown]
    results = published(ctx, ids)
    projects: dict[int, list[Project]] = {}
    for project in ctx.session.scalars(
            select(Project).where(Project.base_id.in_(ids), Project.status == "accepted")
            .order_by(Project.start_on.desc())):
        projects.setdefault(project.base_id, []).append(project)
    return {"on": on, "query": query.strip(), "page": page, "pages": pages, "total": total,
            "rows": [{"base": b, "standing": s, "assessments": results.get(b.id, []),
                      "projects": projects.get(b.id, [])} for b, s in shown]}
