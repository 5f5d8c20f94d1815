"""Reversing credits in bulk: a revocation that voids a base's credits from a date.

A revocation can reach a million credits, so nothing here is proportional to them: the
credits are streamed (a server-side cursor on PostgreSQL) and reversed in chunks, and
the postings are marked with one set-based UPDATE. Memory stays bounded by the chunk.

On PostgreSQL the reversals and their Merkle-log leaves are written with COPY, the text
of each row built directly (the generic path, dicts through ``Chains.next_row``,
``insert_rows`` and ``log.record``, spent most of a revocation's time building them):
the constant parts of a row (kind, base, reason, instant, and the few distinct hours,
subjects and policy versions) are rendered once per revocation, and each chunk goes to
the server while the next rows are hashed. The texts are exactly what the generic
writers produce: tests/integration/test_revocation_copy.py compares them row by row.
Elsewhere (SQLite) the chunks go through ``chains.insert_rows``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Row, Select, and_, exists, literal_column, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from .. import canonical, leaves
from ..journal import payload, value_json
from ..store import Entry, Posting
from . import log
from .chains import Chains, insert_rows
from .context import Context

# Credits reversed per round trip: large enough that the per-statement cost vanishes,
# small enough that a chunk's rows, hashes and parameters stay a few megabytes and far
# below PostgreSQL's 65,535 bind parameters per statement (Chains reads one head per
# professional of the chunk).
CHUNK = 5_000
# COPY text handed to the driver at a time: each write is sent at once, so the server
# inserts these rows while the next are hashed.
COPY_BATCH = 500


def reverse_credits_from(ctx: Context, base_id: int, void_from: date, reason: str) -> int:
    """Reverse every standing credit of a base for training on or after ``void_from``.

    A credit already reversed (by the base's own void, an earlier revocation or any
    other correction) is left alone: each credit is reversed at most once. The
    reversals continue each professional's hash chain in order; the postings of the
    reversed credits become ``voided``. Returns how many credits were reversed. Does
    not commit: the caller's unit of work makes it one transaction.
    """
    if ctx.session.connection().dialect.name == "postgresql":
        reversed_count = _reverse_by_copy(ctx, base_id, void_from, reason)
    else:
        reversed_count = _reverse_in_chunks(ctx, base_id, void_from, reason)
    if reversed_count:
        _void_postings(ctx, base_id, void_from)
    return reversed_count


def _standing_credits_query(base_id: int, void_from: date) -> Select[Any]:
    """The base's unreversed credits for training from ``void_from``, by professional.

    Ordered by professional and id so that each professional's reversals are appended
    in the order of the credits. ``NOT EXISTS`` on the unique index of
    ``entry.reverses_id``; the range through the index of postings by base and date.
    """
    reversal = aliased(Entry)
    return (
        select(Entry.id, Entry.professional_id, Entry.hours, Entry.subject, Entry.year,
               Entry.posting_id, Entry.project_id, Entry.policy_version)
        .join(Posting, Posting.id == Entry.posting_id)
        .where(Entry.base_id == base_id, Entry.kind == "credit",
               Posting.base_id == base_id, Posting.trained_to >= void_from,
               ~exists().where(reversal.reverses_id == Entry.id))
        .order_by(Entry.professional_id, Entry.id)
    )


# --- any database: through the generic writers ----------------------------------------


def _reverse_in_chunks(ctx: Context, base_id: int, void_from: date, reason: str) -> int:
    reversed_count = 0
    for chunk in _chunks(_standing_credits(ctx, base_id, void_from), CHUNK):
        chains = Chains(ctx, {credit.professional_id for credit in chunk})
        insert_rows(ctx, [chains.next_row(
            professional_id=credit.professional_id, kind="reversal", hours=-credit.hours,
            subject=credit.subject, year=credit.year, posting_id=credit.posting_id,
            base_id=base_id, project_id=credit.project_id, reverses_id=credit.id,
            policy_version=credit.policy_version, reason=reason) for credit in chunk])
        reversed_count += len(chunk)
    return reversed_count


def _standing_credits(ctx: Context, base_id: int, void_from: date) -> Iterator[Row[Any]]:
    """Streamed: ``yield_per`` makes a driver that can use a server-side cursor do so;
    its snapshot is taken when it opens, so the reversals written while reading it do
    not disturb it."""
    yield from ctx.session.execute(_standing_credits_query(base_id, void_from),
                                   execution_options={"yield_per": CHUNK})


def _chunks(rows: Iterator[Any], size: int) -> Iterator[Sequence[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


# --- PostgreSQL: COPY of rows built as text ------------------------------------------

# One index probe per professional of a chunk (backwards on (professional_id, seq)):
# the head of their chain, whatever base or date its last entry has.
HEADS = text("SELECT p.id, h.seq, h.hash FROM unnest(CAST(:ids AS integer[])) AS p(id) "
             "JOIN LATERAL (SELECT seq, hash FROM entry WHERE professional_id = p.id "
             "ORDER BY seq DESC LIMIT 1) AS h ON true")
ENTRY_COLUMNS = ("id", "professional_id", "seq", "kind", "hours", "subject", "year",
                 "posting_id", "base_id", "project_id", "reverses_id", "policy_version",
                 "reason", "created_at", "prev_hash", "hash")
LEAF_COLUMNS = ("kind", "ref_id", "owner", "data", "leaf_hash", "created_at")
# The entry leaf's fields (ledger/leaves.py) in the sorted order of its JSON keys. The
# text below is built for this list only; another version falls back to leaves.encode.
LEAF_FIELDS = ("id", "professional_id", "seq", "kind", "hours", "subject", "year",
               "posting_id", "base_id", "project_id", "reverses_id", "policy_version",
               "reason", "created_at", "prev_hash", "hash")
FAST_LEAF = leaves.FIELDS["entry"] == {1: LEAF_FIELDS}


def copy_field(value: object) -> str:
    """A value in COPY's text format (NULL as \\N; backslash, tab, newline, CR escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _memo(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``function`` remembered per value: a revocation has a handful of distinct hours,
    subjects, projects and policy versions, rendered once each."""
    cache: dict[Any, Any] = {}

    def get(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = function(value)
            return result
    return get


def _leaf_json(value: object) -> str:
    return json.dumps(leaves.normalise(value), ensure_ascii=False)


class ReversalText:
    """The COPY lines of one revocation's reversals and of their log leaves.

    ``rows`` turns credits (with the new entry's id) into both texts and moves each
    professional's chain head along.
    """

    def __init__(self, base_id: int, reason: str, now: datetime, logged: bool):
        self.base_id, self.reason_value, self.now, self.logged = base_id, reason, now, logged
        self.heads: dict[int, tuple[int, str]] = {}
        self.base, self.reason, self.created = (self.forms(v) for v in (base_id, reason, now))
        self.kind = value_json("reversal")
        self.text = _memo(self.forms)  # subjects, projects, policy versions
        # A credit's hours -> its reversal's, as hashed, copied and in a leaf (a memo of
        # its own: 0.0 must not meet a cached project 0).
        self.hours = _memo(lambda credit: self.forms(canonical.hours(-credit)))

    @staticmethod
    def forms(value: object) -> tuple[str, str, str]:
        """A value as the entry hash covers it, in COPY text, and in a leaf's JSON."""
        return value_json(value), copy_field(value), _leaf_json(value)

    def entries(self, credits: Sequence[tuple[Any, ...]],
                written: list[tuple[Any, ...]]) -> Iterator[str]:
        """The entry line of each credit's reversal, in order; each one's fields go to
        ``written`` for its leaf (built while the server writes the leaves before it)."""
        heads, hours, txt, sha256 = self.heads, self.hours, self.text, hashlib.sha256
        kind, (base_h, base_c, _) = self.kind, self.base
        (reason_h, reason_c, _), (at_h, at_c, _) = self.reason, self.created
        for credit in credits:
            credit_id, pid, credit_hours, subject, year, posting, project, policy, new_id \
                = credit
            seq, prev = heads[pid]
            seq += 1
            hours_h, hours_c, _ = hours(credit_hours)
            subject_h, subject_c, _ = txt(subject)
            project_h, project_c, _ = txt(project)
            policy_h, policy_c, _ = txt(policy)
            digest = sha256(payload(prev, (
                f'"{pid}"', f'"{seq}"', kind, hours_h, subject_h, f'"{year}"',
                f'"{posting}"', base_h, project_h, f'"{credit_id}"', policy_h, reason_h,
                at_h)).encode()).hexdigest()
            heads[pid] = (seq, digest)
            written.append((credit, seq, prev, digest))
            yield (f"{new_id}\t{pid}\t{seq}\treversal\t{hours_c}\t{subject_c}\t{year}\t"
                   f"{posting}\t{base_c}\t{project_c}\t{credit_id}\t{policy_c}\t"
                   f"{reason_c}\t{at_c}\t{prev}\t{digest}\n")

    def leaf_lines(self, written: Sequence[tuple[Any, ...]]) -> Iterator[str]:
        """The log leaf line of each reversal ``entries`` wrote, in order."""
        hours, txt = self.hours, self.text
        base_l, reason_l, at_l, at_c = self.base[2], self.reason[2], self.created[2], \
            self.created[1]
        for credit, seq, prev, digest in written:
            credit_id, pid, credit_hours, subject, year, posting, project, policy, new_id \
                = credit
            if FAST_LEAF:
                data = (f'{{"leaf":"entry","row":{{"base_id":{base_l},"created_at":{at_l},'
                        f'"hash":"{digest}","hours":{hours(credit_hours)[2]},"id":{new_id},'
                        f'"kind":"reversal","policy_version":{txt(policy)[2]},'
                        f'"posting_id":{posting},"prev_hash":"{prev}",'
                        f'"professional_id":{pid},"project_id":{txt(project)[2]},'
                        f'"reason":{reason_l},"reverses_id":{credit_id},"seq":{seq},'
                        f'"subject":{txt(subject)[2]},"year":{year}}},"v":1}}').encode()
            else:
                data = leaves.encode("entry", self.as_row(credit, seq, prev, digest))
            text_ = data.decode()
            if "\\" in text_:  # JSON escapes; JSON has no raw tab, newline or CR
                text_ = text_.replace("\\", "\\\\")
            yield (f"entry\t{new_id}\t{pid}\t{text_}\t{leaves.hash_hex(data)}\t"
                   f"{at_c}\n")

    def as_row(self, credit: tuple[Any, ...], seq: int, prev: str, digest: str
               ) -> dict[str, Any]:
        """The reversal as the row dict the generic writers take."""
        credit_id, pid, credit_hours, subject, year, posting, project, policy, new_id = credit
        return {"id": new_id, "professional_id": pid, "seq": seq, "kind": "reversal",
                "hours": canonical.hours(-credit_hours), "subject": subject, "year": year,
                "posting_id": posting, "base_id": self.base_id, "project_id": project,
                "reverses_id": credit_id, "policy_version": policy,
                "reason": self.reason_value, "created_at": self.now, "prev_hash": prev,
                "hash": digest}


def _reverse_by_copy(ctx: Context, base_id: int, void_from: date, reason: str) -> int:
    """Stream the credits (each with the id its reversal gets from the entry sequence,
    drawn in the cursor's order), read the chunk's chain heads, COPY both texts."""
    ctx.session.flush()  # COPY bypasses the session: what it references goes first
    connection = ctx.session.connection()
    driver = connection.connection.driver_connection
    sequence = connection.execute(text("SELECT pg_get_serial_sequence('entry', 'id')")
                                  ).scalar_one()
    query = _standing_credits_query(base_id, void_from).add_columns(
        literal_column(f"nextval('{sequence.replace(chr(39), chr(39) * 2)}')"))
    compiled = query.compile(dialect=connection.dialect)
    built = ReversalText(base_id, reason or "", ctx.now(),
                         logged=ctx.session.info.get(log.LOG_FLAG, True))
    entry_copy = f"COPY entry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN"
    leaf_copy = f"COPY log_leaf ({', '.join(LEAF_COLUMNS)}) FROM STDIN"
    reversed_count = 0
    try:
        with driver.cursor(name=f"revocation_{base_id}") as credits:
            credits.itersize = CHUNK
            credits.execute(str(compiled), compiled.params)
            while chunk := credits.fetchmany(CHUNK):
                _read_heads(connection, built.heads, chunk)
                written: list[tuple[Any, ...]] = []
                _copy(driver, entry_copy, built.entries(chunk, written))
                if built.logged:
                    _copy(driver, leaf_copy, built.leaf_lines(written))
                reversed_count += len(chunk)
    except driver.IntegrityError as error:
        # As an INSERT would raise it (a chain appended to meanwhile), so that
        # unit_of_work retries the whole revocation.
        raise IntegrityError(entry_copy, None, error) from error
    return reversed_count


def _copy(driver: Any, statement: str, lines: Iterator[str]) -> None:
    """COPY lines, handed over COPY_BATCH at a time: the server writes each batch while
    the next is built."""
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        while batch := "".join(islice(lines, COPY_BATCH)):
            copy.write(batch)


def _read_heads(connection: Any, heads: dict[int, tuple[int, str]],
                chunk: Sequence[tuple[Any, ...]]) -> None:
    """Keep only the head of the professional the last chunk ended with (their credits
    may go on in this one) and read those of the chunk's other professionals."""
    last = chunk[0][1]
    carried = heads.get(last)
    heads.clear()
    if carried is not None:
        heads[last] = carried
    wanted = sorted({row[1] for row in chunk} - heads.keys())
    if wanted:
        heads.update((pid, (seq, digest)) for pid, seq, digest
                     in connection.execute(HEADS, {"ids": wanted}))


def _void_postings(ctx: Context, base_id: int, void_from: date) -> None:
    """Mark ``voided`` the credited postings in range whose credit is now reversed.

    One statement, whatever the number of postings: the same range as the credits,
    with the reversal found through the unique index on ``entry.reverses_id``.
    """
    credit, reversal = aliased(Entry), aliased(Entry)
    ctx.session.execute(
        update(Posting)
        .where(Posting.base_id == base_id, Posting.trained_to >= void_from,
               Posting.status == "credited",
               exists().where(and_(credit.posting_id == Posting.id, credit.kind == "credit",
                                   reversal.reverses_id == credit.id)))
        .values(status="voided")
        .execution_options(synchronize_session=False))
    # Postings already loaded in this session would otherwise keep their old status.
    for obj in list(ctx.session.identity_map.values()):
        if isinstance(obj, Posting):
            ctx.session.expire(obj, ["status"])
