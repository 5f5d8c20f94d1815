"""What the Merkle log costs: the completions benchmark with logging and sealing on and
off, side by side in one run (issue 8).

For each backend and each setting, a fresh migrated database and the same world as
bench/completions.py; N completions are POSTed through the HTTP API. With the log on,
each completion also writes its leaves (the professional's identity binding and the
credit entry) in its transaction, and the timed run ends with ``seal`` signing a
checkpoint over all of them. The figure is the ratio of rates, on / off.

    python -m bench.merkle_cost [--n 5000] [--batch 500] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

from flask_migrate import upgrade

from api.db import db, ledger_context
from app import MIGRATIONS, create_app
from ledger.clock import FixedClock
from ledger.services import log
from tests.pgcluster import Cluster, find_bindir

from .completions import FILED_AT, ID_HASH_KEY, Server, build_world, free_port, run_api


def one_run(backend: str, n: int, batch: int, logging_on: bool) -> tuple[float, float, int]:
    """(API seconds, seal seconds, leaves sealed) on a fresh database."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-log-{backend}-"))
    cluster = None
    try:
        if backend == "sqlite":
            url = f"sqlite:///{tmp / 'ledger.sqlite3'}"
        else:
            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL is not installed")
            cluster = Cluster(bindir)
            cluster.port = free_port()
            cluster.start()
            url = cluster.create_database("ledger_bench")
        clock = FixedClock(FILED_AT)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JWT_KEY_PATH": str(tmp / "jwt.pem"),
                          "ID_HASH_KEY": ID_HASH_KEY, "CLOCK": clock,
                          "LEDGER_LOG": logging_on})
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            db.engine.dispose()
        world = build_world(app, clock)
        if logging_on:  # the set-up's leaves are not part of what is measured
            with app.app_context():
                log.seal(ledger_context())
                db.session.remove()
        with Server(app) as server:
            api_seconds = run_api(server.port, world, n, batch)
        seal_seconds, sealed = 0.0, 0
        if logging_on:
            with app.app_context():
                before = log.latest(ledger_context()).size
                started = time.perf_counter()
                head = log.seal(ledger_context())
                seal_seconds = time.perf_counter() - started
                sealed = head.size - before
                db.session.remove()
                db.engine.dispose()
        return api_seconds, seal_seconds, sealed
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.merkle_cost")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(f"{'backend':<11} {'N':>6} {'off/s':>8} {'on/s':>8} {'seal s':>7} {'leaves':>7} "
          f"{'on/off':>7}")
    for backend in backends:
        off, _, _ = one_run(backend, args.n, args.batch, logging_on=False)
        on, seal, sealed = one_run(backend, args.n, args.batch, logging_on=True)
        off_rate, on_rate = args.n / off, args.n / (on + seal)
        print(f"{backend:<11} {args.n:>6} {off_rate:>8.0f} {on_rate:>8.0f} {seal:>7.2f} "
              f"{sealed:>7} {on_rate / off_rate:>7.1%}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
