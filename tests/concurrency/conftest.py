"""An API process for the concurrency tests: uvicorn serving `app.asgi:app`, as `make run` starts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.config import Settings

BIN = Path(sys.executable).parent


@dataclass
class ApiProcess:
    base_url: str
    log: Path


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the API process exited: {log.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the API process did not start: {log.read_text()}")


@pytest.fixture
def api_process(settings: Settings, repo_root: Path, tmp_path: Path) -> Iterator[ApiProcess]:
    """uvicorn on a socket bound here; its stdout and stderr go to `log`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    log = tmp_path / "api.log"
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": settings.resolved_database_url,
           "REDIS_URL": settings.redis_url, "AUTOIMPORT_VAR_DIR": str(settings.var_dir),
           "AUTOIMPORT_SECRET_KEY": "test-secret-key"}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(BIN / "uvicorn"), "app.asgi:app", "--fd", str(sock.fileno()), "--no-access-log"],
            cwd=repo_root, env=env, stdout=output, stderr=output, pass_fds=[sock.fileno()],
        )
    try:
        _wait_healthy(base_url, process, log)
        yield ApiProcess(base_url, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        sock.close()
