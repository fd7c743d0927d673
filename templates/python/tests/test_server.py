"""The real server process: PORT, concurrency, request log, graceful SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from provider.settings import env_name
from tests.fake_upstream import API_KEY, MODEL, valid_config

ROOT = Path(__file__).parent.parent
HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(upstream):
    port = free_port()
    env = {**os.environ, "PORT": str(port), **{env_name(key): str(value) for key, value in valid_config(upstream.url).items()}}
    process = subprocess.Popen(
        [sys.executable, "plugin.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            requests.get(base + "/health", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the plugin did not start: " + (process.stdout.read() if process.stdout else ""))
            time.sleep(0.05)
    yield process, base
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serves_concurrent_requests_and_stops_gracefully(server, upstream):
    process, base = server
    assert requests.post(base + "/initialize", json={}).status_code == 200
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda _: requests.post(base + "/chat/completions", json=HELLO, timeout=10).status_code, range(16)))
    assert statuses == [200] * 16

    # A request in flight when SIGTERM arrives still gets its answer.
    upstream.fault = "hang"
    slow = {}
    thread = threading.Thread(target=lambda: slow.setdefault("r", requests.post(base + "/chat/completions", json=HELLO, timeout=10)))
    initialize = requests.post(base + "/initialize", json={"timeout": 1})
    assert initialize.status_code == 200
    thread.start()
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    thread.join(10)
    assert slow["r"].status_code == 504
    assert process.wait(timeout=8) == 0
    output = process.stdout.read() if process.stdout else ""
    assert "POST /chat/completions 200 " in output
    assert API_KEY not in output
