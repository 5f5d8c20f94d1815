"""`make crash-test`: completions posted with retries through gunicorn while its workers
are SIGKILLed and PostgreSQL is restarted in immediate mode (a crash), then checked.

Set-up: a throwaway PostgreSQL cluster that is durable (fsync and synchronous commit on:
an acknowledged commit must survive a crash); a redis-server for the shared rate limits;
a recognised base with ten accepted projects; gunicorn from gunicorn.conf.py (4 workers).
Load: every (professional, project) pair once, in shuffled batches, each batch with its
own Idempotency-Key, posted by several threads that retry the same key and body after a
dropped connection, a 5xx or a 503 until the batch is acknowledged. Chaos, meanwhile: a
random worker SIGKILLed every ``--kill-every`` seconds, PostgreSQL stopped with
``-m immediate`` and started again every ``--restart-every`` seconds.
Checks: every acknowledged item is present exactly once (one posting; one credit entry
when its receipt says credited, none otherwise), nothing else is present, and every
professional's hash chain verifies; then `flask ledger verify`, once it exists.

    python -m bench.crash [--people 500] [--projects 10] [--batch 50] [--threads 6]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_DAY = date(2025, 6, 20)
HOURS = "8.0"


# --- the durable cluster ---------------------------------------------------------------


def durable_cluster():
    from tests.pgcluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (make system-packages installs it)")

    class DurableCluster(Cluster):
        """The tests' cluster, but durable, and restartable as after a crash."""

        def start(self) -> DurableCluster:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8")
            self._start()
            return self

        def _start(self) -> None:
            options = (f"-k {self.dir} -p {self.port} -c listen_addresses='' "
                       "-c fsync=on -c synchronous_commit=on -c max_connections=120")
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                      str(self.dir / "log"), "-w", "-t", "120", "start")

        def crash_and_restart(self, down_seconds: float) -> None:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            time.sleep(down_seconds)
            self._start()

    return DurableCluster(bindir)


# --- the world ----------------------------------------------------------------------------


def project_days(k: int) -> list[str]:
    start = FIRST_DAY + timedelta(days=3 * k)
    return [(start + timedelta(days=d)).isoformat() for d in range(2)]


def build_world(projects_wanted: int, clock_file: Path) -> dict:
    """In this process: migrate, then a regulator, a recognised base, its LMS client
    and accepted projects, on the clock's filing day."""
    from flask_migrate import upgrade

    from api.db import db, ledger_context
    from app import MIGRATIONS, create_app
    from ledger.clock import SandboxClock
    from ledger.services import clients, projects

    from .harness import FILED_AT, recognised_base

    clock = SandboxClock(clock_file)
    clock.set(FILED_AT)
    app = create_app({"CLOCK": clock})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        ctx = ledger_context()
        regulator, base, lms, secret = recognised_base(ctx)
        project_ids = []
        for k in range(projects_wanted):
            days = project_days(k)
            project = projects.file_project(ctx, clients.actor_for_client(lms), base.id,
                                            projects.NewProject(
                title=f"研修班{k}", subject="professional", field="工程", mode="classroom",
                start_on=date.fromisoformat(days[0]), end_on=date.fromisoformat(days[-1]),
                hours=Decimal(HOURS), fee=Decimal("100.00"), capacity=100_000,
                plan_year=None))
            projects.decide_project(ctx, regulator, project.id, accept=True)
            project_ids.append(project.id)
        world = {"base_id": base.id, "client_id": lms.client_id, "secret": secret,
                 "projects": project_ids}
        db.session.remove()
        db.engine.dispose()
    last = date.fromisoformat(project_days(projects_wanted - 1)[-1])
    clock.set(datetime(last.year, last.month, last.day, 10, tzinfo=UTC) + timedelta(days=3))
    return world


# --- posting with retries -----------------------------------------------------------------


@dataclass
class Tally:
    acknowledged: dict[str, str] = field(default_factory=dict)  # external_id -> status
    attempts: int = 0
    retries: int = 0
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def batches(world: dict, people: int, size: int, seed: int) -> list[tuple[str, bytes]]:
    from tests.scale import id_number, professional_name

    items = [{"external_id": f"p{i}-j{k}", "project_id": project_id,
              "id_number": id_number(i), "name": professional_name(i), "hours": HOURS,
              "subject": "professional", "training_dates": project_days(k),
              "assessment": "passed"}
             for i in range(people) for k, project_id in enumerate(world["projects"])]
    random.Random(seed).shuffle(items)
    return [(uuid.uuid4().hex, json.dumps({"items": items[n:n + size]},
                                          ensure_ascii=False).encode())
            for n in range(0, len(items), size)]


def _answer(status: int, raw: bytes) -> str:
    """An answer's status and, for an error, its problem code: what the retries met."""
    if status == 0:
        return "connection lost"
    if status == 200:
        return "200"
    try:
        return f"{status} {json.loads(raw).get('code')}"
    except ValueError:
        return str(status)


class Poster(threading.Thread):
    def __init__(self, port: int, world: dict, work: list, tally: Tally, deadline: float):
        super().__init__(daemon=True)
        self.port, self.world, self.work, self.tally = port, world, work, tally
        self.deadline = deadline
        self.conn: http.client.HTTPConnection | None = None
        self.token: str | None = None
        self.error: str | None = None

    def _request(self, method: str, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return 0, b""

    def _token(self) -> str | None:
        form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                       "client_id": self.world["client_id"],
                                       "client_secret": self.world["secret"]}).encode()
        status, body = self._request("POST", "/v1/auth/token", form, {
            "Content-Type": "application/x-www-form-urlencoded"})
        return json.loads(body)["access_token"] if status == 200 else None

    def run(self) -> None:
        while True:
            with self.tally.lock:
                if not self.work:
                    return
                key, body = self.work.pop()
            self._post_until_acknowledged(key, body)
            if self.error:
                return

    def _post_until_acknowledged(self, key: str, body: bytes) -> None:
        pause = 0.1
        while time.monotonic() < self.deadline:
            if self.token is None:
                self.token = self._token()
            status, raw = (0, b"") if self.token is None else self._request(
                "POST", "/v1/completions", body, {
                    "Authorization": f"Bearer {self.token}", "Idempotency-Key": key,
                    "Content-Type": "application/json"})
            with self.tally.lock:
                self.tally.attempts += 1
                self.tally.statuses[_answer(status, raw)] += 1
            if status == 200:
                receipts = json.loads(raw)["receipts"]
                with self.tally.lock:
                    for receipt in receipts:
                        self.tally.acknowledged[receipt["external_id"]] = receipt["status"]
                return
            if status == 401:
                self.token = None
            elif status not in (0, 429, 500, 502, 503, 504):
                self.error = f"HTTP {status}: {raw[:500]!r}"
                return
            with self.tally.lock:
                self.tally.retries += 1
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        self.error = "the deadline passed before the batch was acknowledged"


# --- chaos --------------------------------------------------------------------------------


class Chaos(threading.Thread):
    def __init__(self, master: subprocess.Popen, cluster, kill_every: float,
                 restart_every: float, seed: int):
        super().__init__(daemon=True)
        self.master, self.cluster = master, cluster
        self.kill_every, self.restart_every = kill_every, restart_every
        self.random = random.Random(seed)
        self.stop = threading.Event()
        self.kills = self.restarts = 0

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.master.pid}/task/{self.master.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def run(self) -> None:
        next_kill = time.monotonic() + self.kill_every
        next_restart = time.monotonic() + self.restart_every
        while not self.stop.wait(0.2):
            now = time.monotonic()
            if now >= next_kill:
                workers = self.workers()
                if workers:
                    try:
                        os.kill(self.random.choice(workers), signal.SIGKILL)
                        self.kills += 1
                    except ProcessLookupError:
                        pass
                next_kill = now + self.kill_every
            if now >= next_restart:
                self.cluster.crash_and_restart(down_seconds=1.0)
                self.restarts += 1
                next_restart = time.monotonic() + self.restart_every


# --- the checks ---------------------------------------------------------------------------


def check(world: dict, sent: set[str], tally: Tally) -> dict:
    from sqlalchemy import func, select

    from api.db import db
    from app import create_app
    from ledger.journal import verify_chain
    from ledger.services.chains import hashed_fields
    from ledger.store import Entry, Posting

    app = create_app()
    with app.app_context():
        session = db.session
        postings = Counter(session.scalars(
            select(Posting.external_id).where(Posting.base_id == world["base_id"])))
        credits = Counter(session.execute(
            select(Posting.external_id).join(Entry, Entry.posting_id == Posting.id)
            .where(Posting.base_id == world["base_id"], Entry.kind == "credit")).scalars())
        people = session.scalars(select(Entry.professional_id).distinct()).all()
        broken = []
        for person in people:
            entries = session.scalars(select(Entry).where(Entry.professional_id == person)
                                      .order_by(Entry.seq)).all()
            if not verify_chain({**hashed_fields(e), "seq": e.seq, "prev_hash": e.prev_hash,
                                 "hash": e.hash} for e in entries):
                broken.append(person)
        entries_total = session.scalar(select(func.count()).select_from(Entry))
        db.session.remove()
        db.engine.dispose()
    acknowledged = tally.acknowledged
    return {
        "items sent": len(sent),
        "items acknowledged": len(acknowledged),
        "acknowledged but missing": sorted(set(acknowledged) - set(postings))[:10],
        "postings duplicated": sorted(k for k, n in postings.items() if n > 1)[:10],
        "credits duplicated": sorted(k for k, n in credits.items() if n > 1)[:10],
        "credited receipts without one credit": sorted(
            k for k, s in acknowledged.items() if s == "credited" and credits[k] != 1)[:10],
        "present but never sent": sorted(set(postings) - sent)[:10],
        "postings": sum(postings.values()),
        "credit entries": sum(credits.values()),
        "entries": entries_total,
        "chains checked": len(people),
        "chains broken": broken[:10],
    }


def logged_errors(path: Path) -> dict[str, int]:
    """The server's ERROR lines, by their last exception line (what the 500s were)."""
    found: Counter = Counter()
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("level") in ("ERROR", "CRITICAL"):
            text = entry.get("exception") or entry.get("message", "")
            last = text.strip().splitlines()[-1][:160]
            found["a worker SIGKILLed (the chaos)" if "SIGKILL" in last else last] += 1
    return dict(found.most_common(8))


def verify_command_step(env: dict) -> str:
    """`flask ledger verify` (issue 8): seal what the run wrote, then recompute every
    chain, the Merkle tree and every checkpoint from the rows; any finding fails the run."""
    for command in (["seal"], ["verify"]):
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "ledger",
                                 *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"flask ledger {command[0]} failed:\n{result.stdout}\n"
                             f"{result.stderr}")
    return "passed"


# --- the run ------------------------------------------------------------------------------


def wait_for(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become healthy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=2.0)
    parser.add_argument("--restart-every", type=float, default=8.0)
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds, at most")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="ledger-crash-"))
    cluster = durable_cluster().start()
    redis = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(workdir / "redis.sock"),
         "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from .harness import free_port

    port = free_port()
    env = {**os.environ, "DATABASE_URL": cluster.create_database("ledger_crash"),
           "LEDGER_INSTANCE": str(workdir / "instance"),
           "LEDGER_SANDBOX_CLOCK": str(workdir / "clock"),
           "LEDGER_RATELIMIT_STORAGE": f"redis+unix://{workdir / 'redis.sock'}",
           "LEDGER_BIND": f"127.0.0.1:{port}", "LEDGER_WORKERS": str(args.workers),
           "LEDGER_LOG_LEVEL": "warning"}
    os.environ.update(env)
    server = chaos = None
    try:
        world = build_world(args.projects, workdir / "clock")
        work = batches(world, args.people, args.batch, args.seed)
        sent = {item["external_id"] for _key, body in work
                for item in json.loads(body)["items"]}
        log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                                  cwd=ROOT, env=env, stdout=log, stderr=log)
        wait_for(port, 60)
        started = time.monotonic()
        tally = Tally()
        posters = [Poster(port, world, work, tally, started + args.deadline)
                   for _ in range(args.threads)]
        chaos = Chaos(server, cluster, args.kill_every, args.restart_every, args.seed)
        chaos.start()
        for poster in posters:
            poster.start()
        for poster in posters:
            poster.join()
        chaos.stop.set()
        chaos.join()
        elapsed = time.monotonic() - started
        errors = [p.error for p in posters if p.error]
        if errors:
            raise SystemExit("posting failed: " + "; ".join(errors))
        figures = check(world, sent, tally)
        figures.update({
            "batches": len(sent) and -(-len(sent) // args.batch),
            "requests": tally.attempts, "retries": tally.retries,
            "answers by status": dict(sorted(tally.statuses.items())),
            "workers SIGKILLed": chaos.kills, "PostgreSQL crash restarts": chaos.restarts,
            "seconds": round(elapsed, 1),
        })
        log.close()
        figures["errors logged"] = logged_errors(workdir / "gunicorn.log")
        figures["flask ledger verify"] = verify_command_step(env)
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        failed = any(figures[k] for k in (
            "acknowledged but missing", "postings duplicated", "credits duplicated",
            "credited receipts without one credit", "present but never sent",
            "chains broken")) or figures["items acknowledged"] != figures["items sent"]
        print("crash test:", "FAILED" if failed else "passed")
        return 1 if failed else 0
    finally:
        if chaos is not None:
            chaos.stop.set()
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        redis.terminate()
        redis.wait(timeout=10)
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
