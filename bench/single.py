"""Single posts: a one-completion POST against an empty authenticated GET, same server.

On one fresh database per backend, the app under gunicorn, two clients on keep-alive
connections, alternating ``--runs`` times:

A. POST /v1/completions with one completion (a new professional each time);
B. GET /v1/bases/{id}/reminders as the same base: authenticated, reaches the base, and
   answers an empty list; the floor every request of ours pays.

    python -m bench.single [--requests 400] [--runs 3] [--backend both]
"""

from __future__ import annotations

import argparse
import http.client
import sys

from . import harness
from .completions import api_bodies, post_all
from .harness import Series


def get_all(port: int, token: str, path: str, count: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(count):
            status, raw = harness.request(conn, "GET", path, None, headers)
            if status != 200 or raw.strip() != b"[]":
                raise SystemExit(f"GET {path}: HTTP {status} {raw[:200]!r}")
    finally:
        conn.close()


def measure(backend: str, requests: int, runs: int, clients: int = 2) -> dict[str, Series]:
    """Requests per second for both, the requests split between ``clients`` clients."""
    series = {"post": Series("single-completion POST", "req/s"),
              "get": Series("empty authenticated GET", "req/s")}
    with harness.database(backend) as db_:
        world = harness.build_world(harness.make_app(db_, harness.FixedClock(
            harness.FILED_AT)))
        share = requests // clients
        serial = [10_000_000]  # clear of any other benchmark's professionals

        with harness.gunicorn(db_) as port:
            token = harness.fetch_token(port, world.client_id, world.secret)

            def posts(_k: int) -> None:
                jobs = []
                for _ in range(clients):
                    bodies = api_bodies(world.project_id, serial[0], share, 1)
                    serial[0] += share
                    jobs.append(lambda bodies=bodies: post_all(port, token, bodies))
                series["post"].values.append(clients * share / harness.in_parallel(jobs))

            def gets(_k: int) -> None:
                path = f"/v1/bases/{world.base_id}/reminders"
                seconds = harness.in_parallel(
                    [lambda: get_all(port, token, path, share)] * clients)
                series["get"].values.append(clients * share / seconds)

            posts(-1)  # warm both workers up; not counted
            series["post"].values.clear()
            harness.alternate(runs, posts, gets)
    return series


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.single",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        series = measure(backend, args.requests, args.runs)
        print(f"[{backend}] {args.requests} requests a run, 2 clients")
        for s in series.values():
            print(f"  {s.label:<26} {s}")
        print(f"  POST ÷ GET = {series['post'].median / series['get'].median:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
