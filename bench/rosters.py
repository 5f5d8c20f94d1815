"""Importing a CSV roster against a plain csv read of the same file, in one run.

A CSV roster of N completions of distinct professionals (default 1,000,000) is written
once. Then, each in its own fresh process so peak RSS belongs to that path alone:

1. the baseline: ``csv.reader`` over the file, every row touched, nothing else;
2. the import: ``roster_resume.import_path`` (what ``flask ledger import-roster`` runs)
   into a fresh, migrated database (bench/harness.py: SQLite, or a throwaway PostgreSQL
   cluster) with a recognised base and an accepted project, writing the result file;
   every row must come back credited;
3. the import of a roster of a tenth of the rows, so peak RSS at N and N/10 can be compared:
   streaming means it does not grow with the file.

Printed: rows/s and peak RSS (ru_maxrss) of each, and the ratios.

    python -m bench.rosters [--rows 1000000] [--chunk 1000] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import queue as queues
import resource
import shutil
import tempfile
import time
from pathlib import Path

HEADER = ["外部编号", "项目编号", "身份证号", "姓名", "学时", "科目", "培训日期", "考核结果"]


def write_roster(path: Path, rows: int, project_id: int) -> None:
    from bench.harness import TRAINING_DATES
    from tests.scale import id_number, professional_name

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        span = f"{TRAINING_DATES[0]}~{TRAINING_DATES[-1]}"
        for i in range(rows):
            writer.writerow([f"r-{i}", project_id, id_number(i), professional_name(i), "24.0",
                             "专业科目",
                             span, "合格"])


def peak_rss_mib() -> float:
    """This process's peak RSS. VmHWM belongs to the process's own address space;
    ru_maxrss would carry over the parent's peak at fork, through the exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def plain_read(path: str, queue) -> None:
    start = time.perf_counter()
    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        next(reader)
        for row in reader:
            rows += len(row) > 0
    queue.put((rows, time.perf_counter() - start, peak_rss_mib()))


def import_roster(path: str, rows: int, chunk: int, backend: str, queue) -> None:
    from api.db import ledger_context
    from bench import harness
    from ledger.actors import Actor, Role
    from ledger.clock import FixedClock
    from ledger.services.intake import roster_resume

    with harness.database(backend) as db_:
        clock = FixedClock(harness.FILED_AT)
        app = harness.make_app(db_, clock)
        world = harness.build_world(app)
        if world.project_id != 1:  # the roster was written for project 1
            raise SystemExit(f"the fresh database's project is {world.project_id}, not 1")
        clock.set(harness.AFTER_TRAINING)  # the training is over: rows may now be credited
        with app.app_context():
            actor = Actor(role=Role.BASE, subject="bench", base_id=world.base_id)
            start = time.perf_counter()
            tally, _ = roster_resume.import_path(ledger_context(), actor, "completions",
                                                 Path(path), chunk=chunk, restart=True)
            seconds = time.perf_counter() - start
        credited = (tally.by_status or {}).get("credited", 0)
        if credited != rows:
            raise SystemExit(f"only {credited} of {rows} rows credited: {tally}")
        queue.put((tally.rows, seconds, peak_rss_mib()))


def in_child(target, *args) -> tuple[int, float, float]:
    """Run ``target`` in a fresh (spawned) process; its rows, seconds and peak RSS."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    while True:  # a child that fails puts nothing: do not wait for it forever
        try:
            result = queue.get(timeout=1)
            break
        except queues.Empty:
            if not process.is_alive():
                raise SystemExit(f"{target.__name__} failed with exit code "
                                 f"{process.exitcode}") from None
    process.join()
    if process.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rosters",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args(argv)
    if args.rows < 10 or not 1 <= args.chunk <= 1000:
        parser.error("--rows at least 10, --chunk between 1 and 1000")
    tmp = Path(tempfile.mkdtemp(prefix="bench-roster-file-"))
    try:
        roster = tmp / "roster.csv"
        write_roster(roster, args.rows, 1)
        size = roster.stat().st_size / (1 << 20)
        small = args.rows // 10
        tenth = tmp / "roster-tenth.csv"
        write_roster(tenth, small, 1)
        read_rows, read_s, read_rss = in_child(plain_read, str(roster))
        print(f"roster: {args.rows} rows, {size:.0f} MiB CSV, chunks of {args.chunk}")
        print(f"  plain csv read   {read_rows / read_s:>10.0f} rows/s  peak RSS "
              f"{read_rss:7.1f} MiB", flush=True)
        for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
            _, small_s, small_rss = in_child(import_roster, str(tenth), small, args.chunk,
                                             backend)
            rows, import_s, import_rss = in_child(import_roster, str(roster), args.rows,
                                                  args.chunk, backend)
            print(f"  [{backend}]")
            print(f"  import ({small:>7})  {small / small_s:>10.0f} rows/s  peak RSS "
                  f"{small_rss:7.1f} MiB")
            print(f"  import ({rows:>7})  {rows / import_s:>10.0f} rows/s  peak RSS "
                  f"{import_rss:7.1f} MiB")
            print(f"  import/plain read: {rows / import_s / (read_rows / read_s):.2%} of the "
                  f"rate, {import_rss / read_rss:.1f}x the peak RSS; peak RSS at N vs N/10: "
                  f"{import_rss / small_rss:.2f}x", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
