"""Batch ingest: the API served by gunicorn against raw driver writes of the same rows.

On one fresh database per backend, alternating, ``--runs`` times:

A. the API: two clients, each on its own keep-alive connection, POST 500-item batches
   of completions of distinct professionals to /v1/completions; every receipt must be
   credited;
B. raw executemany: the driver itself (sqlite3 / psycopg, no SQLAlchemy) inserts the
   rows the API writes for as many completions (a professional, a posting, a credit
   entry with its chain hash) in one transaction;
C. on PostgreSQL, COPY of the same rows, the ceiling;
D. on PostgreSQL, where it installs, the xAPI store ralph storing as many ``completed``
   statements in 1000-statement batches from two clients (bench/ralph.py says how).

One unit is one completion. Request bodies and rows are built before the clock starts.

    python -m bench.completions [--n 10000] [--batch 500] [--runs 3] [--backend both]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import date
from decimal import Decimal
from typing import Any

from ledger import identity, xapi
from ledger.journal import GENESIS, entry_hash
from ledger.services.chains import hashed_fields
from tests.scale import ENTRY, POSTING, id_number, professional_name

from . import harness, ralph
from .harness import AFTER_TRAINING, HOURS, TRAINING_DATES, Database, Series, World

PROFESSIONAL = ("id", "id_hash", "id_masked", "name", "created_at")


def api_bodies(project_id: int, first: int, n: int, batch: int) -> list[tuple[int, bytes]]:
    bodies = []
    for start in range(first, first + n, batch):
        items = [{
            "external_id": f"api-{i}", "project_id": project_id, "id_number": id_number(i),
            "name": professional_name(i), "hours": HOURS, "subject": "professional",
            "training_dates": TRAINING_DATES, "assessment": "passed",
        } for i in range(start, min(start + batch, first + n))]
        bodies.append((len(items), json.dumps({"items": items}, ensure_ascii=False).encode()))
    return bodies


def post_all(port: int, token: str, bodies: list[tuple[int, bytes]],
             path: str = "/v1/completions") -> None:
    """POST the bodies on one keep-alive connection; abort unless every item credits."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        for size, body in bodies:
            status, raw = harness.request(conn, "POST", path, body, headers)
            if status != 200:
                raise SystemExit(f"POST {path} failed: HTTP {status}\n"
                                 f"{raw.decode(errors='replace')[:4000]}")
            receipts = json.loads(raw)["receipts"]
            ok = sum(r["status"] == "credited" and not r["replayed"] for r in receipts)
            if ok != size:
                bad = next((r for r in receipts if r["status"] != "credited"), receipts[:1])
                raise SystemExit(f"only {ok} of {size} receipts credited; e.g. {bad}")
    finally:
        conn.close()


def run_api(port: int, world: World, first: int, n: int, batch: int, clients: int = 2) -> float:
    """Seconds for ``clients`` parallel clients to post n completions between them."""
    token = harness.fetch_token(port, world.client_id, world.secret)
    share = -(-n // clients)
    jobs = []
    for c in range(clients):
        start, count = first + c * share, min(share, n - c * share)
        bodies = api_bodies(world.project_id, start, count, batch)
        jobs.append(lambda bodies=bodies: post_all(port, token, bodies))
    return harness.in_parallel(jobs)


def xapi_bodies(project_id: int, first: int, n: int, batch: int) -> list[tuple[int, bytes]]:
    """The same completions as xAPI ``completed`` statements (ledger/xapi.py reads the ID
    number from actor.account.name and the project from a context extension), in batches."""
    bodies = []
    for start in range(first, first + n, batch):
        items = [{
            "id": str(uuid.UUID(int=(1 << 64) + i)),
            "actor": {"objectType": "Agent", "name": professional_name(i), "account": {
                "homePage": "https://lms.example.org", "name": id_number(i)}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed",
                     "display": {"en-US": "completed"}},
            "object": {"objectType": "Activity", "id": "https://lms.example.org/courses/1",
                       "definition": {"name": {"zh-CN": "建筑工程新技术研修班"}}},
            "result": {"completion": True, "success": True, "duration": "PT24H"},
            "context": {"extensions": {xapi.PROJECT_EXT: project_id}},
            "timestamp": "2025-06-22T10:00:00+08:00",
        } for i in range(start, min(start + batch, first + n))]
        bodies.append((len(items), json.dumps(items, ensure_ascii=False).encode()))
    return bodies


def run_xapi(port: int, world: World, first: int, n: int, clients: int = 2) -> float:
    """Seconds for ``clients`` parallel clients to post n statements (1000 a batch)."""
    token = harness.fetch_token(port, world.client_id, world.secret)
    share = -(-n // clients)
    jobs = []
    for c in range(clients):
        bodies = xapi_bodies(world.project_id, first + c * share,
                             min(share, n - c * share), 1000)
        jobs.append(lambda bodies=bodies: ralph.post_all(
            port, bodies, "/v1/xapi/statements", f"Bearer {token}"))
    return harness.in_parallel(jobs)


def warm_up(port: int, world: World, first: int, batch: int, clients: int = 2) -> int:
    """Untimed: a few small batches from each client, so that every worker has loaded
    its policy book, compiled its statements and filled its pools before the clock runs,
    then one batch of the measured size from each (the COPY paths, and tables past their
    first statistics). Returns how many completions it used."""
    used = 0
    for _ in range(2):
        run_api(port, world, first + used, 20 * clients, 10, clients)
        used += 20 * clients
    run_api(port, world, first + used, batch * clients, batch, clients)
    return used + batch * clients


# --- the raw driver baselines --------------------------------------------------------


def raw_rows(db_: Database, world: World, first: int, n: int, policy_version: str,
             ids: dict[str, int]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows the API writes for n completions, ids assigned from ``ids``."""
    key = bytes.fromhex(harness.ID_HASH_KEY)
    now, hours, day = AFTER_TRAINING, Decimal(HOURS), date.fromisoformat
    sqlite = db_.backend == "sqlite"
    stamp = (lambda t: t.replace(tzinfo=None).isoformat(" ")) if sqlite else (lambda t: t)
    number_of_hours = float(hours) if sqlite else hours
    people, postings, entries = [], [], []
    for k, i in enumerate(range(first, first + n)):
        number = id_number(i)
        pid, posting_id, entry_id = (ids["professional"] + k, ids["posting"] + k,
                                     ids["entry"] + k)
        id_hash, masked = identity.keyed_hash(number, key), identity.mask(number)
        people.append((pid, id_hash, masked, professional_name(i), stamp(now)))
        postings.append((
            posting_id, world.base_id, f"raw-{i}", world.project_id, pid, id_hash, masked,
            professional_name(i), number_of_hours, "professional", json.dumps(TRAINING_DATES),
            day(TRAINING_DATES[0]), day(TRAINING_DATES[-1]), "passed",
            hashlib.sha256(number.encode()).hexdigest(), stamp(now), "credited", "[]",
            json.dumps({"jurisdiction": "370300", "version": "2025"}), stamp(now)))
        entry = {"id": entry_id, "professional_id": pid, "seq": 1, "kind": "credit",
                 "hours": hours, "subject": "professional", "year": 2025,
                 "posting_id": posting_id, "base_id": world.base_id,
                 "project_id": world.project_id, "reverses_id": None,
                 "policy_version": policy_version, "reason": "", "created_at": now,
                 "prev_hash": GENESIS}
        entry["hash"] = entry_hash(GENESIS, hashed_fields(entry))
        entry.update(hours=number_of_hours, created_at=stamp(now))
        entries.append(tuple(entry[c] for c in ENTRY))
    return {"professional": people, "posting": postings, "entry": entries}


COLUMNS = {"professional": PROFESSIONAL, "posting": POSTING, "entry": ENTRY}


def next_ids(conn: Any) -> dict[str, int]:
    return {t: conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {t}").fetchone()[0]
            for t in COLUMNS}


def run_raw(db_: Database, world: World, first: int, n: int, copy: bool = False) -> float:
    """Seconds to write n completions' rows with the driver: executemany, or COPY."""
    conn = harness.connect(db_)
    try:
        policy = conn.execute("SELECT policy_version FROM entry LIMIT 1").fetchone()[0]
        rows = raw_rows(db_, world, first, n, policy, next_ids(conn))
        conn.commit()
        mark = "?" if db_.backend == "sqlite" else "%s"
        started = time.perf_counter()
        cur = conn.cursor()
        for table, columns in COLUMNS.items():
            if copy:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
                    for row in rows[table]:
                        stream.write_row(row)
            else:
                cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                f"({', '.join([mark] * len(columns))})", rows[table])
        conn.commit()
        elapsed = time.perf_counter() - started
        if db_.backend == "postgresql":
            for table in COLUMNS:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
            conn.commit()
    finally:
        conn.close()
    return elapsed


# --- a backend -----------------------------------------------------------------------


def measure(backend: str, n: int, batch: int, runs: int,
            with_ralph: bool = True) -> dict[str, Series]:
    """Rates in completions/s: API, raw executemany and, on PostgreSQL, COPY and ralph's
    statements/s where ralph is installed (bench/ralph.py), alternating."""
    series = {"api": Series("API (gunicorn, 2 clients)", "/s"),
              "executemany": Series("raw executemany", "/s"),
              "copy": Series("raw COPY", "/s"),
              "ralph": Series("ralph xAPI (fs, 1000/batch)", "/s"),
              "xapi": Series("our xAPI statements (1000/batch)", "/s")}
    with harness.database(backend) as db_:
        world = harness.build_world(harness.make_app(db_, harness.FixedClock(
            harness.FILED_AT)))
        serial = [0]

        def take(count: int) -> int:
            serial[0] += count
            return serial[0] - count

        with harness.gunicorn(db_) as port, ExitStack() as stack:
            take(warm_up(port, world, take(0), batch))
            steps = [lambda k: series["api"].values.append(
                         n / run_api(port, world, take(n), n, batch)),
                     lambda k: series["executemany"].values.append(
                         n / run_raw(db_, world, take(n), n))]
            if backend == "postgresql":
                steps.append(lambda k: series["copy"].values.append(
                    n / run_raw(db_, world, take(n), n, copy=True)))
                steps.append(lambda k: series["xapi"].values.append(
                    n / run_xapi(port, world, take(n), n)))
                if with_ralph and ralph.available():
                    ralph_port = stack.enter_context(ralph.server())
                    steps.append(lambda k: series["ralph"].values.append(
                        n / ralph.run(ralph_port, take(n), n)))
            harness.alternate(runs, *steps)
    return {k: s for k, s in series.items() if s.values}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.completions",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="completions per run and path")
    parser.add_argument("--batch", type=int, default=500, help="completions per request")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    if args.n < 2 or not 1 <= args.batch <= 1000:
        parser.error("--n must be at least 2 and --batch between 1 and 1000")
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        series = measure(backend, args.n, args.batch, args.runs)
        print(f"[{backend}] N={args.n} batch={args.batch}")
        for s in series.values():
            print(f"  {s.label:<28} {s}")
        ratio = series["api"].median / series["executemany"].median
        print(f"  API ÷ raw executemany = {ratio:.2f}", flush=True)
        if "ralph" in series:
            for key in ("api", "xapi"):
                print(f"  {series[key].label} ÷ ralph = "
                      f"{series[key].median / series['ralph'].median:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
