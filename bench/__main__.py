"""Every benchmark in bench/, one run, one results table (``make bench``).

Prints the table and writes it into bench/README.md between the results markers.

    python -m bench [--quick]            # or BENCH_QUICK=1

``--quick`` (a few minutes) shrinks every size tenfold and runs each pair once; the
full run (the sizes of issue 12, verification at 10M entries) takes about half an hour
on 2 cores and ~20 GB of disk at its peak.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import completions, harness, merkle_cost, ralph, revocation, single, verification

README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def spread(s: harness.Series, digits: int = 0) -> str:
    return (f"{s.median:,.{digits}f} ({min(s.values):,.{digits}f}–"
            f"{max(s.values):,.{digits}f})")


def ratio_row(label: str, a: harness.Series, b: harness.Series, goal: str,
              digits: int = 0) -> str:
    return (f"| {label} | {spread(a, digits)} ÷ {spread(b, digits)} = "
            f"**{a.median / b.median:.2f}** | {goal} |")


def run(quick: bool, verify_large: int = 10_000_000) -> list[str]:
    scale = 10 if quick else 1
    runs = 1 if quick else 3
    rows = ["| measured | A ÷ B (median, min–max over alternating runs) | goal |",
            "|---|---|---|"]
    # Ingest runs are short (~2 s each): five alternations, so that one run slowed by the
    # machine's other work does not set the median.
    parts = [("batch ingest", lambda: ingest_rows(10_000 // scale, 1 if quick else 5)),
             ("single posts", lambda: single_rows(400 // (2 if quick else 1), runs)),
             ("revocation", lambda: revocation_rows(
                 (100_000 // scale, 1_000_000 // scale), 1 if quick else 2)),
             ("verification", lambda: verification_rows(
                 # p99 of 1,000 requests is their 11th slowest, not the 3rd of 200.
                 [100_000 // scale, verify_large // scale], 1000 // scale)),
             ("merkle log", lambda: merkle_rows(5_000 // scale, runs))]
    for name, part in parts:
        print(f"--- {name} ---", file=sys.stderr, flush=True)
        try:
            rows.extend(part())
        except (Exception, SystemExit) as error:  # noqa: BLE001 - the table says it failed
            rows.append(f"| {name} | **failed**: {str(error)[:200]} | |")
        print("\n".join(rows[2:]), file=sys.stderr, flush=True)
    return rows


def ingest_rows(n: int, runs: int) -> list[str]:
    rows, ingest = [], {}
    for backend in ("postgresql", "sqlite"):
        ingest[backend] = s = completions.measure(backend, n, 500, runs)
        rows.append(ratio_row(f"batch ingest, {backend}: API (gunicorn, 2 clients, 500/batch)"
                              f" ÷ raw executemany, completions/s, N={n:,}",
                              s["api"], s["executemany"], "≥ 0.5"))
        if "copy" in s:
            rows.append(ratio_row("… API ÷ raw COPY (the ceiling)", s["api"], s["copy"], "—"))
    pg = ingest["postgresql"]
    if "ralph" in pg:
        rows.append(ratio_row("batch ingest (PostgreSQL, completions, 500/batch) ÷ ralph xAPI "
                              "statements (fs, 1000/batch, same run)",
                              pg["api"], pg["ralph"], "≥ 1.0"))
        rows.append(ratio_row("… our xAPI statements endpoint (PostgreSQL, 1000/batch) ÷ ralph",
                              pg["xapi"], pg["ralph"], "—"))
    else:
        rows.append("| batch ingest ÷ ralph | ralph not installed (`pip install "
                    "'ralph-malph[cli,lrs]'`) | ≥ 1.0 |")
    return rows


def single_rows(requests: int, runs: int) -> list[str]:
    rows = []
    for backend in ("postgresql", "sqlite"):
        s = single.measure(backend, requests, runs)
        rows.append(ratio_row(f"single-completion POST ÷ empty authenticated GET, "
                              f"{backend}, req/s", s["post"], s["get"], "≥ 0.5"))
    return rows


def revocation_rows(sizes: tuple[int, ...], runs: int) -> list[str]:
    rows = []
    for size in sizes:
        s = revocation.measure(size, runs)
        rows.append(ratio_row(f"revocation of {size:,} credits (PostgreSQL): "
                              f"reverse_credits_from ÷ raw INSERT…SELECT, s",
                              s["ledger"], s["raw"], "≤ 2 at 1M", digits=1))
        rows.append(f"| … RSS growth during reverse_credits_from, {size:,} credits | "
                    f"{spread(s['rss'], 1)} MB | < 300 MB |")
    return rows


def verification_rows(sizes: list[int], requests: int) -> list[str]:
    v = verification.measure(sizes, requests, 2)
    p = harness.percentile
    rows = []
    for state, label in (("warm", "OS cache warmed (every relation read once)"),
                         ("cold", "right after the journal was generated")):
        small = getattr(v[sizes[0]], state)[0]
        large = getattr(v[sizes[-1]], state)[0]
        lead = "committee verification p99" if state == "warm" else "… the same"
        rows.append(f"| {lead}, {sizes[-1]:,} ÷ {sizes[0]:,} entries, {label} | "
                    f"{p(large.ms, 99):,.1f} ÷ {p(small.ms, 99):,.1f} ms = "
                    f"**{p(large.ms, 99) / p(small.ms, 99):.2f}** | "
                    f"{'≤ 1.3' if state == 'warm' else '—'} |")
    for state in ("warm", "cold"):
        for size in sizes:
            many = getattr(v[size], state)[0]
            rows.append(f"| … {state}, p50 / p99 at {size:,} entries | {p(many.ms, 50):,.1f} / "
                        f"{p(many.ms, 99):,.1f} ms (n={len(many.ms)}); {many.io()} | — |")
    for state in ("warm", "cold"):
        long = getattr(v[sizes[-1]], state)[1]
        rows.append(f"| … {state}, a professional with 10,000 entries, p50 / p99 | "
                    f"{p(long.ms, 50):,.0f} / {p(long.ms, 99):,.0f} ms (n={len(long.ms)}) | "
                    f"{'< 300 ms' if state == 'warm' else '—'} |")
    return rows


def merkle_rows(n: int, runs: int) -> list[str]:
    rows = []
    for backend in ("postgresql", "sqlite"):
        s = merkle_cost.measure(backend, n, 500, runs)
        rows.append(ratio_row(f"Merkle log, {backend}: completions/s with logging and sealing "
                              f"on ÷ off (gunicorn, 2 clients, 500/batch), N={n:,}",
                              s["on"], s["off"], "—"))
        rows.append(f"| … seal of {s['leaves'].median:,.0f} leaves, {backend} | "
                    f"{spread(s['seal'], 2)} s | — |")
    return rows


def write_readme(rows: list[str], quick: bool, minutes: float) -> None:
    note = (f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench`"
            f"{' --quick' if quick else ''} in {minutes:.0f} min on {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, ralph "
            f"{'installed' if ralph.available() else 'absent'}.")
    block = "\n".join([BEGIN, note, "", *rows, END])
    text = README.read_text()
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Results\n\n" + block + "\n"
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get(
        "BENCH_QUICK")), help="tenfold smaller sizes, one run each (also BENCH_QUICK=1)")
    # The verification row is at 10M entries: generated with their leaves and
    # sealed in ~20 min on 2 cores and ~19 GB of disk (bench/README.md); smaller with
    # BENCH_VERIFY_LARGE=1000000 where that is too much.
    parser.add_argument("--verify-large", type=int, default=int(os.environ.get(
        "BENCH_VERIFY_LARGE", 10_000_000)), help="entries of the larger verification journal "
        "(default the issue's 10,000,000; also BENCH_VERIFY_LARGE)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = run(args.quick, args.verify_large)
    print("\n".join(rows))
    write_readme(rows, args.quick, (time.monotonic() - started) / 60)
    print(f"\nwritten into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
