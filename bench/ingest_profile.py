"""cProfile of one batch POST /v1/completions, in process on SQLite (issue 12, item 2).

A fresh migrated database with the world of bench/completions.py; one warm-up batch,
then one profiled batch of ``--n`` new professionals through the Flask test client.
Prints the wall time of the profiled request and the top functions by cumulative time.

    python -m bench.ingest_profile [--n 1000] [--top 30]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time

from bench.completions import api_bodies
from bench.harness import database, in_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_profile")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    raise SystemExit(main())
