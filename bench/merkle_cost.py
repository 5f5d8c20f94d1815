"""What the Merkle log costs: the completions benchmark with logging and sealing on and
off, side by side in one run (issue 8).

For each backend, two fresh migrated databases with the world of bench/completions.py,
one with the log off (``LEDGER_LOG=False``) and one with it on, each served by gunicorn
as in bench/completions.py. Alternating, ``--runs`` times, two clients POST N
completions of distinct professionals to each. With the log on, each completion also
writes its leaves (the professional's identity binding and the credit entry) in its
transaction, and the timed run ends with ``seal`` signing a checkpoint over all of them.
The figure is the ratio of rates, on / off.

    python -m bench.merkle_cost [--n 5000] [--batch 500] [--runs 1] [--backend both]
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack

from api.db import db, ledger_context
from ledger.clock import FixedClock
from ledger.services import log

from . import harness
from .completions import run_api
from .harness import AFTER_TRAINING, FILED_AT, Series


def seal(app) -> tuple[float, int]:
    """(seconds, leaves) to seal every leaf written since the last checkpoint."""
    with app.app_context():
        ctx = ledger_context()
        last = log.latest(ctx)
        before = last.size if last is not None else 0
        started = time.perf_counter()
        head = log.seal(ctx)
        seconds = time.perf_counter() - started
        after = head.size if head is not None else before  # None: nothing new to seal
        db.session.remove()
        db.engine.dispose()
    return seconds, after - before


def measure(backend: str, n: int, batch: int, runs: int) -> dict[str, Series]:
    """Completions/s with the log off and on (the on rate counts its seal too), the seal's
    seconds and the leaves it sealed, alternating off and on."""
    series = {"off": Series("log off", "/s"), "on": Series("log on, sealed", "/s"),
              "seal": Series("seal", "s"), "leaves": Series("leaves sealed", "")}
    with ExitStack() as stack:
        apps, ports, worlds = {}, {}, {}
        for on in (False, True):
            db_ = stack.enter_context(harness.database(backend))
            clock = FixedClock(FILED_AT)
            apps[on] = harness.make_app(db_, clock, LEDGER_LOG=on)
            worlds[on] = harness.build_world(apps[on])
            if on:  # the set-up's leaves are not part of what is measured
                clock.set(AFTER_TRAINING)
                seal(apps[on])
            ports[on] = stack.enter_context(harness.gunicorn(db_, config={"LEDGER_LOG": on}))
        serial = [0]

        def post(on: bool, count: int = n) -> float:
            serial[0] += count
            return run_api(ports[on], worlds[on], serial[0] - count, count, batch)

        # Untimed, so that neither side's first run pays for cold workers alone.
        for on in (False, True):
            post(on, min(n, 2 * batch))
        seal(apps[True])

        def logged(_k: int) -> None:
            api_seconds = post(True)
            seal_seconds, leaves = seal(apps[True])
            series["on"].values.append(n / (api_seconds + seal_seconds))
            series["seal"].values.append(seal_seconds)
            series["leaves"].values.append(leaves)

        harness.alternate(runs, lambda k: series["off"].values.append(n / post(False)), logged)
    return series


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.merkle_cost",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="completions per run and setting")
    parser.add_argument("--batch", type=int, default=500, help="completions per request")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    if args.n < 2 or not 1 <= args.batch <= 1000 or args.runs < 1:
        parser.error("--n at least 2, --batch between 1 and 1000, --runs at least 1")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(f"{'backend':<11} {'N':>6} {'off/s':>8} {'on/s':>8} {'seal s':>7} {'leaves':>7} "
          f"{'on/off':>7}")
    for backend in backends:
        s = measure(backend, args.n, args.batch, args.runs)
        print(f"{backend:<11} {args.n:>6} {s['off'].median:>8.0f} {s['on'].median:>8.0f} "
              f"{s['seal'].median:>7.2f} {s['leaves'].median:>7.0f} "
              f"{s['on'].median / s['off'].median:>7.1%}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
