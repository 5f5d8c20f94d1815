"""Issue 10 item 9: gunicorn from gunicorn.conf.py serves the app, logs JSON lines with
the request id, answers /healthz, and refuses per-process rate limits with workers."""

from __future__ import annotations

import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def test_workers_suit_2_and_16_cores():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert config["workers_for"](2) == 3 and config["workers_for"](16) == 17
    assert config["worker_class"] == "gthread"
    # 16 cores' connections fit PostgreSQL's default max_connections of 100.
    assert config["workers_for"](16) * config["threads"] + 2 <= 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _migrated_env(tmp_path, **extra) -> dict:
    env = {**os.environ, "LEDGER_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3", **extra}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def test_gunicorn_serves_with_json_logs_and_request_ids(tmp_path, redis_socket):
    port = _free_port()
    env = _migrated_env(tmp_path, LEDGER_BIND=f"127.0.0.1:{port}", LEDGER_WORKERS="2",
                        LEDGER_RATELIMIT_STORAGE=f"redis+unix://{redis_socket}")
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                              stderr=log, stdout=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                                 headers={"X-Request-Id": "serve-test-1"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
                    assert response.headers["X-Request-Id"] == "serve-test-1"
                    assert json.load(response)["database"] == "ok"
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not answer: " + (tmp_path / "gunicorn.log"
                                                                ).read_text()[-2000:])
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    lines = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines()
             if line.strip()]
    assert any(line.get("request_id") == "serve-test-1" and line.get("path") == "/healthz"
               for line in lines)
    assert any(line.get("logger", "").startswith("gunicorn") for line in lines)


def test_gunicorn_refuses_per_process_rate_limits_with_several_workers(tmp_path):
    env = _migrated_env(tmp_path, LEDGER_BIND=f"127.0.0.1:{_free_port()}",
                        LEDGER_WORKERS="2", LEDGER_RATELIMIT_STORAGE="memory://")

    result = subprocess.run([str(GUNICORN), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "LEDGER_RATELIMIT_STORAGE" in result.stderr
