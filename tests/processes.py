"""Our own processes for the tests that run them as `make run` does: the environment they start
with, uvicorn serving `app.asgi:app` on a socket, and the Ctrl-C that stops one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.config import Settings

BIN = Path(sys.executable).parent


def process_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of an API or worker process on the test's database, Redis and var dir;
    nothing else of this process's environment but PATH, so a developer's own variables do not
    leak in. `extra` adds settings (`AUTOIMPORT_SYNC_PAGE_SIZE="100"`)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.resolved_database_url,
        "REDIS_URL": settings.redis_url,
        "AUTOIMPORT_VAR_DIR": str(settings.var_dir),
        "AUTOIMPORT_SECRET_KEY": "test-secret-key",
        **extra,
    }


def stop_with_ctrl_c(process: subprocess.Popen[bytes]) -> None:
    """SIGINT, as an operator stops a process; killed when still running 15 s later."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class ApiProcess:
    base_url: str
    log: Path


@contextmanager
def serving_api(settings: Settings, repo_root: Path, log: Path, env: Mapping[str, str] | None = None, *,
                redis_ready: bool = False) -> Iterator[ApiProcess]:
    """uvicorn serving `app.asgi:app` on a socket bound here (so no other process can take the
    port), with `env` (else `process_environment(settings)`), its stdout and stderr in `log`.
    Yields once `/health` answers and, with `redis_ready`, says Redis is reachable (what a
    subscription needs); stopped with Ctrl-C on leaving."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(BIN / "uvicorn"), "app.asgi:app", "--fd", str(sock.fileno()), "--no-access-log"],
            cwd=repo_root, env=dict(env or process_environment(settings)), stdout=output, stderr=output,
            pass_fds=[sock.fileno()],
        )
    try:
        _wait_healthy(base_url, process, log, redis_ready)
        yield ApiProcess(base_url, log)
    finally:
        stop_with_ctrl_c(process)
        sock.close()


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path, redis_ready: bool,
                  timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the API process exited: {log.read_text()}")
        try:
            answer = httpx.get(f"{base_url}/health", timeout=1)
            if answer.status_code == 200 and (not redis_ready or answer.json()["redis"]):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the API process did not start: {log.read_text()}")
