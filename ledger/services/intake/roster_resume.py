"""Importing a roster from disk with a result file beside it, resumable after a crash.

The result file is the checkpoint: a row is written there only after its chunk was
committed, so on a restart the rows already in it are skipped and the rest posted. Rows
of a chunk committed but not yet written are posted again and answer their first
receipts (``replayed``): never a second credit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from ...actors import Actor
from ..context import Context
from . import roster_files, rosters


def result_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".result.csv")


def count_rows(path: Path, fmt: str) -> int:
    """Data rows in a roster, cheaply (for a progress bar's total)."""
    if fmt == "xlsx":
        book = load_workbook(path, read_only=True)
        try:
            return max((book.worksheets[0].max_row or 1) - 1, 0)
        finally:
            book.close()
    with path.open("rb") as stream:
        lines = sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


def rows_done(result: Path) -> int:
    """Rows already in a result file, after cutting a row a crash left half-written."""
    if not result.exists() or result.stat().st_size == 0:
        return -1
    with result.open("rb+") as out:
        data_end = out.seek(0, io.SEEK_END)
        tail = 0
        while data_end - tail > 0:
            step = min(1 << 16, data_end - tail)
            out.seek(data_end - tail - step)
            block = out.read(step)
            cut = block.rfind(b"\n")
            if cut >= 0:
                out.truncate(data_end - tail - step + cut + 1)
                break
            tail += step
        else:
            out.truncate(0)
            return -1
    with result.open(encoding="utf-8-sig", newline="") as text:
        return sum(1 for _ in csv.reader(text)) - 1  # less the header


def import_path(ctx: Context, actor: Actor, kind: str, path: Path, *,
                result: Path | None = None, restart: bool = False, chunk: int = rosters.CHUNK,
                progress: Callable[[int], None] | None = None) -> tuple[rosters.Tally, int]:
    """Import ``path``, writing each row and its result to ``result`` (a CSV); resume
    where a previous run stopped unless ``restart``. Returns the tally and rows skipped."""
    fmt = roster_files.format_of(path.name)
    result = result or result_path_for(path)
    done = -1 if restart else rows_done(result)
    with path.open("rb") as stream, result.open("ab" if done >= 0 else "wb") as out:
        sink = roster_files.CsvSink(out, append=done >= 0)
        try:
            tally = rosters.import_file(ctx, actor, kind, stream, fmt, sink,
                                        skip=max(done, 0), write_header=done < 0,
                                        progress=progress, chunk=chunk)
        finally:
            sink.close()
    return tally, max(done, 0)
