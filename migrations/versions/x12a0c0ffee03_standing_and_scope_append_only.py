"""standing events and scope grants are append-only in the database too

Revision ID: x12a0c0ffee03
Revises: w12a0c0ffee02
Create Date: 2026-11-23 07:35:00

A base's standing and scope are the history of its events and grants: a correction is a
new event (bases.append_standing_event), never an edit. The posting path keeps the events
and grants it has read for the life of the process (posting_reads), which is sound only
if a stored row never changes; ``verify`` finds a changed row by its leaf, but only
afterwards. Like entries and the log, the rows now refuse UPDATE and DELETE, for writers
that bypass the application too.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'x12a0c0ffee03'
down_revision = 'w12a0c0ffee02'
branch_labels = None
depends_on = None

TABLES = ("standing_event", "scope_grant")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% rows are append-only (% refused)', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END $$""")
        for table in TABLES:
            op.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE
                           ON {table} FOR EACH ROW EXECUTE FUNCTION history_append_only()""")
        return
    for table in TABLES:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                           BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS history_append_only()")
        return
    for table in TABLES:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
