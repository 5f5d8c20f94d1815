"""One pass over a professional's chain: its re-hash, its carried forms, and the report.

A committee's verification of a professional with 10,000 entries re-hashes the chain
(nothing is signed over a broken one), carries every entry in the attestation, and lists
every entry of the years under review in the report. Done apart, that was three walks
over 10,000 rows (each through SQLAlchemy Row attributes), 10,000 report dicts with
their own project and base dicts, ten scans to group them by year, and a dump of each
of them again. Here one loop over the rows, unpacked by position, makes all three: the
hashed text (one f-string, as journal.entry_hash hashes it; tests hold it to that), the
carried forms, and each report entry already as AttestedVerificationSchema dumps it
(``Dumped``; attest_dump passes it through), with one project and one base dict per
project and base, shared, and the years' sums as it goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal
from hashlib import sha256
from json.encoder import encode_basestring as quote  # json.dumps' own, ensure_ascii=False
from typing import Any

from sqlalchemy import select

from ..canonical import form
from ..journal import GENESIS
from ..store import Entry, Project, TrainingBase
from . import attest_dump, integrity
from .attest_dump import Dumped, dumped_decimal
from .compact_json import PlainList
from .context import Context

ZERO = Decimal("0.0")


class Report:
    """What the report lists of the years first..last: each year's entries (dumped) and
    sums by subject, and the ids of the entries listed. ``projects`` and ``bases`` map
    an id to its dict as the report dumps it (attest_dump's _project and _base)."""

    def __init__(self, first: int, last: int, projects: dict[int, Any],
                 bases: dict[int, Any]) -> None:
        self.first, self.last = first, last
        self.projects, self.bases = projects, bases
        self.entries: dict[int, list[Dumped]] = {y: PlainList() for y in range(first,
                                                                                last + 1)}
        self.sums: dict[int, dict[str, Decimal]] = {
            y: {"public": ZERO, "professional": ZERO} for y in range(first, last + 1)}
        self.ids: list[int] = []


def report_for(ctx: Context, professional_id: int, first: int, last: int) -> Report:
    """An empty report of the years, with the dumped project and base of each of the
    professional's entries (found by a subquery: no parameter per entry)."""
    project, base, entry = Project.__table__, TrainingBase.__table__, Entry.__table__
    theirs = select(entry.c.project_id, entry.c.base_id).where(
        entry.c.professional_id == professional_id).subquery()
    projects = {r[0]: attest_dump.dump_project(r._asdict()) for r in ctx.session.execute(
        select(project.c.id, project.c.title, project.c.start_on, project.c.end_on)
        .where(project.c.id.in_(select(theirs.c.project_id))))}
    bases = {r[0]: attest_dump.dump_base(r._asdict()) for r in ctx.session.execute(
        select(base.c.id, base.c.name, base.c.registry_number)
        .where(base.c.id.in_(select(theirs.c.base_id))))}
    return Report(first, last, projects, bases)


def _made(memo: dict[Any, tuple[Any, ...]], value: Any) -> tuple[Any, ...]:
    """The canonical form of a repeated value, its JSON as the hash covers it, and its
    dump (hours: as the schema's Decimal field; texts: themselves)."""
    made = form(value)
    dumped = dumped_decimal(value) if isinstance(value, Decimal) else value
    memo[value] = triple = (made, "null" if made is None else quote(made), dumped)
    return triple


def walk(professional_id: int, rows: Sequence[Sequence[Any]], report: Report | None = None,
         described: int = 0) -> tuple[list[list[Any]], list[integrity.Finding]]:
    """Each row (attest_check.COLUMNS, by position) as carried, and a finding if the chain
    does not recompute. With a report, the first ``described`` rows of its years are
    added to it."""
    carried: list[list[Any]] = PlainList()
    texts: dict[Any, tuple[Any, ...]] = {}
    hours: dict[Any, tuple[Any, ...]] = {}  # equal decimals (24, 24.0): one form
    first, last = (report.first, report.last) if report else (1, 0)
    prev = GENESIS
    for expected, (id_, pid, seq, kind, hour, subject, year, posting, base, project,
                   reverses, policy, reason, created, prev_hash, hash_) in enumerate(
                       rows, start=1):
        k = texts.get(kind) or _made(texts, kind)
        h = hours.get(hour) or _made(hours, hour)
        s = texts.get(subject) or _made(texts, subject)
        p = texts.get(policy) or _made(texts, policy)
        r = texts.get(reason or "") or _made(texts, reason or "")
        # Read back in UTC (UTCDateTime), whose isoformat is the canonical form.
        at = created.isoformat() if created is not None and created.tzinfo is UTC else form(
            created)
        # The four references: str or None carried, quoted or null hashed (no list and
        # generator per entry: at 10,000 entries those were a tenth of the pass).
        po = "null" if posting is None else f'"{posting}"'
        ba = "null" if base is None else f'"{base}"'
        pr = "null" if project is None else f'"{project}"'
        re = "null" if reverses is None else f'"{reverses}"'
        text = (f'["{prev}",{{"professional":"{pid}","seq":"{seq}",'
                f'"kind":{k[1]},"hours":{h[1]},"subject":{s[1]},'
                f'"year":"{year}","posting":{po},"base":{ba},"project":{pr},'
                f'"reverses":{re},"policy_version":{p[1]},"reason":{r[1]},'
                f'"created_at":{"null" if at is None else quote(at)}}}]')
        if (seq != expected or prev_hash != prev
                or sha256(text.encode()).hexdigest() != hash_):
            return carried, [integrity.Finding(
                "chain_broken", f"professional {professional_id}",
                f"the hash chain breaks at seq {seq} (entry {id_})")]
        # carried: the id in the professional's place (attest_check.CARRIED)
        carried.append(PlainList([id_, str(seq), k[0], h[0], s[0], str(year),
                        None if posting is None else str(posting),
                        None if base is None else str(base),
                        None if project is None else str(project),
                        None if reverses is None else str(reverses), p[0], r[0], at]))
        prev = hash_
        if report is not None and first <= year <= last and expected <= described:
            report.entries[year].append(Dumped(
                id=id_, seq=seq, kind=kind, hours=h[2], subject=subject, year=year,
                posting_id=posting, reverses_id=reverses, reason=reason,
                policy_version=policy,
                created_at=at,  # as the schema dumps it: UTC, isoformat
                project=report.projects.get(project), base=report.bases.get(base),
                hash=hash_))
            sums = report.sums[year]
            if subject in sums:
                sums[subject] += hour
            report.ids.append(id_)
    return carried, []
