"""cProfile of one batch POST /v1/completions, in process on SQLite (issue 12, item 2).

A fresh migrated database with the world of bench/completions.py; one warm-up batch,
then one profiled batch of ``--n`` new professionals through the Flask test client.
Prints the wall time of the profiled request and the top functions by cumulative time.

    python -m bench.ingest_profile [--n 1000] [--top 30]
    python -m bench.ingest_profile --time 7   # median of 7 unprofiled batches instead
    python -m bench.ingest_profile --time 7 --phases   # and the CPU of each phase

``--time`` is what to compare before and after a change on a shared machine: the
profiler's own overhead falls unevenly (it doubles the cost of small Python calls).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import pstats
import time
from collections import Counter
from typing import Any

from bench.completions import api_bodies
from bench.harness import database, in_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_profile")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--time", type=int, default=0, metavar="K",
                        help="no profile: the median wall time of K batches")
    parser.add_argument("--phases", action="store_true",
                        help="with --time: the mean CPU of each phase of a batch")
    args = parser.parse_args(argv)
    if args.time:
        return _timed(args.backend, args.n, args.time, args.phases)
    with database(args.backend) as db_:
        world, client, headers = in_process(db_)
        (_, warm), (size, body) = (api_bodies(world.project_id, 0, 10, 10)[0],
                                   api_bodies(world.project_id, 10, args.n, args.n)[0])
        assert client.post("/v1/completions", data=warm, headers=headers).status_code == 200
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        response = client.post("/v1/completions", data=body, headers=headers)
        profile.disable()
        elapsed = time.perf_counter() - started
        receipts = json.loads(response.data)["receipts"]
        credited = sum(r["status"] == "credited" for r in receipts)
        if response.status_code != 200 or credited != size:
            raise SystemExit(f"HTTP {response.status_code}: {credited} of {size} credited")
        print(f"one batch of {size}: {elapsed * 1000:.0f} ms under the profiler "
              f"({size / elapsed:.0f} completions/s)")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


# The phases of a batch, as (module, function) whose CPU time --phases adds up; nested
# ones are counted in their callers too (insert_rows inside _settle, for instance).
PHASES = (
    ("ledger.services.completions", "prepare"), ("ledger.services.completions", "_settle"),
    ("ledger.services.people", "find_or_create"),
    ("ledger.services.completions", "_insert_new"),
    ("ledger.services.completions", "insert_rows"), ("ledger.services.log", "record"),
    ("ledger.services.rows", "_copy"), ("ledger.services.rows", "_executemany"),
    ("api.completions", "dump_receipts"), ("api.text", "_check_text"),
)


def _timing_phases() -> Counter[str]:
    spent: Counter[str] = Counter()
    for module_name, name in PHASES:
        module = importlib.import_module(module_name)
        function = getattr(module, name)

        def timed(*args: Any, _function: Any = function, _label: str = name,
                  **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_label] += time.process_time() - started
        setattr(module, name, timed)
    return spent


def _timed(backend: str, n: int, k: int, phases: bool = False) -> int:
    spent = _timing_phases() if phases else Counter()
    with database(backend) as db_:
        world, client, headers = in_process(db_)
        bodies = api_bodies(world.project_id, 0, n * (k + 1), n)
        times, cpu = [], []
        for index, (size, body) in enumerate(bodies):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post("/v1/completions", data=body, headers=headers)
            elapsed = time.perf_counter() - started
            used = time.process_time() - started_cpu
            credited = sum(r["status"] == "credited" for r in json.loads(response.data)["receipts"])
            if response.status_code != 200 or credited != size:
                raise SystemExit(f"HTTP {response.status_code}: {credited} of {size} credited")
            if index:  # the first warms up
                times.append(elapsed)
                cpu.append(used)
            else:
                spent.clear()
        times.sort()
        cpu.sort()
        # The process's CPU time (this process only: not the database server's) is the
        # steadier figure when others share the machine.
        print(f"[{backend}] {k} batches of {n}: median {times[len(times) // 2] * 1000:.0f} ms "
              f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}); CPU of this process "
              f"median {cpu[len(cpu) // 2] * 1000:.0f} ms (min {cpu[0] * 1000:.0f})")
        for label, seconds in spent.most_common():
            print(f"  {label:16} {seconds / k * 1000:6.1f} ms CPU a batch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
