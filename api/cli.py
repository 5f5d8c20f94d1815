"""`flask --app app ledger ...`: thin wrappers over the services."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

import click
from flask import Blueprint, current_app
from sqlalchemy import func, select

from ledger.actors import Role
from ledger.clock import CHINA, SandboxClock
from ledger.services import activation, bases, clients, reading
from ledger.services.jobs import JOBS
from ledger.services.jurisdictions import ensure_jurisdictions
from ledger.standing import EventType, StandingEvent
from ledger.store import Client

from . import scheduler
from .db import db, ledger_context

cli = Blueprint("ledger_cli", __name__, cli_group="ledger")


@cli.cli.command("create-client")
@click.option("--role", type=click.Choice(["regulator", "committee", "base"]), required=True)
@click.option("--name", required=True)
@click.option("--jurisdiction", help="GB/T 2260 code, for a regulator or committee")
@click.option("--base-id", type=int, help="the base, for a base client")
def create_client_command(role, name, jurisdiction, base_id):
    """Create an API client and print its credentials as JSON (shown only once)."""
    client, secret = clients.create_client(ledger_context(), role=Role(role), name=name,
                                           jurisdiction=jurisdiction, base_id=base_id)
    click.echo(json.dumps({"client_id": client.client_id, "client_secret": secret,
                           "role": role, "jurisdiction": jurisdiction, "base_id": base_id}))


@cli.cli.command("run-job")
@click.argument("name", type=click.Choice(sorted(JOBS)))
def run_job_command(name):
    """Run one scheduled sweep now and print what it changed as JSON."""
    logging.basicConfig(level=logging.INFO)
    changes = scheduler.run_in_app(current_app._get_current_object(), name)
    click.echo(json.dumps({"job": name, "skipped": changes is None, "changes": changes or []},
                          ensure_ascii=False))


@cli.cli.command("scheduler")
def scheduler_command():
    """Run the scheduler process: every sweep on its daily schedule (Beijing time)."""
    logging.basicConfig(level=logging.INFO)
    process = scheduler.build_scheduler(current_app._get_current_object())
    for job in process.get_jobs():
        click.echo(f"{job.name}: {job.trigger}")
    process.start()


@cli.cli.command("demo")
def demo_command():
    """On a new database, create demo clients and print their credentials and a first curl.

    The credentials are also written to instance/demo-credentials.json (mode 0600), which
    the README's walkthrough reads.
    """
    if not needs_demo():
        click.echo("demo: the database already has clients; nothing created")
        return
    demo = create_demo()
    path = Path(current_app.instance_path) / "demo-credentials.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(demo, out, ensure_ascii=False, indent=2)
    click.echo(json.dumps(demo, ensure_ascii=False, indent=2))
    click.echo(f"(saved to {path})")


@cli.cli.command("clock")
@click.argument("moment", required=False)
def clock_command(moment):
    """Show the ledger's now, or set a sandbox clock (LEDGER_SANDBOX_CLOCK) to MOMENT."""
    clock = current_app.extensions["ledger_clock"]
    if moment is not None:
        if not isinstance(clock, SandboxClock):
            raise click.UsageError("the clock is the system's; start with LEDGER_SANDBOX_CLOCK")
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=CHINA)
        clock.set(parsed)
    click.echo(clock.now().astimezone(CHINA).isoformat())


def needs_demo() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Client))


DEMO_JURISDICTION = "370300"  # 淄博市, whose 2025 regulation is in force
DEMO_PROFESSIONAL = {"id_number": "370303199001011239", "name": "张三", "password": "demo-pass-1"}


def create_demo() -> dict:
    ctx = ledger_context()
    ensure_jurisdictions(ctx)
    ctx.session.commit()
    regulator, regulator_secret = clients.create_client(
        ctx, role=Role.REGULATOR, name="淄博市人力资源和社会保障局", jurisdiction=DEMO_JURISDICTION)
    committee, committee_secret = clients.create_client(
        ctx, role=Role.COMMITTEE, name="淄博市工程技术职称评审委员会",
        jurisdiction=DEMO_JURISDICTION)
    as_regulator = clients.actor_for_client(regulator)
    base = bases.register_base(ctx, as_regulator, bases.NewBase(
        name="淄博职业学院继续教育基地", level="municipal", jurisdiction=DEMO_JURISDICTION,
        host_unit="淄博职业学院", supervising_unit="淄博市教育局",
        registry_number="ZB-2025-001", scope_subjects=["public", "professional"],
        scope_fields=[]))
    bases.append_standing_event(ctx, as_regulator, base.id, StandingEvent(
        EventType.RECOGNISED, ctx.today().replace(month=1, day=1), reason="demo recognition"))
    base_client, base_secret = clients.create_client(ctx, role=Role.BASE, name="demo LMS",
                                                     base_id=base.id)
    reading.register_professional(ctx, as_regulator, DEMO_PROFESSIONAL["id_number"],
                                  DEMO_PROFESSIONAL["name"], DEMO_JURISDICTION,
                                  DEMO_PROFESSIONAL["password"])
    host = current_app.config["PUBLIC_URL"]
    return {
        "regulator": {"client_id": regulator.client_id, "client_secret": regulator_secret,
                      "jurisdiction": DEMO_JURISDICTION},
        "base": {"client_id": base_client.client_id, "client_secret": base_secret,
                 "base_id": base.id},
        "committee": {"client_id": committee.client_id, "client_secret": committee_secret,
                      "jurisdiction": DEMO_JURISDICTION},
        "professional": {"username": DEMO_PROFESSIONAL["id_number"],
                         "password": DEMO_PROFESSIONAL["password"]},
        "first_curl": (f"curl -s {host}/v1/auth/token -d grant_type=client_credentials "
                       f"-d client_id={regulator.client_id} -d client_secret={regulator_secret}"),
    }




@cli.cli.command("rotate-id-key")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the new key ring (default: the key file in use)")
def rotate_id_key_command(out):
    """Add a new ID-hash key and re-key every look-up in one transaction.

    Stop the web workers and the scheduler first; back up the new key ring with the
    database afterwards (the old ring no longer opens it).
    """
    from ledger.keys import IdKeyError

    from . import keys as id_keys

    try:
        report = id_keys.rotate_id_key(current_app._get_current_object(), out)
    except IdKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report))


@cli.cli.command("grant-app-role")
@click.argument("role")
def grant_app_role_command(role):
    """Give the app's PostgreSQL ROLE its privileges, as the owner (MIGRATION_DATABASE_URL).

    SELECT and INSERT on the append-only tables, UPDATE also on the others, no DELETE or
    TRUNCATE anywhere; `flask db upgrade` does the same when LEDGER_APP_ROLE is set.
    """
    from ledger.store import Base
    from ledger.store.grants import grant_app_role

    from .owner import owner_engine

    with owner_engine(current_app._get_current_object()) as engine, engine.begin() as conn:
        try:
            granted = grant_app_role(conn, role, Base.metadata)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps({"role": role, "granted": granted}))


@cli.cli.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def backup_command(dest):
    """Copy the database consistently, with the ID-hash key ring and the signing key,
    into the new directory DEST (keep it apart from the live keys)."""
    from .backup import BackupError, backup

    try:
        manifest = backup(current_app._get_current_object(), dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(manifest, ensure_ascii=False))


@cli.cli.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace a database that holds data")
def restore_command(src, force):
    """Restore a backup made by `flask ledger backup`: the database and its keys.

    Stop the app first. Over an install whose key was lost, run it with
    LEDGER_KEY_CHECK=off (the app would otherwise refuse to start).
    """
    from .backup import BackupError, restore

    try:
        result = restore(current_app._get_current_object(), src, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, ensure_ascii=False))
@cli.cli.command("activation-code")
@click.option("--regulator", "regulator_id", required=True,
              help="the client id of the regulator issuing the code")
@click.option("--id-number", prompt=True, hide_input=True,
              help="the professional's ID number (prompted if absent, so it stays out of "
                   "the shell history)")
def activation_code_command(regulator_id, id_number):
    """Issue a professional's one-time activation code and print it as JSON (shown once)."""
    client = db.session.scalar(select(Client).where(Client.client_id == regulator_id))
    if client is None or client.role != Role.REGULATOR or client.disabled:
        raise click.BadParameter("no such regulator client", param_hint="--regulator")
    issued = activation.issue_code(ledger_context(), clients.actor_for_client(client),
                                   id_number)
    click.echo(json.dumps({**issued, "expires_at": issued["expires_at"].isoformat()},
                          ensure_ascii=False))
@cli.cli.command("disable-client")
@click.argument("client_id")
def disable_client_command(client_id):
    """Disable a client: its secret and every token it holds stop working at once."""
    client = clients.disable_client(ledger_context(), client_id)
    click.echo(json.dumps({"client_id": client.client_id, "disabled": True}))


@cli.cli.command("rotate-client-secret")
@click.argument("client_id")
def rotate_client_secret_command(client_id):
    """Give a client a new secret and print it as JSON (shown only once); the old secret
    and the tokens issued with it stop working."""
    client, secret = clients.rotate_client_secret(ledger_context(), client_id)
    click.echo(json.dumps({"client_id": client.client_id, "client_secret": secret}))
