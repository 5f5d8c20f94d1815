"""What the app's own PostgreSQL role may do to each table (issue 10: the app cannot
rewrite the journal).

The tables belong to an owner role that runs the migrations; the web workers and the
scheduler connect as an app role that owns nothing. On the append-only tables the app
role may SELECT and INSERT, never UPDATE, DELETE or TRUNCATE, so neither a bug nor a
stolen app password can rewrite history, and it cannot drop the triggers either (only
an owner may). Every other ledger table it may also UPDATE; it DELETEs from none (the
ledger never deletes), unless a table is listed in DELETABLE_TABLES.

A branch that adds a journal or log table (the Merkle log's leaves and tree heads, a
roster's history) appends its name to APPEND_ONLY_TABLES.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, text

APPEND_ONLY_TABLES: tuple[str, ...] = (
    "entry",               # the journal; corrections append reversals
    "access_log",          # who read whose record
    "standing_event",      # a base's life, derived from its events
    "misconduct_record",   # 失信 records (威海 第二十条)
    "base_change",         # a base's changes of record
    "job_run",             # what each sweep did
    "reminder",            # what was sent, once
    "idempotency_record",  # first answers, replayed; a rotation re-keys them as the owner
    "key_check",           # the ID key's check value; a rotation updates it as the owner
    "log_checkpoint",      # signed tree heads (issue 8)
    "log_tile",            # the tree's stored subtree hashes (issue 8)
    "log_node",            # and those above the tiles (issue 12)
    "scope_grant",         # a base's scope decisions, like its standing events
    "attestation",         # what was attested, to whom (issue 8)
)
# log_leaf is not here: sealing gives each leaf its index once (UPDATE); its triggers
# refuse any other change.

DELETABLE_TABLES: tuple[str, ...] = ()

# Written only by the migrations; the app reads it to know the schema's revision.
READ_ONLY_TABLES: tuple[str, ...] = ("alembic_version",)


def privileges(table: str) -> str:
    if table in READ_ONLY_TABLES:
        return "SELECT"
    if table in APPEND_ONLY_TABLES:
        return "SELECT, INSERT"
    return "SELECT, INSERT, UPDATE" + (", DELETE" if table in DELETABLE_TABLES else "")


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def grant_app_role(conn: Connection, role: str, metadata: MetaData) -> dict[str, str]:
    """Give ``role`` exactly the privileges above on every ledger table (run as the
    owner, after each migration; idempotent). Returns the privileges per table."""
    if conn.dialect.name != "postgresql":
        raise ValueError("roles exist only on PostgreSQL; on SQLite the file's owner can "
                         "do anything (see the README)")
    owner = conn.scalar(text("SELECT current_user"))
    if owner == role:
        raise ValueError(f"{role} is the role running the migrations; the app needs its own")
    owned = owned_tables(conn, role)
    if owned:
        raise ValueError(f"{role} owns tables ({', '.join(owned)}); the app role owns none")
    schema = conn.scalar(text("SELECT current_schema()"))
    present = set(conn.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
    who = _quote(conn, role)
    conn.execute(text(f"GRANT USAGE ON SCHEMA {_quote(conn, schema)} TO {who}"))
    granted = {}
    for table in sorted((set(metadata.tables) | set(READ_ONLY_TABLES)) & present):
        name = _quote(conn, table)
        conn.execute(text(f"REVOKE ALL ON TABLE {name} FROM {who}"))
        conn.execute(text(f"GRANT {privileges(table)} ON TABLE {name} TO {who}"))
        granted[table] = privileges(table)
    # Inserting takes the next id from the table's sequence.
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "
                      f"{_quote(conn, schema)} TO {who}"))
    return granted


def owned_tables(conn: Connection, role: str) -> list[str]:
    return list(conn.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tableowner = :role ORDER BY tablename"), {"role": role}))
