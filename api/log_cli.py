"""`flask --app app ledger seal | verify | rotate-key`: the Merkle log's commands."""

from __future__ import annotations

import json
import sys

import click
from flask import Blueprint, current_app
from flask.cli import with_appcontext

from ledger.services import log, verify

from .db import db, ledger_context


def seal_in_app(app) -> int | None:
    """Seal waiting leaves (the scheduler's job); the new tree size, or None."""
    with app.app_context():
        try:
            head = log.seal(ledger_context())
        finally:
            db.session.remove()
        return head.size if head else None


@click.command("seal")
@with_appcontext
def seal_command():
    """Give waiting leaves their places in the log and sign the new checkpoint."""
    head = log.seal(ledger_context())
    if head is None:
        click.echo("seal: no leaf is waiting; the latest checkpoint stands", err=True)
        head = log.latest(ledger_context())
        if head is None:
            return
    click.echo(head.note, nl=False)


@click.command("rotate-key")
@with_appcontext
def rotate_key_command():
    """Retire the signing key (its public key stays in the JWKS) and start a new one.

    Restart the web workers and the scheduler afterwards so they sign with the new key.
    """
    keys = current_app.extensions["ledger_keyset"]
    old = keys.kid
    new = keys.rotate()
    click.echo(json.dumps({"retired": old, "current": new,
                           "published": [k["kid"] for k in keys.jwks()["keys"]]}))


def _progress(stage: str, done: int, total: int) -> None:
    click.echo(f"\r{stage}: {done}/{total}", nl=done >= total, err=True)


@click.command("verify")
@with_appcontext
@click.option("--trusted", type=click.File("r"), multiple=True,
              help="a signed checkpoint kept outside the database; the log must extend it")
@click.option("--json", "as_json", is_flag=True, help="print the findings as JSON")
def verify_command(trusted, as_json):
    """Recompute every chain, leaf, the tree and every checkpoint; name what was altered.

    Exits 1 when anything is found, 0 when the ledger checks out.
    """
    report = verify.verify_ledger(ledger_context(), trusted=[f.read() for f in trusted],
                                  progress=_progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(str(finding))
        click.echo(report.summary(), err=True)
    sys.exit(1 if report.findings else 0)


def add_commands(blueprint: Blueprint) -> None:
    """Add seal, verify and rotate-key to the ``ledger`` command group."""
    for command in (seal_command, rotate_key_command, verify_command):
        blueprint.cli.add_command(command)
