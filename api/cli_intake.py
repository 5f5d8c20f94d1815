"""`flask --app app ledger import-roster FILE --base ID`: a roster from disk, with a
progress bar, resumable after a crash (see ledger/services/intake/roster_resume.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from tqdm import tqdm

from ledger.actors import Actor, Role
from ledger.services.intake import roster_files, roster_resume

from .cli import cli
from .db import ledger_context


@cli.cli.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--base", "base_id", type=int, required=True, help="the base the roster is of")
@click.option("--kind", type=click.Choice(["completions", "attendance"]),
              default="completions", show_default=True)
@click.option("--result", type=click.Path(dir_okay=False, path_type=Path),
              help="the result file (default: FILE.result.csv); a partial one is resumed")
@click.option("--restart", is_flag=True, help="start over instead of resuming")
@click.option("--chunk", type=click.IntRange(1, 1000), default=1000, show_default=True)
def import_roster_command(file, base_id, kind, result, restart, chunk):
    """Import a CSV/XLSX roster for a base; every row gets a result in the result file."""
    actor = Actor(role=Role.BASE, subject=f"cli:base:{base_id}", name="import-roster",
                  base_id=base_id)
    total = roster_resume.count_rows(file, roster_files.format_of(file.name))
    with tqdm(total=total, unit="row", unit_scale=True, desc=file.name) as bar:
        def advance(n: int) -> None:
            bar.update(n)

        done = roster_resume.rows_done(result or roster_resume.result_path_for(file))
        if done > 0 and not restart:
            bar.update(done)
        tally, skipped = roster_resume.import_path(
            ledger_context(), actor, kind, file, result=result, restart=restart, chunk=chunk,
            progress=advance)
    click.echo(json.dumps({"rows": tally.rows, "skipped_as_done": skipped,
                           "errors": tally.errors, "by_result": tally.by_status or {},
                           "result_file": str(result or roster_resume.result_path_for(file))},
                          ensure_ascii=False))
