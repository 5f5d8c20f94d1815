"""Revocation at scale (PostgreSQL): reverse_credits_from against a raw INSERT…SELECT.

For each size, a fresh database with that many credits of one base (generated with
COPY by tests/scale.py, four per professional, every one in range), then alternating
``--runs`` times, each in a transaction that is rolled back (and the tables vacuumed),
so every run meets the same journal:

A. raw: one INSERT…SELECT of a reversal per unreversed credit (NOT EXISTS anti-join,
   hash computed by sha256() in SQL, seq past the chain) and one UPDATE of the postings:
   the floor for writing the same rows, without a real hash chain;
B. the ledger: ``reverse_credits_from`` (chunked, streamed, chains hashed in Python).

Prints seconds, the ratio B ÷ A and the peak growth of this process's RSS during B.
``--verify`` checks every chain after each B run (before its rollback; slow at 1M),
``--profile`` prints where the first B run's time went (cProfile, cumulative).

    python -m bench.revocation [--sizes 100000,1000000] [--runs 2] [--verify] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from contextlib import nullcontext
from datetime import date

from sqlalchemy import text

from api.db import db, ledger_context
from ledger.services.reversals import reverse_credits_from
from tests import scale

from . import harness
from .harness import Series

VOID_FROM = date(2025, 6, 1)

RAW = """
INSERT INTO entry (professional_id, seq, kind, hours, subject, year, posting_id, base_id,
                   project_id, reverses_id, policy_version, reason, created_at, prev_hash,
                   hash)
SELECT c.professional_id, c.seq + 1000000, 'reversal', -c.hours, c.subject, c.year,
       c.posting_id, c.base_id, c.project_id, c.id, c.policy_version, :reason, now(),
       c.hash, encode(sha256(convert_to(c.hash || c.id::text || :reason, 'UTF8')), 'hex')
FROM entry c JOIN posting p ON p.id = c.posting_id
WHERE c.base_id = :base AND c.kind = 'credit' AND p.base_id = :base
  AND p.trained_to >= :void_from
  AND NOT EXISTS (SELECT 1 FROM entry r WHERE r.reverses_id = c.id);
UPDATE posting SET status = 'voided'
WHERE base_id = :base AND trained_to >= :void_from AND status = 'credited'
"""


def vacuum(engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE entry, posting"))


def measure(size: int, runs: int, verify: bool = False, profile: bool = False
            ) -> dict[str, Series]:
    series = {"raw": Series(f"raw INSERT…SELECT, {size:,}", "s"),
              "ledger": Series(f"reverse_credits_from, {size:,}", "s"),
              "rss": Series(f"RSS growth, {size:,}", "MB")}
    with harness.database("postgresql") as db_:
        app = harness.make_app(db_, harness.FixedClock(harness.AFTER_TRAINING))
        world = harness.build_world(app)
        with app.app_context():
            harness.write_cohort(db_, scale.Cohort(
                world.base_id, world.project_id, professionals=-(-size // 4),
                credits_each=4, trained_on=[date(2025, 6, 2), date(2025, 6, 21)]))
            vacuum(db.engine)
            reason = "base revoked: 只收费不培训"

            def run_raw(_k: int) -> None:
                started = time.perf_counter()
                with db.engine.connect() as conn:
                    for statement in RAW.split(";"):
                        conn.execute(text(statement), {"reason": reason, "base": world.base_id,
                                                       "void_from": VOID_FROM})
                    series["raw"].values.append(time.perf_counter() - started)
                    conn.rollback()
                vacuum(db.engine)

            def run_ledger(k: int) -> None:
                ctx = ledger_context()
                profiler = cProfile.Profile() if profile and k == 0 else None
                with harness.rss_growth() as growth, profiler or nullcontext():
                    started = time.perf_counter()
                    count = reverse_credits_from(ctx, world.base_id, VOID_FROM, reason)
                    ctx.session.flush()
                    series["ledger"].values.append(time.perf_counter() - started)
                if profiler is not None:
                    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative") \
                        .print_stats(25)
                if verify:
                    driver = ctx.session.connection().connection.driver_connection
                    broken = list(scale.broken_chains(driver))
                    if broken:
                        raise SystemExit(f"{len(broken)} chains broken, e.g. {broken[:5]}")
                ctx.session.rollback()
                db.session.remove()
                if count != -(-size // 4) * 4:
                    raise SystemExit(f"reversed {count} of {size} credits")
                series["rss"].values.append(growth[0] / 2**20)
                vacuum(db.engine)

            harness.alternate(runs, run_raw, run_ledger)
            db.engine.dispose()
    return series


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.revocation",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--verify", action="store_true", help="check every chain after B")
    parser.add_argument("--profile", action="store_true", help="profile the first B run")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",")):
        series = measure(size, args.runs, verify=args.verify, profile=args.profile)
        print(f"[revocation] {size:,} credits")
        for s in series.values():
            print(f"  {s.label:<34} {s.median:,.2f} {s.unit} "
                  f"({min(s.values):,.2f}–{max(s.values):,.2f}, n={len(s.values)})")
        print(f"  ledger ÷ raw = {series['ledger'].median / series['raw'].median:.2f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
