"""Large generated journals on PostgreSQL, written with COPY, for scale tests and benchmarks.

The rows are what the API would have written for each credit (a professional, a posting
and a credit entry continuing the professional's hash chain), so the services read them
as their own. Written in chunks of professionals, so a million credits take a few
seconds and bounded memory.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledger import identity, leaves
from ledger.journal import GENESIS, entry_hash
from ledger.services.chains import hashed_fields

CREATED_AT = datetime(2025, 7, 1, 2, tzinfo=UTC)
HOURS = Decimal("8.0")
# Professionals written per round of three COPYs.
CHUNK = 10_000

PROFESSIONAL = ("id", "id_hash", "id_masked", "name", "jurisdiction_code", "created_at")
POSTING = ("id", "base_id", "external_id", "project_id", "professional_id", "id_hash",
           "id_masked", "name", "hours", "subject", "training_dates", "trained_from",
           "trained_to", "assessment", "content_hash", "received_at", "status", "reasons",
           "policy", "decided_at")
ENTRY = ("id", "professional_id", "seq", "kind", "hours", "subject", "year", "posting_id",
         "base_id", "project_id", "reverses_id", "policy_version", "reason", "created_at",
         "prev_hash", "hash")


@dataclass(frozen=True)
class Cohort:
    """``professionals`` people with ``credits_each`` credits at one base.

    Credit j of a professional is for training on ``trained_on[j % len(trained_on)]``.
    With ``reversed_every`` = k, every k-th credit is already reversed (the base voided
    it): a reversal follows it in the chain and its posting is ``voided``.
    """

    base_id: int
    project_id: int
    professionals: int
    credits_each: int
    trained_on: Sequence[date]
    reversed_every: int = 0
    policy_version: str = "370300@2025"
    # With a key, professionals get real ID numbers (id_number(their id)), keyed hashes
    # and this jurisdiction, so that committees can find and verify them.
    id_key: bytes | None = None
    jurisdiction: str | None = None


@dataclass
class Written:
    professionals: int = 0
    credits: int = 0
    reversed: int = 0


def id_number(serial: int) -> str:
    """The serial-th distinct valid ID number: 1000 serials per birth date from 1960-01-01."""
    born = date(1960, 1, 1) + timedelta(days=serial // 1000)
    first17 = f"370303{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + identity.check_character(first17)


def professional_name(serial: int) -> str:
    return f"学员{serial:07d}"


TABLES = ("professional", "posting", "entry", "log_leaf")
LEAF = ("id", "idx", "kind", "ref_id", "owner", "data", "leaf_hash", "created_at")


def next_ids(cur: Any) -> dict[str, int]:
    """The first free id of each generated table (of log_leaf too)."""
    return {table: cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in TABLES}


def _copy(cur: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def entries_before(cohort: Cohort, professionals: int) -> int:
    """The entries (credits and reversals) of the cohort's first ``professionals``."""
    credits = professionals * cohort.credits_each
    return credits + (credits // cohort.reversed_every if cohort.reversed_every else 0)


def write(conn: Any, cohort: Cohort) -> Written:
    """Write a cohort with COPY on a psycopg connection and commit; return the counts."""
    with conn.cursor() as cur:
        first = next_ids(cur)
    written = write_range(conn, cohort, first, 0, cohort.professionals)
    set_sequences(conn)
    with conn.cursor() as cur:
        # Statistics for the rows just copied: a query planned before autovacuum
        # analyses them (a revocation's cursor) may otherwise take a plan for empty tables.
        cur.execute("ANALYZE professional, posting, entry")
    conn.commit()
    return written


def write_range(conn: Any, cohort: Cohort, first: dict[str, int], start: int, stop: int,
                leaves_at: datetime | None = None,
                after_commit: Callable[[], object] | None = None) -> Written:
    """Write professionals ``start`` to ``stop`` (0-based) of a cohort whose ids begin at
    ``first`` (next_ids before any of it was written): each row gets the id it would get
    if the whole cohort were written in order, so disjoint ranges may be written at once.

    Without ``leaves_at``: one transaction, committed at the end. With it, also each row's
    Merkle leaf (unsealed), byte for byte what ``log.record`` writes for the rows read
    back, created at ``leaves_at``; each chunk (its professionals' leaves, then their
    entries') is committed on its own, and ``after_commit`` called (e.g. to seal it).
    Sequences are left as they were: call set_sequences when every range is written.
    """
    written = Written(credits=start * cohort.credits_each)
    ids = {"professional": first["professional"] + start,
           "posting": first["posting"] + start * cohort.credits_each,
           "entry": first["entry"] + entries_before(cohort, start)}
    leaf_id = first["log_leaf"] + start + entries_before(cohort, start)
    with conn.cursor() as cur:
        for low in range(start, stop, CHUNK):
            people, postings, entries = [], [], []
            for _ in range(min(CHUNK, stop - low)):
                _professional(cohort, ids, written, people, postings, entries)
            _copy(cur, "professional", PROFESSIONAL, people)
            _copy(cur, "posting", POSTING, postings)
            _copy(cur, "entry", ENTRY, entries)
            if leaves_at is not None:
                leaf_rows = _leaves(people, entries, leaf_id, leaves_at)
                _copy(cur, "log_leaf", LEAF, leaf_rows)
                leaf_id += len(leaf_rows)
                conn.commit()
                if after_commit is not None:
                    after_commit()
    written.credits -= start * cohort.credits_each
    conn.commit()
    return written


def _leaves(people: list[tuple[Any, ...]], entries: list[tuple[Any, ...]], first_id: int,
            now: datetime) -> list[tuple[Any, ...]]:
    """The leaves log.record writes for these rows (professionals first), with ids."""
    out = [(first_id + n, None, "professional", p[0], p[0], leaf_data("professional", p))
           for n, p in enumerate(people)]
    start = first_id + len(out)
    out += [(start + n, None, "entry", e[0], e[1], leaf_data("entry", e))
            for n, e in enumerate(entries)]
    return [(*leaf, leaves.hash_hex(leaf[5].encode()), now) for leaf in out]


_COLUMNS = {"professional": PROFESSIONAL, "entry": ENTRY}


def leaf_data(kind: str, row: Sequence[Any]) -> str:
    """leaves.encode(kind, row) for a row tuple of this module (PROFESSIONAL or ENTRY
    column order), as text."""
    return leaves.encode(kind, dict(zip(_COLUMNS[kind], row, strict=True))).decode()


def set_sequences(conn: Any) -> None:
    """Move each generated table's id sequence past its largest id, and commit."""
    with conn.cursor() as cur:
        for table in TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")  # NULL: left as it is
    conn.commit()


def _professional(cohort: Cohort, ids: dict[str, int], written: Written,
                  people: list, postings: list, entries: list) -> None:
    pid = ids["professional"]
    ids["professional"] += 1
    if cohort.id_key is None:
        id_hash = hashlib.sha256(f"scale-professional-{pid}".encode()).hexdigest()
        masked = "370303********000X"
    else:
        id_hash = identity.keyed_hash(id_number(pid), cohort.id_key)
        masked = identity.mask(id_number(pid))
    name = professional_name(pid)
    people.append((pid, id_hash, masked, name, cohort.jurisdiction, CREATED_AT))
    written.professionals += 1
    chain = _Chain(pid)
    for j in range(cohort.credits_each):
        on = cohort.trained_on[j % len(cohort.trained_on)]
        posting_id = ids["posting"]
        ids["posting"] += 1
        credit_id = ids["entry"]
        ids["entry"] += 1
        written.credits += 1
        voided = bool(cohort.reversed_every) and written.credits % cohort.reversed_every == 0
        postings.append((
            posting_id, cohort.base_id, f"scale-{posting_id}", cohort.project_id, pid,
            id_hash, masked, name, HOURS, "professional", json.dumps([on.isoformat()]), on,
            on, "passed", hashlib.sha256(f"posting-{posting_id}".encode()).hexdigest(),
            CREATED_AT, "voided" if voided else "credited", "[]", "null", CREATED_AT))
        common = {"professional_id": pid, "subject": "professional", "year": on.year,
                  "posting_id": posting_id, "base_id": cohort.base_id,
                  "project_id": cohort.project_id, "policy_version": cohort.policy_version}
        entries.append(chain.row(id=credit_id, kind="credit", hours=HOURS, reverses_id=None,
                                 reason="", **common))
        if voided:
            entries.append(chain.row(id=ids["entry"], kind="reversal", hours=-HOURS,
                                     reverses_id=credit_id, reason="voided by the base",
                                     **common))
            ids["entry"] += 1
            written.reversed += 1


class _Chain:
    def __init__(self, professional_id: int):
        self.professional_id, self.seq, self.prev = professional_id, 0, GENESIS

    def row(self, **fields: Any) -> tuple[Any, ...]:
        self.seq += 1
        row = {**fields, "seq": self.seq, "created_at": CREATED_AT, "prev_hash": self.prev}
        row["hash"] = entry_hash(self.prev, hashed_fields(row))
        self.prev = row["hash"]
        return tuple(row[column] for column in ENTRY)


def broken_chains(conn: Any, professional_ids: Sequence[int] | None = None) -> Iterator[int]:
    """The professionals whose chain does not verify, read with a server-side cursor."""
    from ledger.journal import verify_chain

    columns = ", ".join(c for c in ENTRY if c != "id")
    where = "WHERE professional_id = ANY(%s)" if professional_ids is not None else ""
    params = (list(professional_ids),) if professional_ids is not None else ()
    with conn.cursor(name="chains") as cur:
        cur.itersize = 20_000
        cur.execute(f"SELECT {columns} FROM entry {where} ORDER BY professional_id, seq",
                    params)
        names = [c for c in ENTRY if c != "id"]
        current: int | None = None
        chain: list[dict[str, Any]] = []
        for values in cur:
            row = dict(zip(names, values, strict=True))
            row["created_at"] = row["created_at"].astimezone(UTC)  # as the app reads it
            if row["professional_id"] != current:
                if current is not None and not verify_chain(chain):
                    yield current
                current, chain = row["professional_id"], []
            chain.append({**hashed_fields(row), "prev_hash": row["prev_hash"],
                          "hash": row["hash"]})
        if current is not None and not verify_chain(chain):
            yield current
