"""Single posts in process (Flask test client, no HTTP): what one POST and one empty GET
run (SQL statements each) and cost, alternating, with medians, min–max and the ratio;
``--profile`` adds a cProfile of the POSTs. Complements bench.single, which serves the
app with gunicorn.

    python -m bench.single_profile [--backend both] [--rounds 6] [--per-round 50] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

from sqlalchemy import event

from .completions import api_bodies
from .harness import database, in_process

WARM_UP = 50


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ms ({min(values):.2f}–{max(values):.2f})"


def measure(backend: str, rounds: int, per_round: int, profile: bool) -> None:
    with database(backend) as db_:
        world, client, headers = in_process(db_)
        path = f"/v1/bases/{world.base_id}/reminders"
        bodies = iter(api_bodies(world.project_id, 20_000_000,
                                 WARM_UP + 1 + (rounds + profile) * per_round, 1))

        def post() -> None:
            response = client.post("/v1/completions", data=next(bodies)[1], headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)

        def get() -> None:
            response = client.get(path, headers=headers)
            assert response.status_code == 200 and response.get_json() == []

        for _ in range(WARM_UP):
            post()
        with client.application.app_context():
            from api.db import db

            engine = db.engine
        seen: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            seen.append(" ".join(statement.split())[:100])

        event.listen(engine, "before_cursor_execute", record)
        post()
        post_sql, seen[:] = list(seen), []
        get()
        get_sql = list(seen)
        event.remove(engine, "before_cursor_execute", record)

        posts: list[float] = []
        gets: list[float] = []
        for _ in range(rounds):  # alternating, so load on the machine hits both alike
            for run, out in ((post, posts), (get, gets)):
                started = time.perf_counter()
                for _ in range(per_round):
                    run()
                out.append((time.perf_counter() - started) * 1000 / per_round)
        print(f"[{backend}] in process, {rounds} rounds of {per_round}")
        print(f"  POST: {len(post_sql)} statements, {_ms(posts)}")
        print(f"  GET:  {len(get_sql)} statements, {_ms(gets)}")
        print(f"  GET ÷ POST time (the throughput ratio): "
              f"{statistics.median(gets) / statistics.median(posts):.2f}")
        for statement in post_sql:
            print(f"    {statement}")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(per_round):
                post()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(50)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.single_profile",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        measure(backend, args.rounds, args.per_round, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
