"""Posting completions through the HTTP API against a raw executemany baseline.

For each backend: a fresh, migrated database; a regulator, a recognised numbered base,
its LMS client and an accepted project; the app served over real HTTP on 127.0.0.1.
Then, timed:

1. the API path: N completions of distinct professionals POSTed in batches to
   /v1/completions on one keep-alive connection; every receipt must be credited;
2. the baseline, in the same database: N more completions written straight as the
   rows the API writes for each (a professional, a posting, a credit entry) with
   executemany in one transaction.

One unit is one completion (its professional + posting + entry rows). Request bodies
and baseline rows are built before the clock starts.

    python -m bench.completions [--n 10000] [--batch 500] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import func, insert, select
from werkzeug.serving import make_server

from api.db import db, ledger_context
from app import MIGRATIONS, create_app
from ledger import identity
from ledger.actors import Role
from ledger.clock import FixedClock
from ledger.journal import GENESIS, entry_hash
from ledger.services import bases, clients, projects
from ledger.services.jurisdictions import ensure_jurisdictions
from ledger.standing import EventType, StandingEvent
from ledger.store import Entry, Posting, Professional
from tests.pgcluster import Cluster, find_bindir

ID_HASH_KEY = "5a" * 32
ZIBO = "370300"
FILED_AT = datetime(2025, 6, 10, 2, tzinfo=UTC)  # 10:00 in Beijing, ten days ahead
AFTER_TRAINING = datetime(2025, 6, 23, 2, tzinfo=UTC)
TRAINING_DATES = ["2025-06-20", "2025-06-21", "2025-06-22"]
HOURS = "24.0"


@dataclass
class Result:
    backend: str
    n: int
    batch: int
    api_seconds: float
    direct_seconds: float

    @property
    def api_rate(self) -> float:
        return self.n / self.api_seconds

    @property
    def direct_rate(self) -> float:
        return self.n / self.direct_seconds

    @property
    def ratio(self) -> float:
        """The API's rate as a fraction of the raw insert rate."""
        return self.api_rate / self.direct_rate


# --- people --------------------------------------------------------------------------


def id_number(i: int) -> str:
    """The i-th distinct valid ID number: 1000 serials per birth date from 1960-01-01."""
    born = date(1960, 1, 1) + timedelta(days=i // 1000)
    first17 = f"370303{born:%Y%m%d}{i % 1000:03d}"
    return first17 + identity.check_character(first17)


def name(i: int) -> str:
    return f"学员{i:06d}"


# --- the world -----------------------------------------------------------------------


@dataclass
class World:
    base_id: int
    project_id: int
    client_id: str
    secret: str


def build_world(app, clock: FixedClock) -> World:
    """A regulator, a recognised numbered base, its LMS client and an accepted project."""
    with app.app_context():
        ctx = ledger_context()
        ensure_jurisdictions(ctx)
        ctx.session.commit()
        regulator_client, _ = clients.create_client(
            ctx, role=Role.REGULATOR, name="淄博市人社局", jurisdiction=ZIBO)
        regulator = clients.actor_for_client(regulator_client)
        base = bases.register_base(ctx, regulator, bases.NewBase(
            name="淄博基地", level="municipal", jurisdiction=ZIBO, host_unit="淄博基地建设单位",
            supervising_unit="主管部门", registry_number="ZB-001",
            scope_subjects=["public", "professional"], scope_fields=[]))
        bases.append_standing_event(ctx, regulator, base.id,
                                    StandingEvent(EventType.RECOGNISED, date(2025, 1, 1)))
        lms, secret = clients.create_client(ctx, role=Role.BASE, name="LMS", base_id=base.id)
        project = projects.file_project(ctx, clients.actor_for_client(lms), base.id,
                                        projects.NewProject(
            title="建筑工程新技术研修班", subject="professional", field="工程",
            mode="classroom", start_on=date(2025, 6, 20), end_on=date(2025, 6, 22),
            hours=Decimal(HOURS), fee=Decimal("800.00"), capacity=100_000, plan_year=None))
        projects.decide_project(ctx, regulator, project.id, accept=True)
        world = World(base.id, project.id, lms.client_id, secret)
        db.session.remove()
    clock.set(AFTER_TRAINING)  # the training is over: completions may now be credited
    return world


# --- HTTP ----------------------------------------------------------------------------


class Server:
    """The app on 127.0.0.1 at an ephemeral port, in a background thread."""

    def __init__(self, app):
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes,
            headers: dict[str, str]) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def fetch_token(conn: http.client.HTTPConnection, world: World) -> str:
    form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": world.client_id,
                                   "client_secret": world.secret}).encode()
    status, body = request(conn, "POST", "/v1/auth/token", form,
                           {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise SystemExit(f"token request failed: HTTP {status}\n{body.decode(errors='replace')}")
    return json.loads(body)["access_token"]


def api_bodies(project_id: int, start: int, n: int, batch: int) -> list[tuple[int, bytes]]:
    bodies = []
    for first in range(start, start + n, batch):
        items = [{
            "external_id": f"api-{i}", "project_id": project_id, "id_number": id_number(i),
            "name": name(i), "hours": HOURS, "subject": "professional",
            "training_dates": TRAINING_DATES, "assessment": "passed",
        } for i in range(first, min(first + batch, start + n))]
        bodies.append((len(items), json.dumps({"items": items}, ensure_ascii=False).encode()))
    return bodies


def run_api(port: int, world: World, n: int, batch: int) -> float:
    """Seconds to POST n completions in batches; aborts unless every one is credited."""
    bodies = api_bodies(world.project_id, 0, n, batch)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    token = fetch_token(conn, world)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    credited = 0
    started = time.perf_counter()
    for size, body in bodies:
        status, raw = request(conn, "POST", "/v1/completions", body, headers)
        if status != 200:
            conn.close()
            raise SystemExit(f"POST /v1/completions failed: HTTP {status}\n"
                             f"{raw.decode(errors='replace')[:4000]}")
        receipts = json.loads(raw)["receipts"]
        ok = sum(r["status"] == "credited" and not r["replayed"] for r in receipts)
        if len(receipts) != size or ok != size:
            conn.close()
            bad = next((r for r in receipts if r["status"] != "credited"), receipts[:1])
            raise SystemExit(f"only {ok} of {size} receipts credited; e.g. {bad}")
        credited += ok
    elapsed = time.perf_counter() - started
    conn.close()
    if credited != n:
        raise SystemExit(f"{credited} credited, {n} posted")
    return elapsed


# --- the baseline --------------------------------------------------------------------


def direct_rows(app, world: World, start: int, n: int) -> dict[str, list[dict[str, Any]]]:
    """Rows for n completions as the API writes them, with ids taken after the API's.

    Status, reasons and policy are copied from a posting the API credited, so the
    rows are the same size; ids are assigned here, so the inserts need no RETURNING.
    """
    key = bytes.fromhex(ID_HASH_KEY)
    now = AFTER_TRAINING
    with app.app_context():
        session = db.session
        sample = session.scalars(select(Posting).where(Posting.status == "credited")
                                 .order_by(Posting.id).limit(1)).one()
        policy_version = session.scalars(select(Entry.policy_version).limit(1)).one()
        ids = {model: (session.scalar(select(func.max(model.id))) or 0) + 1
               for model in (Professional, Posting, Entry)}
        db.session.remove()
    people, postings, entries = [], [], []
    for k, i in enumerate(range(start, start + n)):
        number = id_number(i)
        pid, posting_id, entry_id = (ids[Professional] + k, ids[Posting] + k, ids[Entry] + k)
        id_hash, masked = identity.keyed_hash(number, key), identity.mask(number)
        people.append({"id": pid, "id_hash": id_hash, "id_masked": masked, "name": name(i),
                       "jurisdiction_code": None, "password_hash": None, "created_at": now})
        postings.append({
            "id": posting_id, "base_id": world.base_id, "external_id": f"direct-{i}",
            "project_id": world.project_id, "professional_id": pid, "id_hash": id_hash,
            "id_masked": masked, "name": name(i), "hours": Decimal(HOURS),
            "subject": "professional", "training_dates": TRAINING_DATES,
            "trained_from": date.fromisoformat(TRAINING_DATES[0]),
            "trained_to": date.fromisoformat(TRAINING_DATES[-1]), "assessment": "passed",
            "content_hash": identity.keyed_digest(number, key),
            "received_at": now, "status": sample.status, "reasons": sample.reasons,
            "policy": sample.policy, "decided_at": now,
        })
        entry = {
            "id": entry_id, "professional_id": pid, "seq": 1, "kind": "credit",
            "hours": Decimal(HOURS), "subject": "professional", "year": 2025,
            "posting_id": posting_id, "base_id": world.base_id, "project_id": world.project_id,
            "reverses_id": None, "policy_version": policy_version, "reason": "",
            "created_at": now, "prev_hash": GENESIS,
        }
        entry["hash"] = entry_hash(GENESIS, {
            "professional": pid, "seq": 1, "kind": "credit", "hours": entry["hours"],
            "subject": "professional", "year": 2025, "posting": posting_id, "reverses": None,
            "policy_version": policy_version, "created_at": now.isoformat()})
        entries.append(entry)
    return {"professional": people, "posting": postings, "entry": entries}


def run_direct(app, world: World, start: int, n: int) -> float:
    """Seconds to insert n completions' rows with executemany in one transaction."""
    rows = direct_rows(app, world, start, n)
    with app.app_context():
        engine = db.engine
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(insert(Professional.__table__), rows["professional"])
            conn.execute(insert(Posting.__table__), rows["posting"])
            conn.execute(insert(Entry.__table__), rows["entry"])
        elapsed = time.perf_counter() - started
        with engine.connect() as conn:
            written = conn.scalar(select(func.count()).select_from(Entry.__table__)
                                  .where(Entry.posting_id >= rows["posting"][0]["id"]))
        engine.dispose()
    if written != n:
        raise SystemExit(f"baseline wrote {written} entries, expected {n}")
    return elapsed


# --- a backend, start to end ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_app(url: str, tmp: Path, clock: FixedClock):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "JWT_KEY_PATH": str(tmp / "jwt.pem"),
        "ID_HASH_KEY": ID_HASH_KEY,
        "CLOCK": clock,
    })
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return app


def run_backend(backend: str, n: int, batch: int) -> Result:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-"))
    cluster = None
    try:
        if backend == "sqlite":
            url = f"sqlite:///{tmp / 'ledger.sqlite3'}"
        else:
            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin)")
            cluster = Cluster(bindir)
            cluster.port = free_port()  # do not meet a test run's cluster on 54329
            cluster.start()
            url = cluster.create_database("ledger_bench")
        clock = FixedClock(FILED_AT)
        app = make_app(url, tmp, clock)
        world = build_world(app, clock)
        with Server(app) as server:
            api_seconds = run_api(server.port, world, n, batch)
        direct_seconds = run_direct(app, world, n, n)
        return Result(backend, n, batch, api_seconds, direct_seconds)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def report(r: Result) -> None:
    print(f"[{r.backend}] N={r.n} batch={r.batch}")
    print(f"  API     {r.api_rate:10.0f} completions/s  ({r.api_seconds:.2f} s, "
          f"{-(-r.n // r.batch)} requests)")
    print(f"  direct  {r.direct_rate:10.0f} completions/s  ({r.direct_seconds:.2f} s, "
          f"executemany, 3 rows each, one transaction)")
    print(f"  direct/API = {1 / r.ratio:.1f}x: the API reaches {r.ratio:.1%} "
          f"of the raw insert rate", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.completions", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="completions per path")
    parser.add_argument("--batch", type=int, default=500, help="completions per request")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    if args.n < 1 or not 1 <= args.batch <= 1000:
        parser.error("--n must be positive and --batch between 1 and 1000")
    # SQLite stores Numeric as float and says so once per statement; it is known.
    warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = []
    for backend in backends:
        results.append(run_backend(backend, args.n, args.batch))
        report(results[-1])
    print()
    print(f"{'backend':<11} {'N':>7} {'batch':>5} {'API/s':>9} {'direct/s':>10} "
          f"{'API % of direct':>16}")
    for r in results:
        print(f"{r.backend:<11} {r.n:>7} {r.batch:>5} {r.api_rate:>9.0f} {r.direct_rate:>10.0f} "
              f"{r.ratio:>16.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
