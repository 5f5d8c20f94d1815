"""The ID key against the database: the check at start-up and the rotation.

Every column that holds a digest made with the ID key ring is listed in KEYED_COLUMNS;
a rotation wraps each of them once more with the new key, in one transaction, so a
column left out would stop matching. A branch that adds such a column adds it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from .. import identity, keys
from ..store import IdempotencyRecord, KeyCheck, Posting, Professional

# (column, primary key) of every digest made with the ID key ring.
KEYED_COLUMNS: list[tuple[InstrumentedAttribute, InstrumentedAttribute]] = [
    (Professional.id_hash, Professional.id),
    (Posting.id_hash, Posting.id),
    (Posting.content_hash, Posting.id),
    (IdempotencyRecord.request_hash, IdempotencyRecord.id),
    (KeyCheck.value, KeyCheck.name),
]

BATCH = 5000


@dataclass(frozen=True)
class KeyState:
    """What the database says about the ID key."""

    migrated: bool  # the key_check table exists
    check: str | None  # the stored check value
    professionals: int


def key_state(conn: Connection) -> KeyState:
    tables = set(inspect(conn).get_table_names())
    if "key_check" not in tables:
        people = (conn.scalar(select(func.count()).select_from(Professional))
                  if "professional" in tables else 0)
        return KeyState(False, None, people or 0)
    check = conn.scalar(select(KeyCheck.value).where(KeyCheck.name == keys.CHECK_NAME))
    people = conn.scalar(select(func.count()).select_from(Professional)) or 0
    return KeyState(True, check, people)


def refuse_missing(state: KeyState, where: str) -> None:
    """A database that holds people (or a check value) needs its key; never a new one."""
    if state.professionals or state.check is not None:
        raise keys.IdKeyError(
            f"no ID-hash key ({where}), and the database holds "
            f"{state.professionals} professionals hashed with one. A new key would split "
            "every person in two: restore the key (LEDGER_ID_HASH_KEY or the key file, "
            "from the backup made with `flask ledger backup`) and start again.")


def check_or_record(conn: Connection, ring: Sequence[bytes], state: KeyState) -> None:
    """Compare the ring with the stored check value, or store it if there is none.

    A database migrated before check values existed trusts the key it first sees.
    """
    expected = keys.check_value(ring)
    if state.check is not None:
        if state.check != expected:
            raise keys.IdKeyError(
                "the ID-hash key does not match the database's key check value: it is "
                "not the key (ring) this database was hashed with. Refusing to start; "
                "restore the key kept with the database's backup.")
        return
    if not state.migrated:
        return  # `flask db upgrade` has yet to create the table
    try:
        with conn.begin_nested():
            conn.execute(KeyCheck.__table__.insert().values(
                name=keys.CHECK_NAME, value=expected, updated_at=datetime.now(UTC)))
    except IntegrityError:
        # Another worker starting at the same moment recorded it first.
        stored = conn.scalar(select(KeyCheck.value).where(KeyCheck.name == keys.CHECK_NAME))
        if stored != expected:
            raise keys.IdKeyError("the ID-hash key does not match the database's key "
                                  "check value") from None


def _rebind(conn: Connection) -> None:
    """A new identity-binding leaf for every professional: the Merkle log's latest binding
    is the one in force, so verify reads the re-keyed id_hash as rebound, not swapped."""
    from . import log  # the log imports the store too; keep key checks import-light

    now = datetime.now(UTC)
    columns = (Professional.id, Professional.id_hash, Professional.id_masked,
               Professional.name)
    last = None
    while True:
        query = select(*columns).order_by(Professional.id).limit(BATCH)
        if last is not None:
            query = query.where(Professional.id > last)
        rows = [dict(r._mapping) for r in conn.execute(query)]
        if not rows:
            return
        log.record_on(conn, "professional", rows, now)
        last = rows[-1]["id"]


def rotate(conn: Connection, ring: Sequence[bytes], new_key: bytes) -> dict[str, int]:
    """Re-key every keyed column from ``ring`` to ``ring + (new_key,)``; the caller's
    transaction makes it all or nothing. Returns how many values each column changed."""
    if conn.dialect.name == "postgresql":
        # No row is added under the old ring while the rotation runs; workers holding
        # the old ring must still be restarted (the CLI's help says to stop them).
        tables = ", ".join(sorted({c.class_.__tablename__ for c, _ in KEYED_COLUMNS}))
        conn.exec_driver_sql(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
    stored = conn.scalar(select(KeyCheck.value).where(KeyCheck.name == keys.CHECK_NAME))
    if stored is not None and stored != keys.check_value(ring):
        raise keys.IdKeyError("the current ID-hash key does not match the database; "
                              "nothing was rotated")
    counts: dict[str, int] = {}
    for column, pk in KEYED_COLUMNS:
        table = column.class_.__table__
        name = f"{table.name}.{column.key}"
        counts[name] = 0
        last = None
        while True:
            query = select(pk, column).order_by(pk).limit(BATCH)
            if last is not None:
                query = query.where(pk > last)
            rows = conn.execute(query).all()
            if not rows:
                break
            changed = [{"_pk": key, "_value": identity.rewrap(value, new_key)}
                       for key, value in rows if value]
            if changed:
                conn.execute(
                    update(table).where(table.c[pk.key] == bindparam("_pk"))
                    .values({column.key: bindparam("_value")}), changed)
            counts[name] += len(changed)
            last = rows[-1][0]
    _rebind(conn)
    if stored is None:
        conn.execute(KeyCheck.__table__.insert().values(
            name=keys.CHECK_NAME, value=keys.check_value([*ring, new_key]),
            updated_at=datetime.now(UTC)))
    else:
        conn.execute(update(KeyCheck.__table__).where(KeyCheck.name == keys.CHECK_NAME)
                     .values(updated_at=datetime.now(UTC)))
    return counts

