"""gunicorn settings for `make serve` and deploy/xueshi-ledger.service.

Workers: ``gthread`` workers, ``cores + 1`` processes of ``LEDGER_THREADS`` (4) threads.
A request is a short database transaction plus some CPU (argon2id at the token endpoint,
JSON), so threads cover the waits on the database and processes use the cores; on 2
cores that is 3 workers (12 requests at once), on 16 cores 17 workers (68). Each thread
holds at most one database connection: PostgreSQL's max_connections must exceed
workers x threads + 2 (the scheduler and migrations); 100, the default, fits 16 cores.
``LEDGER_WORKERS`` / ``LEDGER_THREADS`` override.

Rate limits must live where every worker sees them: with more than one worker a
``memory://`` rate-limit storage is refused at start (see api/ratelimit.py).
The app writes one JSON access line per request (with its X-Request-Id), so gunicorn's
own access log is off and its error log is JSON too.
"""

from __future__ import annotations

import os

wsgi_app = "app:create_app()"
bind = os.environ.get("LEDGER_BIND", "127.0.0.1:8000").split(",")


def workers_for(cores: int) -> int:
    return cores + 1


workers = int(os.environ.get("LEDGER_WORKERS") or workers_for(os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("LEDGER_THREADS") or 4)
# A batch of 1000 completions takes well under a second; 30 s is a stuck worker.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so no slow leak grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Header limits well below gunicorn's maxima; bodies are bounded by the app (api.bodies).
limit_request_line = 8190
limit_request_fields = 64
limit_request_field_size = 8190
# Behind a reverse proxy on the same host, trust its X-Forwarded-For for the client's
# address (rate limits are per address).
forwarded_allow_ips = os.environ.get("LEDGER_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LEDGER_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "api.serving.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stderr"}},
    "root": {"level": loglevel.upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"],
                           "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
    },
}


def on_starting(server) -> None:
    storage = os.environ.get("LEDGER_RATELIMIT_STORAGE", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        raise SystemExit("LEDGER_RATELIMIT_STORAGE must be shared by the workers "
                         "(e.g. redis+unix:///run/redis/redis-server.sock), not memory://")


def post_worker_init(worker) -> None:
    # The loaded app frozen out of the collector's way, a higher young threshold
    # (api/gcsettings.py says what each is worth on a batch).
    from api.gcsettings import settle_heap

    settle_heap()
