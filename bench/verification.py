"""Committee verification latency (PostgreSQL) as the journal grows, and for one long chain.

A fresh database, its journal generated with COPY by tests/scale.py (real ID numbers
and keyed hashes, in 淄博), then its Merkle leaves written and sealed (a verification
proves each entry in the signed tree): one professional with 10,000 entries over ten years, then
professionals with four credits each up to each size in ``--sizes`` (their entries,
besides the long chain's).
At each size, the app under gunicorn, one committee client on a keep-alive connection,
alternating ``--runs`` times:

A. ``--requests`` verifications (POST /v1/verifications, 2023–2025) of professionals
   picked at random (a fixed seed) among all;
B. ten verifications (2016–2025) of the professional with 10,000 entries.

Each size is measured twice: right after its journal was generated (the OS cache holds
what the load left in it), and again once every relation of the database has been read
(pg_prewarm), as on a server that has been answering for a while.

Prints p50 and p99 in milliseconds of every request of each kind, and p99 at the largest
size ÷ p99 at the smallest. Then, on a server of their own, 200 more random verifications
and ten of the long chain, whose pages PostgreSQL read from outside its shared buffers,
and the time those reads took, are counted once its connections have closed (a backend
may hold its counters while idle).

    python -m bench.verification [--sizes 100000,1000000] [--requests 1000] [--runs 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date

from tests import scale

from . import generate, harness

KEY = bytes.fromhex(harness.ID_HASH_KEY)
LONG = 10_000
LONG_REQUESTS = 10  # a run
IO_REQUESTS = 200  # random verifications whose reads are counted


@dataclass
class Latencies:
    label: str
    ms: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # response bodies, bytes
    # PostgreSQL's pages read from outside its shared buffers (the OS cache or the disk),
    # and the time those reads took (track_io_timing), over ``io_requests`` requests.
    pages_read: int = 0
    read_ms: float = 0.0
    io_requests: int = 0

    def io(self) -> str:
        n = self.io_requests or 1
        return (f"{self.pages_read / n:,.1f} pages read a request outside shared buffers, "
                f"{self.read_ms / n:,.2f} ms of reads (n={self.io_requests})")

    def __str__(self) -> str:
        size = f", {max(self.sizes) / 1e6:,.2f} MB max body" if self.sizes else ""
        return (f"p50 {harness.percentile(self.ms, 50):,.1f} ms, "
                f"p99 {harness.percentile(self.ms, 99):,.1f} ms (n={len(self.ms)}){size}; "
                f"{self.io()}")


def _io_counters(db_: harness.Database) -> tuple[int, float]:
    conn = harness.connect(db_)
    try:
        return conn.execute("SELECT blks_read, blk_read_time FROM pg_stat_database "
                            "WHERE datname = current_database()").fetchone()
    finally:
        conn.close()


def _others_gone(db_: harness.Database) -> None:
    """Wait (10 s at most) until no other backend is connected to the database: a backend
    reports its I/O counters when it exits, but may hold them for 10 s while idle."""
    conn = harness.connect(db_)
    conn.autocommit = True
    try:
        deadline = time.monotonic() + 10
        while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid() AND "
                           "backend_type = 'client backend'").fetchone()[0]:
            if time.monotonic() > deadline:
                raise SystemExit("the server's database connections did not close")
            time.sleep(0.1)
    finally:
        conn.close()


def count_io(db_: harness.Database, world: harness.World, serials: list[int],
             years: tuple[int, int], into: Latencies) -> None:
    """Apart from the timed requests: ``serials``' verifications on a server of their
    own, its reads from outside shared buffers counted once its connections closed."""
    _others_gone(db_)
    pages, ms = _io_counters(db_)
    with harness.gunicorn(db_) as port:
        token = harness.fetch_token(port, world.committee_id, world.committee_secret)
        verify_each(port, token, serials, years, Latencies("counted"))
    _others_gone(db_)
    pages_after, ms_after = _io_counters(db_)
    into.pages_read += pages_after - pages
    into.read_ms += ms_after - ms
    into.io_requests += len(serials)


def verify_each(port: int, token: str, serials: list[int], years: tuple[int, int],
                into: Latencies) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        for serial in serials:
            body = json.dumps({"id_number": scale.id_number(serial),
                               "name": scale.professional_name(serial), "year_from": years[0],
                               "year_to": years[1], "purpose": "2026年度职称评审 (bench)"},
                              ensure_ascii=False).encode()
            started = time.perf_counter()
            status, raw = harness.request(conn, "POST", "/v1/verifications", body, headers)
            into.ms.append((time.perf_counter() - started) * 1000)
            into.sizes.append(len(raw))
            if status != 200 or not json.loads(raw)["report"]["chain"]["intact"]:
                raise SystemExit(f"verification failed: HTTP {status} {raw[:300]!r}")
    finally:
        conn.close()


def _at_size(db_: harness.Database, world: harness.World, serials: tuple[int, int],
             requests: int, runs: int, rng: random.Random,
             entries: int) -> tuple[Latencies, Latencies]:
    many, long = Latencies(f"{entries:,} entries"), Latencies("10,000-entry chain")
    with harness.gunicorn(db_) as port:
        token = harness.fetch_token(port, world.committee_id, world.committee_secret)
        verify_each(port, token, [serials[0]] * 3, (2023, 2025), Latencies("warm-up"))
        harness.alternate(
            runs,
            lambda _k: verify_each(port, token, [rng.randint(*serials) for _ in
                                                 range(requests // runs)], (2023, 2025), many),
            # Ten a run: a p99 of 6 requests was their slowest.
            lambda _k: verify_each(port, token, [1] * LONG_REQUESTS, (2016, 2025), long))
    count_io(db_, world, [rng.randint(*serials) for _ in range(IO_REQUESTS)], (2023, 2025),
             many)
    count_io(db_, world, [1] * LONG_REQUESTS, (2016, 2025), long)
    return many, long


def prewarm(db_: harness.Database) -> float:
    """Read every relation of the database (tables, indexes, out-of-line values) once, so
    the OS cache holds what fits of it, as on a server that has been answering for a
    while; returns the seconds it took."""
    started = time.perf_counter()
    conn = harness.connect(db_)
    conn.autocommit = True
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        conn.execute("SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE n.nspname IN ('public', 'pg_toast') "
                     "AND c.relkind IN ('r', 'i', 't') AND c.relpersistence = 'p'")
    finally:
        conn.close()
    return time.perf_counter() - started


@dataclass
class AtSize:
    """One size's latencies right after its journal was generated (``cold``: the OS cache
    holds what the load left in it) and once every relation was read (``warm``)."""

    cold: tuple[Latencies, Latencies]
    warm: tuple[Latencies, Latencies]


def measure(sizes: list[int], requests: int, runs: int) -> dict[int, AtSize]:
    results = {}
    rng = random.Random(12)
    with harness.database("postgresql") as db_:
        world = harness.build_world(harness.make_app(db_, harness.FixedClock(
            harness.FILED_AT)))
        conn = harness.connect(db_)
        conn.autocommit = True
        conn.execute("ALTER SYSTEM SET track_io_timing = on")  # for Latencies.read_ms
        conn.execute("SELECT pg_reload_conf()")
        conn.close()

        def cohort(professionals: int, credits_each: int, dates: list[date]) -> scale.Cohort:
            return scale.Cohort(world.base_id, world.project_id, professionals, credits_each,
                                dates, id_key=KEY, jurisdiction=harness.ZIBO)

        # The long chain is professional 1: the world has no professionals of its own.
        harness.write_cohort(db_, cohort(1, LONG, [date(y, 6, 21) for y in range(2016, 2026)]),
                             logged=True)
        entries, first = LONG, 2
        for size in sizes:
            more = max(0, size - (entries - LONG)) // 4  # sizes count the others' entries
            started = time.perf_counter()
            harness.write_cohort(db_, cohort(more, 4, [date(2023, 6, 21), date(2024, 6, 21),
                                                       date(2025, 3, 21), date(2025, 6, 21)]),
                                 logged=True)
            entries += more * 4
            print(f"[verification] {more * 4:,} more entries generated, logged and sealed "
                  f"in {time.perf_counter() - started:,.0f} s; database "
                  f"{generate.database_bytes(db_) / 1e9:,.1f} GB", flush=True)
            last = first + (entries - LONG) // 4 - 1
            cold = _at_size(db_, world, (first, last), requests, runs, rng, entries)
            print(f"[verification] {entries:,} entries, right after they were generated: "
                  f"random {cold[0]}; 10,000-entry chain {cold[1]}", flush=True)
            print(f"[verification] every relation read into the OS cache in "
                  f"{prewarm(db_):,.0f} s", flush=True)
            warm = _at_size(db_, world, (first, last), requests, runs, rng, entries)
            print(f"[verification] {entries:,} entries, cache warmed: random {warm[0]}; "
                  f"10,000-entry chain {warm[1]}", flush=True)
            results[size] = AtSize(cold, warm)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verification",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = measure(sizes, args.requests, args.runs)
    for state in ("warm", "cold"):
        small = getattr(results[sizes[0]], state)[0]
        large = getattr(results[sizes[-1]], state)[0]
        print(f"  {state}: p99 at {sizes[-1]:,} ÷ p99 at {sizes[0]:,} = "
              f"{harness.percentile(large.ms, 99) / harness.percentile(small.ms, 99):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
