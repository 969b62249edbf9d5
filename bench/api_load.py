"""Throughput: many concurrent clients (one httpx client, one task each) against a real uvicorn
process, for a bounded time. The app and the floor are measured by the same client code, one
after the other in the same run, so their ratio holds on a noisy machine."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.support import median, percentile

ROOT = Path(__file__).resolve().parent.parent


GRACE = 5.0  # seconds a request in flight at the deadline may take to finish before it is abandoned


@dataclass
class Load:
    """What one throughput run saw: requests/s counts the answers that arrived by the deadline's
    grace; requests still unanswered then are `unfinished` (an overloaded server's queue)."""

    requests: int
    errors: int
    unfinished: int
    seconds: float
    latencies: list[float]

    def figures(self) -> dict[str, float]:
        ok = self.latencies or [0.0]
        return {"rps": round(self.requests / self.seconds, 1), "p50_ms": round(median(ok) * 1000, 1),
                "p99_ms": round(percentile(ok, 0.99) * 1000, 1), "errors": self.errors,
                "unfinished": self.unfinished, "requests": self.requests}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not listen on {port} within {timeout:.0f} s")


@dataclass
class Server:
    """What `uvicorn_processes` starts: `uvicorn <target>`, with these environment variables."""

    target: str
    env: dict[str, str]
    factory: bool = False


def _start(server: Server, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", server.target, "--host", "127.0.0.1", "--port", str(port),
               "--no-access-log", "--log-level", "warning", *(["--factory"] if server.factory else [])]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **server.env})


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def uvicorn_processes(*servers: Server) -> Iterator[list[str]]:
    """Each server in a uvicorn process of its own (one worker, no access log), started together
    (importing the app takes seconds); yields their base URLs once all listen."""
    ports = [free_port() for _ in servers]
    processes = [_start(server, port) for server, port in zip(servers, ports, strict=True)]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_listening(port, process)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            _stop(process)


def _ok(response: httpx.Response) -> bool:
    return response.status_code == 200 and not response.json().get("errors")


async def load(base_url: str, body_of: Callable[[int], dict[str, Any]], headers: dict[str, str], *, clients: int,
               seconds: float) -> Load:
    """`clients` tasks post `body_of(n)` to `/graphql` back to back until `seconds` have passed;
    a request still in flight `GRACE` seconds later is abandoned and counted as unfinished."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=seconds + GRACE) as client:
        deadline = time.perf_counter() + seconds

        async def one_client(index: int) -> None:
            nonlocal errors
            n = index
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    good = _ok(await client.post("/graphql", json=body_of(n)))
                except httpx.HTTPError:
                    good = False
                if good:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1
                n += clients

        started = time.perf_counter()
        tasks = [asyncio.ensure_future(one_client(i)) for i in range(clients)]
        _, pending = await asyncio.wait(tasks, timeout=seconds + GRACE)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        elapsed = time.perf_counter() - started
    return Load(requests=len(latencies), errors=errors, unfinished=len(pending), seconds=elapsed,
                latencies=latencies)
