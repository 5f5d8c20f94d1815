"""A committee's verification of a professional with many entries, against one with few.

A fresh, migrated SQLite database with the
world of bench/completions.py, a committee of the same city, and two registered
professionals: one with ``--small`` entries and one with ``--large``. Their postings and
credit entries are written as the ingest path writes them (entries through
chains.insert_rows, so each has its Merkle-log leaf and its place in the chain), spread
over the years; the log is sealed. Then, alternating small and large, POST
/v1/verifications in process (Flask test client: no network), ``--runs`` times each.
Prints medians, min–max, the large ÷ small ratio and the size of each attestation.

    python -m bench.verification [--small 100] [--large 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from api.db import db, ledger_context
from api.tokens import issue_token
from bench.completions import FILED_AT, build_world, id_number, make_app
from ledger.actors import Role
from ledger.clock import FixedClock
from ledger.services import clients, log, reading
from ledger.services.chains import Chains, insert_rows
from ledger.services.rows import inserted_ids
from ledger.store import Posting

ZIBO = "370300"
FIRST_YEAR, LAST_YEAR = 2000, 2025
CHUNK = 1000


def add_entries(app, world, person_id: int, n: int, tag: str) -> None:
    """n credited postings of one professional, and their credit entries, in chunks."""
    now = datetime(2025, 6, 23, 2, tzinfo=UTC)
    with app.app_context():
        ctx = ledger_context()
        for first in range(0, n, CHUNK):
            count = min(CHUNK, n - first)
            years = [FIRST_YEAR + (first + k) % (LAST_YEAR - FIRST_YEAR + 1)
                     for k in range(count)]
            postings = [{
                "base_id": world.base_id, "external_id": f"{tag}-{first + k}",
                "project_id": world.project_id, "professional_id": person_id,
                "id_hash": "0" * 64, "id_masked": "370***********0000", "name": tag,
                "hours": Decimal("1.0"), "subject": "professional",
                "training_dates": [f"{year}-06-20"], "trained_from": date(year, 6, 20),
                "trained_to": date(year, 6, 20), "assessment": "passed", "minutes": None,
                "content_hash": "0" * 64, "received_at": now, "status": "credited",
                "reasons": [], "notes": [], "policy": None, "decided_at": now,
            } for k, year in enumerate(years)]
            posting_ids = inserted_ids(ctx, Posting, postings)
            chains = Chains(ctx, [person_id])
            insert_rows(ctx, [chains.next_row(
                professional_id=person_id, kind="credit", hours=Decimal("1.0"),
                subject="professional", year=year, posting_id=posting_id,
                base_id=world.base_id, project_id=world.project_id, reverses_id=None,
                policy_version="370300@2025") for year, posting_id in zip(years, posting_ids,
                                                                          strict=True)])
            ctx.session.commit()
        db.session.remove()


def build(app, world, clock, small: int, large: int):
    with app.app_context():
        ctx = ledger_context()
        regulator_client, _ = clients.create_client(
            ctx, role=Role.REGULATOR, name="监管", jurisdiction=ZIBO)
        regulator = clients.actor_for_client(regulator_client)
        committee_client, _ = clients.create_client(
            ctx, role=Role.COMMITTEE, name="淄博市职称评审委员会", jurisdiction=ZIBO)
        committee = clients.actor_for_client(committee_client)
        people = {}
        for label, serial in (("small", 900_001), ("large", 900_002)):
            number = id_number(serial)
            person = reading.register_professional(ctx, regulator, number, f"学员{label}",
                                                   "370303", None)
            people[label] = (person.id, number, f"学员{label}")
        ctx.session.commit()
        db.session.remove()
    for label, n in (("small", small), ("large", large)):
        add_entries(app, world, people[label][0], n, label)
    with app.app_context():
        log.seal(ledger_context())
        token, _ = issue_token(committee)
        db.session.remove()
    return people, token


def verify_once(client, token: str, number: str, name: str) -> tuple[float, int]:
    body = {"id_number": number, "name": name, "year_from": 2021, "year_to": 2025,
            "purpose": "职称评审"}
    started = time.perf_counter()
    response = client.post("/v1/verifications", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code}: {response.get_data(as_text=True)[:2000]}")
    return elapsed, len(response.get_json()["attestation"])


def run(small: int, large: int, runs: int) -> dict[str, list[float]]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    backend = "sqlite"
    try:
        url = f"sqlite:///{tmp / 'ledger.sqlite3'}"
        clock = FixedClock(FILED_AT)
        app = make_app(url, tmp, clock)
        world = build_world(app, clock)
        people, token = build(app, world, clock, small, large)
        client = app.test_client()
        times: dict[str, list[float]] = {"small": [], "large": []}
        sizes: dict[str, int] = {}
        for label in ("small", "large"):  # warm-up
            verify_once(client, token, *people[label][1:])
        for _ in range(runs):
            for label in ("small", "large"):
                seconds, size = verify_once(client, token, *people[label][1:])
                times[label].append(seconds)
                sizes[label] = size
        print(f"[{backend}] committee verification (POST /v1/verifications, in process)")
        for label, n in (("small", small), ("large", large)):
            t = times[label]
            print(f"  {n:6d} entries: median {statistics.median(t) * 1000:7.1f} ms "
                  f"(min {min(t) * 1000:.1f}, max {max(t) * 1000:.1f}; {runs} runs), "
                  f"attestation {sizes[label] / 1024:.0f} KiB")
        ratio = statistics.median(times["large"]) / statistics.median(times["small"])
        print(f"  large/small = {ratio:.1f}x for {large / small:.0f}x the entries", flush=True)
        return times
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verification",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")
    run(args.small, args.large, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
