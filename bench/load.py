"""Load: 50 concurrent clients on the API while syncs run (issue 9's load benchmark).

A real API process (uvicorn, `app.asgi`) and a real worker (`arq workers.WorkerSettings`) on the
backend's database and Redis; 10 CSV feeds of 2,000 rows (served from a thread here) are synced
every second by the worker while 50 clients send, for `DURATION` seconds, a mix of `me`,
`services`, `autoImports { ... troubleshooting }` and `contacts(first: 50)` over HTTP with the
account's token. Reported: requests, throughput, p50 and p99 latency, errors (HTTP not 200 or a
GraphQL error), and the syncs that ran and failed meanwhile. The target is 0 errors and 0 failed
syncs; throughput and latency are printed, not asserted (the machine is shared).

`python -m bench.load <sqlite|postgres>` (also through `python -m bench load`, and `make bench`).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from arq import create_pool
from arq.connections import RedisSettings

from app.accounts.service import create_account
from app.autoimports.models import SyncOutcome, SyncRun
from app.autoimports.service import create_auto_import
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.security import SettingsCipher
from bench.support import Backend, percentile, print_table, run_main
from tests.scale.fleet import Ticker, stop_processes
from tests.scale.multi_feed import MultiFeed
from tests.simulators.csv_feed import serve_in_thread

CLIENTS, DURATION, FEEDS, ROWS = 50, 30.0, 10, 2000
SECRET = "bench-secret-key"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MIX = (
    "{ me { name contactLimit contactCount } }",
    "{ services { id name auth importCount } }",
    ("{ autoImports { id name status nextSyncAt totals { fetched added updated } "
     "syncs(last: 5) { outcome counts { added } } "
     "troubleshooting { healthy problems { code message count } } } }"),
    "{ contacts(first: 50) { totalCount edges { node { email firstName tags } } } }",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(backend: Backend, port: int) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": backend.database_url, "REDIS_URL": backend.redis_url,
            "AUTOIMPORT_VAR_DIR": str(backend.tmp), "AUTOIMPORT_SECRET_KEY": SECRET, "PORT": str(port),
            "AUTOIMPORT_SYNC_INTERVAL": "1", "AUTOIMPORT_SYNC_LEASE_SECONDS": "5"}


async def _seed(base_url: str) -> tuple[int, str]:
    account, token = await create_account("Load", 10_000_000)
    async with httpx.AsyncClient() as http:
        source = SourceContext(http=http, production=False, max_bytes=50 * 1024 * 1024)
        for feed in range(FEEDS):
            connection = await connect_service(account.id, "csv_feed", f"feed {feed}",
                                               {"url": f"{base_url}/feeds/{feed}.csv"},
                                               SettingsCipher(SECRET.encode()), source)
            await create_auto_import(account.id, "csv_feed", connection.id, f"feed {feed}", None, None, None, None)
    return account.id, token


async def _wait_healthy(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the API did not start within 60 s")


async def _client(number: int, http: httpx.AsyncClient, until: float, latencies: list[float],
                  errors: list[str]) -> None:
    turn = number
    while time.monotonic() < until:
        query = MIX[turn % len(MIX)]
        turn += 1
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json={"query": query})
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                errors.append(f"HTTP {response.status_code}: {str(body)[:200]}")
        except (httpx.HTTPError, ValueError) as exc:
            errors.append(type(exc).__name__)
        latencies.append(time.perf_counter() - started)


async def _tick_until(ticker: Ticker, until: float) -> None:
    while time.monotonic() < until:
        await ticker.tick()
        await asyncio.sleep(0.5)


async def measure(backend: Backend) -> dict[str, Any]:
    port = _free_port()
    env = _environment(backend, port)
    log = (backend.tmp / "load.log").open("ab")
    with serve_in_thread(MultiFeed(FEEDS, ROWS)) as feeds_url:
        account_id, token = await _seed(feeds_url)
        processes = [
            subprocess.Popen([str(BIN / "uvicorn"), "app.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                              "--no-access-log"], cwd=ROOT, env=env, stdout=log, stderr=log),
            subprocess.Popen([str(BIN / "arq"), "workers.WorkerSettings"], cwd=ROOT, env=env, stdout=log, stderr=log),
        ]
        pool = await create_pool(RedisSettings.from_dsn(backend.redis_url))
        limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits,
                                         headers={"Authorization": f"Bearer {token}"}) as http:
                await _wait_healthy(http)
                since = datetime.now(timezone.utc)
                latencies: list[float] = []
                errors: list[str] = []
                started = time.monotonic()
                until = started + DURATION
                await asyncio.gather(_tick_until(Ticker(pool), until),
                                     *(_client(n, http, until, latencies, errors) for n in range(CLIENTS)))
                seconds = time.monotonic() - started
        finally:
            stop_processes(processes)
            await pool.aclose()
            log.close()
    runs = SyncRun.filter(auto_import__account_id=account_id, started_at__gte=since)
    return {"clients": CLIENTS, "seconds": round(seconds, 1), "requests": len(latencies),
            "requests_per_s": round(len(latencies) / seconds, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "errors": len(errors), "error_samples": errors[:5], "syncs": await runs.count(),
            "failed_syncs": await runs.filter(outcome=SyncOutcome.FAILED).count()}


def show(backend: str, figures: dict[str, Any]) -> None:
    met = "met" if figures["errors"] == 0 and figures["failed_syncs"] == 0 else "MISSED"
    print_table(f"API under load on {backend}: {figures['clients']} clients for {figures['seconds']} s while syncs run",
                ["requests", "req/s", "p50 ms", "p99 ms", "errors", "syncs", "failed syncs", "0 errors, 0 failed"],
                [(figures["requests"], figures["requests_per_s"], figures["p50_ms"], figures["p99_ms"],
                  figures["errors"], figures["syncs"], figures["failed_syncs"], met)])
    for sample in figures["error_samples"]:
        print(f"  error: {sample}")


if __name__ == "__main__":
    run_main("load", measure, show)
