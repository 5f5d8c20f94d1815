"""The xAPI learning record store ralph (openfun/ralph, ``ralph-malph`` on PyPI), served
side by side with the ledger: its fs backend (made to append, see APP), under gunicorn
with uvicorn workers (as many as ours), HTTP basic auth, ``completed`` statements POSTed
in 1000-statement batches.

ralph's statement ingest is compared with our completions batch and with our own xAPI
endpoint given the same statements (bench/completions.py). ralph keeps one JSON line per
statement; we keep the statement and three rows, run every rule, chain a hash, write the
Merkle leaves and answer a receipt per item.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import harness

USER, PASSWORD = "bench", "bench-password"

# ralph's fs backend writes each POST with the CREATE operation, so every POST after the
# first fails ("fs_lrs.jsonl already exists"); appending is what a log store does.
APP = """
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
from ralph.api import app
"""


def available() -> bool:
    """Whether ralph and its LRS extras are installed (``pip install ralph-malph[cli,lrs]``)."""
    bindir = Path(sys.executable).parent
    if not (bindir / "ralph").exists():
        return False
    probe = subprocess.run([str(bindir / "python"), "-c", "import ralph.api, uvicorn"],
                           capture_output=True, env={**os.environ,
                                                     "RALPH_RUNSERVER_BACKEND": "fs"})
    return probe.returncode == 0


@contextmanager
def server(workers: int = 2) -> Iterator[int]:
    """ralph's LRS on an fs backend in a temp dir; yields its port."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-ralph-"))
    bindir = Path(sys.executable).parent
    env = {**os.environ, "RALPH_APP_DIR": str(tmp), "RALPH_AUTH_FILE": str(tmp / "auth.json"),
           "RALPH_RUNSERVER_BACKEND": "fs",
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(tmp / "fs")}
    (tmp / "fs").mkdir()
    (tmp / "bench_ralph_app.py").write_text(APP)
    subprocess.run([str(bindir / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                    "-M", "mailto:bench@example.org", "-w"], env=env, check=True,
                   capture_output=True)
    port = harness.free_port()
    process = subprocess.Popen(
        [str(bindir / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "uvicorn.workers.UvicornWorker", "--log-level", "warning",
         "bench_ralph_app:app"], env={**env, "PYTHONPATH": str(tmp)}, cwd=tmp)
    try:
        with harness.listening(process, port, "ralph"):
            yield port
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def statements(first: int, n: int, batch: int = 1000) -> list[tuple[int, bytes]]:
    """``completed`` statements of distinct learners, in batches, as request bodies."""
    bodies = []
    for start in range(first, first + n, batch):
        items = [{
            "id": str(uuid.UUID(int=i + 1)),
            "actor": {"objectType": "Agent", "account": {
                "homePage": "https://lms.example.org", "name": f"learner-{i}"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed",
                     "display": {"en-US": "completed"}},
            "object": {"objectType": "Activity", "id": "https://lms.example.org/courses/1",
                       "definition": {"name": {"zh-CN": "建筑工程新技术研修班"}}},
            "result": {"completion": True, "success": True, "duration": "PT24H"},
            "timestamp": "2025-06-22T10:00:00+08:00",
        } for i in range(start, min(start + batch, first + n))]
        bodies.append((len(items), json.dumps(items, ensure_ascii=False).encode()))
    return bodies


def post_all(port: int, bodies: list[tuple[int, bytes]], path: str = "/xAPI/statements/",
             authorization: str | None = None) -> None:
    """POST statement batches on one keep-alive connection (ralph's, or with
    ``path`` and ``authorization`` ours); each must answer its statements' ids."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": authorization or f"Basic {basic}",
               "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
    try:
        for size, body in bodies:
            status, raw = harness.request(conn, "POST", path, body, headers)
            if status != 200 or len(json.loads(raw)) != size:
                raise SystemExit(f"POST {path}: HTTP {status} {raw[:2000]!r}")
    finally:
        conn.close()


def run(port: int, first: int, n: int, clients: int = 2) -> float:
    """Seconds for ``clients`` parallel clients to store n statements between them."""
    share = -(-n // clients)
    jobs = []
    for c in range(clients):
        bodies = statements(first + c * share, min(share, n - c * share))
        jobs.append(lambda bodies=bodies: post_all(port, bodies))
    return harness.in_parallel(jobs)


if __name__ == "__main__":
    with server() as port:
        seconds = run(port, 0, 4000)
        print(f"ralph: {4000 / seconds:,.0f} statements/s")
