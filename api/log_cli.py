"""`flask --app app ledger seal | rotate-key`: the Merkle log's commands."""

from __future__ import annotations

import json

import click
from flask import current_app

from ledger.services import log

from .cli import cli
from .db import db, ledger_context


def seal_in_app(app) -> int | None:
    """Seal waiting leaves (the scheduler's job); the new tree size, or None."""
    with app.app_context():
        try:
            head = log.seal(ledger_context())
        finally:
            db.session.remove()
        return head.size if head else None


@cli.cli.command("seal")
def seal_command():
    """Give waiting leaves their places in the log and sign the new checkpoint."""
    head = log.seal(ledger_context())
    if head is None:
        click.echo("seal: no leaf is waiting; the latest checkpoint stands", err=True)
        head = log.latest(ledger_context())
        if head is None:
            return
    click.echo(head.note, nl=False)


@cli.cli.command("rotate-key")
def rotate_key_command():
    """Retire the signing key (its public key stays in the JWKS) and start a new one.

    Restart the web workers and the scheduler afterwards so they sign with the new key.
    """
    keys = current_app.extensions["ledger_keyset"]
    old = keys.kid
    new = keys.rotate()
    click.echo(json.dumps({"retired": old, "current": new,
                           "published": [k["kid"] for k in keys.jwks()["keys"]]}))
