"""The garbage collector's settings for a serving worker (gunicorn's post_worker_init).

A 1000-item batch allocates about a million objects. With CPython's defaults (a young
collection every 700 net allocations) a batch triggered some 60 young, 5 middle and
about one full collection; each full one walks every object the worker holds: the
app, SQLAlchemy's and marshmallow's metadata, the policy book. Measured in process on
a 1000-item batch (bench/ingest_profile.py, SQLite): collections took ~240 ms of wall
time per batch on a loaded machine; after ``gc.freeze()`` ~50 ms; with a young
threshold of 10,000 as well ~20 ms.

- ``gc.freeze()`` once the app is loaded moves everything alive then into a permanent
  generation that no collection walks again (it is never garbage: modules, metadata).
- A young threshold of 10,000 lets a request's short-lived objects die by reference
  counting before a collection looks at them; cycles still get collected, later.

Used from gunicorn.conf.py (production) and by the benchmark's gunicorn command
(``--config python:api.gcsettings``).
"""

from __future__ import annotations

import gc
from typing import Any

YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Freeze what the loaded app holds and raise the young generation's threshold."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def post_worker_init(worker: Any) -> None:
    """gunicorn hook: the worker has loaded the app and is about to serve."""
    settle_heap()
