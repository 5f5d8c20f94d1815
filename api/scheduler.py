"""The one scheduler process: APScheduler runs each sweep daily, in Beijing time.

Run it as ``flask --app app ledger scheduler`` beside the web workers. Web workers never
run jobs; and should two schedulers run, the job's advisory lock (PostgreSQL) lets only
one of them do the work.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from ledger.clock import CHINA
from ledger.services.jobs import JOBS, run_job

from .db import db, ledger_context

log = logging.getLogger("ledger.jobs")

# When each sweep runs, Beijing time: after midnight, so "today" is the new day.
SCHEDULE = {
    "expire-terms": {"hour": 0, "minute": 10},
    "overdue-rectifications": {"hour": 0, "minute": 20},
    "decide-held": {"hour": 6, "minute": 0},
    "notices": {"hour": 0, "minute": 30},
    "missing-annual-plans": {"hour": 1, "minute": 0},
    "inactivity": {"hour": 1, "minute": 30},
    "reminders": {"hour": 8, "minute": 0},
    "flag-scan": {"hour": 2, "minute": 0},
    "feed-push": {"minute": "*/5"},  # 四川 第三十一条: pushed as it happens, not once a day
}


def run_in_app(app: Flask, name: str):
    """Run one job inside the app; log and return what it changed (None: skipped)."""
    with app.app_context():
        try:
            changes = run_job(ledger_context(), name)
        finally:
            db.session.remove()
    if changes is None:
        log.info("%s: another runner holds the lock; skipped", name)
    else:
        log.info("%s: %d change(s) %s", name, len(changes), changes)
    return changes


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=CHINA)
    for name in JOBS:
        scheduler.add_job(run_in_app, CronTrigger(timezone=CHINA, **SCHEDULE[name]),
                          args=(app, name), id=name, name=name, max_instances=1,
                          coalesce=True, misfire_grace_time=3600)
    # The Merkle log is sealed every few minutes: a signed checkpoint over what was written.
    from apscheduler.triggers.interval import IntervalTrigger

    from .log_cli import seal_in_app

    scheduler.add_job(seal_in_app, IntervalTrigger(minutes=app.config.get("LOG_SEAL_MINUTES", 5)),
                      args=(app,), id="seal", name="seal", max_instances=1, coalesce=True)
    return scheduler
