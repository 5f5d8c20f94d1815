"""An insider with database access: rewrites behind the application's back, bypassing
the append-only triggers the way issue 8 describes (PostgreSQL
``session_replication_role = replica``, ``DISABLE TRIGGER``, ``TRUNCATE``; SQLite
``INSERT OR REPLACE`` or dropping the trigger), and recomputing hashes so the entry chain
still looks intact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text

from api.db import db
from ledger.journal import GENESIS, entry_hash
from ledger.services.chains import hashed_fields
from ledger.store.types import UTCDateTime

COLUMNS = ("id", "professional_id", "seq", "kind", "hours", "subject", "year", "posting_id",
           "base_id", "project_id", "reverses_id", "policy_version", "reason", "created_at",
           "prev_hash", "hash")


def _pg() -> bool:
    return db.engine.dialect.name == "postgresql"


def entries_of(professional_id: int) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM entry "
                                 "WHERE professional_id = :p ORDER BY seq"),
                            {"p": professional_id}).mappings().all()
    out = []
    for row in rows:
        row = dict(row)
        row["created_at"] = UTCDateTime().process_result_value(
            _parse(row["created_at"]), db.engine.dialect)
        row["hours"] = Decimal(str(row["hours"])).quantize(Decimal("0.1"))
        out.append(row)
    return out


def _parse(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value


def rechain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recompute seq, prev_hash and hash, as a careful forger would."""
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        row["seq"], row["prev_hash"] = seq, prev
        row["hash"] = entry_hash(prev, hashed_fields(row))
        prev = row["hash"]
    return rows


def _bind(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["created_at"] = UTCDateTime().process_bind_param(row["created_at"], db.engine.dialect)
    out["hours"] = str(row["hours"])
    return out


def rewrite_entries(rows: list[dict[str, Any]], *, truncate: bool = False) -> None:
    """Put these entry rows in place of the rows with the same ids, triggers bypassed."""
    cols = ", ".join(COLUMNS)
    values = ", ".join(f":{c}" for c in COLUMNS)
    with db.engine.begin() as conn:
        if _pg():
            if truncate:
                everyone = [dict(r) for r in conn.execute(
                    text(f"SELECT {cols} FROM entry ORDER BY id")).mappings()]
                by_id = {r["id"]: _bind(r) for r in rows}
                # Row triggers do not fire; the feed's rows go with it, as an insider's would.
                conn.execute(text("TRUNCATE entry CASCADE"))
                for r in everyone:
                    conn.execute(text(f"INSERT INTO entry ({cols}) VALUES ({values})"),
                                 by_id.get(r["id"], r))
                return
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for r in rows:
                sets = ", ".join(f"{c} = :{c}" for c in COLUMNS if c != "id")
                conn.execute(text(f"UPDATE entry SET {sets} WHERE id = :id"), _bind(r))
        else:
            for r in rows:  # REPLACE deletes without firing the delete trigger
                conn.execute(text(f"INSERT OR REPLACE INTO entry ({cols}) VALUES ({values})"),
                             _bind(r))


def delete_entry(entry_id: int) -> None:
    with db.engine.begin() as conn:
        if _pg():
            conn.execute(text("ALTER TABLE entry DISABLE TRIGGER USER"))
            conn.execute(text("DELETE FROM entry WHERE id = :id"), {"id": entry_id})
            conn.execute(text("ALTER TABLE entry ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER entry_no_delete"))
            conn.execute(text("DELETE FROM entry WHERE id = :id"), {"id": entry_id})


def insert_entry(row: dict[str, Any]) -> None:
    cols = ", ".join(c for c in COLUMNS if c != "id")
    values = ", ".join(f":{c}" for c in COLUMNS if c != "id")
    with db.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO entry ({cols}) VALUES ({values})"), _bind(row))


def swap_id_hashes(a: int, b: int) -> None:
    with db.engine.begin() as conn:
        ha, hb = (conn.execute(text("SELECT id_hash FROM professional WHERE id = :i"),
                               {"i": i}).scalar_one() for i in (a, b))
        conn.execute(text("UPDATE professional SET id_hash = :h WHERE id = :i"),
                     {"h": "swap-" + ha[:58], "i": a})
        conn.execute(text("UPDATE professional SET id_hash = :h WHERE id = :i"),
                     {"h": ha, "i": b})
        conn.execute(text("UPDATE professional SET id_hash = :h WHERE id = :i"),
                     {"h": hb, "i": a})
