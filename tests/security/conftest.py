"""The security tests run with rate limits kept in a Redis server of their own, on a
Unix socket in a temporary directory, as all gunicorn workers would share it."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis


@pytest.fixture(scope="session")
def redis_socket(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (make system-packages installs it)")
    directory = tmp_path_factory.mktemp("redis")
    socket = directory / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not socket.exists():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("redis-server did not start")
        time.sleep(0.05)
    yield socket
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def shared_rate_limits(redis_socket, monkeypatch):
    """Each test starts with no request counted, in Redis (read by create_app)."""
    connection = redis.Redis(unix_socket_path=str(redis_socket))
    connection.flushall()
    monkeypatch.setenv("LEDGER_RATELIMIT_STORAGE", f"redis+unix://{redis_socket}")
    yield connection
    connection.close()
