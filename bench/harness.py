"""What every benchmark shares: a fresh database, the app served by gunicorn, a world of
actors, HTTP helpers, alternating A/B runs with their medians, and RSS sampling."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from api.db import db, ledger_context
from app import MIGRATIONS, create_app
from ledger.actors import Actor, Role
from ledger.clock import FixedClock
from ledger.services import Context, bases, clients, projects
from ledger.services.jurisdictions import ensure_jurisdictions
from ledger.standing import EventType, StandingEvent
from tests import scale
from tests.pgcluster import Cluster, find_bindir

ID_HASH_KEY = "5a" * 32
ZIBO = "370300"
FILED_AT = datetime(2025, 6, 10, 2, tzinfo=UTC)  # 10:00 in Beijing, ten days ahead
AFTER_TRAINING = datetime(2025, 6, 23, 2, tzinfo=UTC)
TRAINING_DATES = ["2025-06-20", "2025-06-21", "2025-06-22"]
HOURS = "24.0"
ROOT = Path(__file__).resolve().parent.parent

# SQLite stores Numeric as float and says so once per statement; it is known.
warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")


# --- a database and the app on it ----------------------------------------------------


@dataclass
class Database:
    backend: str
    url: str
    tmp: Path
    cluster: Cluster | None = None

    @property
    def app_config(self) -> dict[str, object]:
        return {"SQLALCHEMY_DATABASE_URI": self.url, "JWT_KEY_PATH": str(self.tmp / "jwt.pem"),
                "ID_HASH_KEY": ID_HASH_KEY}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def database(backend: str) -> Iterator[Database]:
    """A fresh, migrated database: a SQLite file, or a throwaway PostgreSQL cluster."""
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
        db_ = Database(backend, url, tmp, cluster)
        app = make_app(db_, FixedClock(FILED_AT))
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            db.engine.dispose()
        yield db_
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def make_app(db_: Database, clock: FixedClock, **config: object):
    """The app in this process; ``config`` adds settings (e.g. LEDGER_LOG=False)."""
    return create_app({**db_.app_config, "CLOCK": clock, **config})


@dataclass
class World:
    base_id: int
    project_id: int
    client_id: str
    secret: str
    committee_id: str = ""
    committee_secret: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def recognised_base(ctx: Context) -> tuple[Actor, Any, Any, str]:
    """A regulator, a recognised numbered base and its LMS client, in 淄博 (370300):
    (the regulator, the base, the LMS client, its secret)."""
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
    return regulator, base, lms, secret


def build_world(app) -> World:
    """A regulator, a recognised numbered base, its LMS client, an accepted project and
    a committee, all in 淄博 (370300)."""
    with app.app_context():
        ctx = ledger_context()
        regulator, base, lms, secret = recognised_base(ctx)
        project = projects.file_project(ctx, clients.actor_for_client(lms), base.id,
                                        projects.NewProject(
            title="建筑工程新技术研修班", subject="professional", field="工程",
            mode="classroom", start_on=date(2025, 6, 20), end_on=date(2025, 6, 22),
            hours=Decimal(HOURS), fee=Decimal("800.00"), capacity=10_000_000, plan_year=None))
        projects.decide_project(ctx, regulator, project.id, accept=True)
        committee, committee_secret = clients.create_client(
            ctx, role=Role.COMMITTEE, name="淄博市职称评审委员会", jurisdiction=ZIBO)
        world = World(base.id, project.id, lms.client_id, secret,
                      committee.client_id, committee_secret)
        db.session.remove()
        db.engine.dispose()
    return world


def connect(db_: Database):
    """A plain driver connection (sqlite3 or psycopg) to the database, no SQLAlchemy."""
    url = make_url(db_.url)
    if db_.backend == "sqlite":
        return sqlite3.connect(url.database)
    return psycopg.connect(dbname=url.database, user=url.username, **url.query)


def write_cohort(db_: Database, cohort: scale.Cohort, logged: bool = False,
                 writers: int = 2) -> None:
    """bench/generate.py's write_cohort (every benchmark reaches it through here)."""
    from . import generate  # it builds on this module

    generate.write_cohort(db_, cohort, logged, writers)


# --- gunicorn ------------------------------------------------------------------------

WSGI = """
import json
import os
from datetime import datetime
from app import create_app
from ledger.clock import FixedClock
app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
                  "JWT_KEY_PATH": os.environ["BENCH_JWT_KEY_PATH"],
                  "ID_HASH_KEY": os.environ["BENCH_ID_HASH_KEY"],
                  "CLOCK": FixedClock(datetime.fromisoformat(os.environ["BENCH_NOW"])),
                  **json.loads(os.environ.get("BENCH_CONFIG", "{}"))})
"""


# The rate limiter stays on (its cost is part of every request, as in production) with
# limits a benchmark's few clients never reach: 1200 posts a minute per client is the
# production limit, and single posts now pass it.
UNTRIPPED_LIMITS = {name: "10000000/minute" for name in (
    "RATELIMIT_PER_ADDRESS", "RATELIMIT_PER_SUBJECT", "RATELIMIT_TOKEN_PER_ADDRESS",
    "RATELIMIT_TOKEN_PER_CLIENT")}


@contextmanager
def gunicorn(db_: Database, now: datetime = AFTER_TRAINING, workers: int = 2,
             threads: int = 4, config: dict[str, object] | None = None) -> Iterator[int]:
    """The app served by gunicorn as in production (gthread workers, keep-alive), with
    settings from this command line rather than any gunicorn.conf.py; yields the port.
    ``config`` (JSON-able) adds app settings, as make_app's keywords do."""
    (db_.tmp / "bench_wsgi.py").write_text(WSGI)
    port = free_port()
    env = {**os.environ, "BENCH_DATABASE_URL": db_.url,
           "BENCH_JWT_KEY_PATH": str(db_.tmp / "jwt.pem"), "BENCH_ID_HASH_KEY": ID_HASH_KEY,
           "BENCH_NOW": now.isoformat(),
           "BENCH_CONFIG": json.dumps({**UNTRIPPED_LIMITS, **(config or {})}),
           "PYTHONPATH": f"{db_.tmp}:{ROOT}"}
    command = [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", "gthread", "--threads",
               str(threads), "--keep-alive", "30", "--timeout", "600", "--log-level",
               "warning",
               # The production GC settings (post_worker_init), nothing else of its config.
               "--config", "python:api.gcsettings",
               "bench_wsgi:app"]  # cwd is the temp dir: no gunicorn.conf.py
    with listening(subprocess.Popen(command, env=env, cwd=db_.tmp), port, "gunicorn"):
        yield port


@contextmanager
def listening(server: subprocess.Popen, port: int, name: str) -> Iterator[int]:
    """Wait (a minute at most) until ``server`` listens on ``port``; stop it afterwards."""
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{name} did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


# --- HTTP ----------------------------------------------------------------------------


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
            headers: dict[str, str]) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def in_process(db_: Database) -> tuple[World, Any, dict[str, str]]:
    """The world, a Flask test client of the app after training, and the LMS's headers:
    for the in-process profiles (bench/ingest_profile.py, bench/single_profile.py)."""
    world = build_world(make_app(db_, FixedClock(FILED_AT)))
    client = make_app(db_, FixedClock(AFTER_TRAINING)).test_client()
    token = client.post("/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": world.client_id,
        "client_secret": world.secret}).get_json()["access_token"]
    return world, client, {"Authorization": f"Bearer {token}",
                           "Content-Type": "application/json"}


def fetch_token(port: int, client_id: str, secret: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": secret}).encode()
    status, body = request(conn, "POST", "/v1/auth/token", form,
                           {"Content-Type": "application/x-www-form-urlencoded"})
    conn.close()
    if status != 200:
        raise SystemExit(f"token request failed: HTTP {status}\n{body.decode(errors='replace')}")
    return json.loads(body)["access_token"]


def in_parallel(jobs: list[Callable[[], object]]) -> float:
    """Seconds until every job, each on its own thread, has finished; re-raises failures."""
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            job()
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


# --- figures -------------------------------------------------------------------------


@dataclass
class Series:
    """Repeated measurements of one thing, in one unit."""

    label: str
    unit: str
    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        return (f"{self.median:,.0f} {self.unit} ({min(self.values):,.0f}–"
                f"{max(self.values):,.0f}, n={len(self.values)})")


def alternate(runs: int, *steps: Callable[[int], None]) -> None:
    """Run A, B, (C…), A, B, … ``runs`` times, so drift on a shared machine hits all."""
    for k in range(runs):
        for step in steps:
            step(k)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def rss_growth(interval: float = 0.05) -> Iterator[list[int]]:
    """The peak growth of this process's resident set while the block runs, sampled."""
    base, peak, done = rss_bytes(), [0], threading.Event()

    def sample() -> None:
        while not done.wait(interval):
            peak[0] = max(peak[0], rss_bytes() - base)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], rss_bytes() - base)
