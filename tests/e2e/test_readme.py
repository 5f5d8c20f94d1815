"""The README's walkthrough, run as written against `make run` on a live server."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert blocks, "the README's walkthrough has no ```sh block"
    return "\n".join(blocks)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "LEDGER_INSTANCE": str(tmp_path / "instance"),
           "LEDGER_SANDBOX_CLOCK": str(tmp_path / "clock")}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(["make", "--no-print-directory", "run", f"PORT={port}"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/v1/registry/bases", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"make run exited: {process.stdout.read().decode()}")
            time.sleep(0.3)
    else:
        pytest.fail("the server did not answer within two minutes")
    yield url, env
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    process.stdout.close()


def test_make_run_serves_the_api_and_the_readme_walkthrough_works(server, tmp_path):
    url, env = server
    credentials = tmp_path / "instance" / "demo-credentials.json"
    assert json.loads(credentials.read_text())["regulator"]["client_id"].startswith("regulator-")

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough()], cwd=ROOT, capture_output=True,
        text=True, timeout=300, env={**env, "API": url, "CREDS": str(credentials)})

    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert '"status": "accepted"' in out
    assert '"submitted_on": "2026-03-02"' in out
    assert '"status": "credited"' in out
    assert '"code": "assessment_not_passed"' in out
    assert '"total": "24.0"' in out
    assert '"purpose": "2026年度工程技术中级职称评审"' in out
