"""Generated journals for the benchmarks: tests/scale.py's rows written in child
processes, and with ``logged`` their Merkle leaves too, sealed by the production sealer.

At 10M entries (bench/verification.py) this is most of ``make bench``'s time; see
"Generating the verification journal" in bench/README.md for where that time goes.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

from api.db import db, ledger_context
from ledger.clock import FixedClock
from ledger.services import log
from tests import scale

from .harness import AFTER_TRAINING, Database, connect, make_app


def _write_cohort(db_: Database, cohort: scale.Cohort) -> None:
    conn = connect(db_)
    try:
        scale.write(conn, cohort)
    finally:
        conn.close()


def _write_logged_range(db_: Database, cohort: scale.Cohort, first: dict[str, int],
                        start: int, stop: int) -> None:
    """One writer of a logged cohort: its professionals' rows and leaves, each chunk
    sealed once committed (by whichever writer takes the seal lock first)."""
    app = make_app(db_, FixedClock(AFTER_TRAINING))
    with app.app_context():
        ctx = ledger_context()
        conn, vacuum = connect(db_), connect(db_)
        vacuum.autocommit = True

        def seal() -> None:
            log.seal(ctx)
            # Sealing rewrites each leaf (its idx); vacuumed at once, the next chunk's
            # leaves reuse the space, as autovacuum would in a log that grows slowly,
            # instead of the table growing to twice its size. The other writer's
            # vacuum, if it holds the table, does the same.
            vacuum.execute("VACUUM (SKIP_LOCKED) log_leaf")

        try:
            # The rows are built to satisfy every foreign key (the chains and leaves are
            # checked by verify); checking each again as it is copied was most of the
            # server's time. Only the superuser of the bench's own cluster may do this.
            conn.execute("SET session_replication_role = replica")
            scale.write_range(conn, cohort, first, start, stop, leaves_at=AFTER_TRAINING,
                              after_commit=seal)
        finally:
            conn.close()
            vacuum.close()
            db.session.remove()
            db.engine.dispose()


def _seal_all(db_: Database) -> None:
    app = make_app(db_, FixedClock(AFTER_TRAINING))
    with app.app_context():
        log.seal(ledger_context())
        db.session.remove()
        db.engine.dispose()


def write_cohort(db_: Database, cohort: scale.Cohort, logged: bool = False,
                 writers: int = 2) -> None:
    """Generate a cohort in child processes, so that this one's RSS stays as it was.

    ``logged``: with the Merkle leaves the app would have written, generated in the same
    pass as the rows and sealed by the production sealer as each chunk commits, by
    ``writers`` processes writing disjoint ranges of professionals (PostgreSQL only)."""
    if not logged:
        _in_children([(_write_cohort, (db_, cohort))], cohort)
        return
    conn = connect(db_)
    try:
        with conn.cursor() as cur:
            first = scale.next_ids(cur)
        conn.commit()
        conn.autocommit = True
        # The throwaway cluster keeps up to 1 GB of WAL by default; a tenth of that is
        # plenty for a bulk load with fsync off, and leaves 10M entries under 20 GB.
        conn.execute("ALTER SYSTEM SET max_wal_size = '128MB'")
        conn.execute("SELECT pg_reload_conf()")
        bounds = [cohort.professionals * k // writers for k in range(writers + 1)]
        _in_children([(_write_logged_range, (db_, cohort, first, bounds[k], bounds[k + 1]))
                      for k in range(writers) if bounds[k] < bounds[k + 1]], cohort)
        scale.set_sequences(conn)
        _in_children([(_seal_all, (db_,))], cohort)  # whatever the last seals left
        with conn.cursor() as cur:  # as autovacuum would, before anyone reads
            cur.execute("VACUUM (ANALYZE) professional, posting, entry, log_leaf")
            # Dirty pages written now, not by the checkpointer while latencies are measured.
            cur.execute("CHECKPOINT")
    finally:
        conn.close()


def database_bytes(db_: Database) -> int:
    """The size on disk of the bench's database (PostgreSQL; without the WAL)."""
    conn = connect(db_)
    try:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    finally:
        conn.close()


def _in_children(jobs: list[tuple[Callable[..., None], tuple[Any, ...]]],
                 cohort: scale.Cohort) -> None:
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=target, args=args) for target, args in jobs]
    for child in children:
        child.start()
    for child in children:
        child.join()
    if any(child.exitcode != 0 for child in children):
        raise SystemExit(f"generating {cohort} failed")
