"""Chaos: two real `arq` workers on PostgreSQL and a redis-server of this test, feeds of
thousands of rows edited while the test SIGKILLs workers (the lease holder mid-sync included),
flushes Redis, restarts it, and terminates the workers' database connections.

At the end the database equals the sources (0 lost, 0 duplicated, 0 wrong values), no run is
left RUNNING, no lease is held, and every import is healthy again; the figures (events, syncs,
settle time) are printed. Scaled to a 2-core machine: 4 feeds of 1,500 rows growing by 25 rows
and 40 edited names per edit, about 45 s of chaos and a bounded settle (the whole test: 1-3
minutes). Only in the PostgreSQL + Redis pass (marker `chaos`).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import os
import random
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import asyncpg
import httpx
import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from starlette.requests import Request
from starlette.responses import Response

from app.accounts.service import create_account
from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.autoimports.service import create_auto_import
from app.config import Settings
from app.connections.models import ExternalAccount
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.contacts.models import Contact
from app.db import is_connection_lost
from app.security import SettingsCipher
from tests.scale.fleet import ARQ, Ticker
from tests.simulators.csv_feed import serve_in_thread
from tests.workers.test_redis_restart import OwnRedis, _free_port

pytestmark = [
    pytest.mark.chaos,
    pytest.mark.timeout(300),
    pytest.mark.skipif(os.environ.get("AUTOIMPORT_TEST_BACKEND") != "services",
                       reason="chaos needs PostgreSQL and Redis: run with AUTOIMPORT_TEST_BACKEND=services"),
]

FEEDS, ROWS, WORKERS = 4, 1500, 2
CHAOS_SECONDS, SETTLE_LIMIT = 45, 150
CIPHER_KEY = "test-secret-key"
T = TypeVar("T")


class EditableFeeds:
    """`GET /feeds/{n}.csv`: each feed a dict email -> first name, edited by the test while the
    workers read it; every version is a new immutable document with a strong ETag."""

    def __init__(self) -> None:
        self.rows = [{f"f{f}r{n}@example.com": f"First{n}" for n in range(ROWS)} for f in range(FEEDS)]
        self.documents = [self._document(f) for f in range(FEEDS)]
        self.edits = 0

    def _document(self, feed: int) -> tuple[bytes, str]:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(["email", "first name", "last name"])
        writer.writerows([email, first, f"Feed{feed}"] for email, first in self.rows[feed].items())
        body = buffer.getvalue().encode()
        return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'

    def edit(self, rng: random.Random) -> None:
        """40 names changed anywhere in one feed and 25 rows appended."""
        feed = rng.randrange(FEEDS)
        rows = self.rows[feed]
        for email in rng.sample(sorted(rows), 40):
            rows[email] = f"Edited{self.edits}-{rng.randrange(10**6)}"
        start = len(rows)
        rows.update({f"f{feed}r{n}@example.com": f"First{n}" for n in range(start, start + 25)})
        self.documents[feed] = self._document(feed)  # one assignment: the server thread sees old or new
        self.edits += 1

    def expected(self) -> set[tuple[str, str, str]]:
        return {(email, first, f"Feed{f}") for f in range(FEEDS) for email, first in self.rows[f].items()}

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        request = Request(scope, receive)
        feed = int(request.url.path.rsplit("/", 1)[-1].split(".")[0])
        body, etag = self.documents[feed]
        if etag in request.headers.get("If-None-Match", ""):
            response = Response(status_code=304, headers={"ETag": etag})
        else:
            response = Response(body, headers={"ETag": etag, "Content-Type": "text/csv; charset=utf-8"})
        await response(scope, receive, send)


async def retried(action: Callable[[], Awaitable[T]]) -> T:
    """The test's own queries, across the connections it terminates along with the workers'."""
    for attempt in range(20):
        try:
            return await action()
        except Exception as exc:
            if not is_connection_lost(exc) or attempt == 19:
                raise
            await asyncio.sleep(0.2)
    raise AssertionError("unreachable")


def start_worker(settings: Settings, redis_url: str, repo_root: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": settings.resolved_database_url,
           "REDIS_URL": redis_url, "AUTOIMPORT_VAR_DIR": str(settings.var_dir), "AUTOIMPORT_SECRET_KEY": CIPHER_KEY,
           "AUTOIMPORT_SYNC_INTERVAL": "1", "AUTOIMPORT_SYNC_PAGE_SIZE": "100", "AUTOIMPORT_SYNC_LEASE_SECONDS": "3",
           "AUTOIMPORT_SYNC_JOB_TIMEOUT": "30"}
    with log.open("ab") as out:
        return subprocess.Popen([ARQ, "workers.WorkerSettings"], cwd=repo_root, env=env, stdout=out, stderr=out)


async def terminate_worker_connections(database_url: str) -> int:
    server, name = database_url.rsplit("/", 1)
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        return len(await admin.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = $1 AND pid <> pg_backend_pid()", name))
    finally:
        await admin.close()


class Chaos:
    def __init__(self, settings: Settings, redis: OwnRedis, repo_root: Path, log: Path) -> None:
        self.settings, self.redis, self.repo_root, self.log = settings, redis, repo_root, log
        self.workers = [start_worker(settings, redis.url, repo_root, log) for _ in range(WORKERS)]
        self.events: dict[str, int] = {"edits": 0, "kills": 0, "lease_holder_kills": 0, "redis_flushes": 0,
                                       "redis_restarts": 0, "pg_terminations": 0}

    async def kill_a_worker(self) -> None:
        """SIGKILL the worker holding a lease when one does (mid-sync), another otherwise; restart it."""
        owners = await retried(lambda: ExternalAccount.filter(lease_until__gt=datetime.now(timezone.utc))
                               .values_list("lease_owner", flat=True))
        pids = {int(owner.split(":")[1]) for owner in owners if owner and owner.count(":") >= 2}
        holder = next((w for w in self.workers if w.pid in pids), None)
        victim = holder or self.workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        self.workers[self.workers.index(victim)] = start_worker(self.settings, self.redis.url, self.repo_root,
                                                                self.log)
        self.events["kills"] += 1
        self.events["lease_holder_kills"] += holder is not None

    async def flush_redis(self, pool: ArqRedis) -> None:
        await pool.flushall()
        self.events["redis_flushes"] += 1

    async def restart_redis(self) -> None:
        self.redis.stop()
        await asyncio.sleep(1)
        self.redis.start()
        self.events["redis_restarts"] += 1

    async def terminate_connections(self) -> None:
        await terminate_worker_connections(self.settings.resolved_database_url)
        self.events["pg_terminations"] += 1

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGINT)
        for worker in self.workers:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()


async def tick(ticker: Ticker) -> None:
    try:
        await ticker.tick()
    except Exception as exc:  # Redis restarting, or our connections terminated: the next tick retries
        if not (is_connection_lost(exc) or "redis" in type(exc).__module__):
            raise


async def create_imports(base_url: str, settings: Settings) -> list[int]:
    accounts = [(await create_account(f"Chaos {n}", 1_000_000))[0].id for n in range(2)]
    async with httpx.AsyncClient() as http:
        source = SourceContext(http=http, production=False, max_bytes=settings.csv_max_bytes)
        for feed in range(FEEDS):
            connection = await connect_service(accounts[feed % 2], "csv_feed", f"feed {feed}",
                                               {"url": f"{base_url}/feeds/{feed}.csv"},
                                               SettingsCipher(CIPHER_KEY.encode()), source)
            await create_auto_import(accounts[feed % 2], "csv_feed", connection.id, f"feed {feed}", None, None,
                                     None, None)
    return accounts


async def stored(accounts: list[int]) -> list[tuple[str, str, str]]:
    return await retried(lambda: Contact.filter(account_id__in=accounts).values_list(
        "email_key", "first_name", "last_name"))  # type: ignore[arg-type, return-value]


async def settled(accounts: list[int], feeds: EditableFeeds) -> bool:
    rows = await stored(accounts)
    if len(rows) != len(set(rows)) or set(rows) != feeds.expected():
        return False
    runs = SyncRun.filter(auto_import__account_id__in=accounts)
    if await retried(lambda: runs.filter(outcome=SyncOutcome.RUNNING).exists()):
        return False
    imports = await retried(lambda: AutoImport.filter(account_id__in=accounts).values_list(
        "failure_streak", "has_backlog", "disabled_reason"))
    return all(streak == 0 and not backlog and reason is None for streak, backlog, reason in imports)


async def test_chaos_ends_with_the_database_equal_to_the_sources(
    db_ready: object, settings: Settings, repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    redis = OwnRedis(port=_free_port(), directory=tmp_path)
    redis.start()
    feeds, rng = EditableFeeds(), random.Random(9)
    pool = await create_pool(RedisSettings.from_dsn(redis.url))
    chaos: Chaos | None = None
    try:
        with serve_in_thread(feeds) as base_url:
            accounts = await create_imports(base_url, settings)
            chaos, ticker = Chaos(settings, redis, repo_root, tmp_path / "workers.log"), Ticker(pool)
            actions = [chaos.kill_a_worker, lambda: chaos.flush_redis(pool), chaos.kill_a_worker,
                       chaos.terminate_connections, chaos.restart_redis]
            started = time.monotonic()
            while time.monotonic() - started < CHAOS_SECONDS:
                for _ in range(8):
                    await tick(ticker)
                    await asyncio.sleep(0.3)
                feeds.edit(rng)
                chaos.events["edits"] += 1
                await actions[chaos.events["edits"] % len(actions)]()
            calm = time.monotonic()
            while not await settled(accounts, feeds):
                assert time.monotonic() - calm < SETTLE_LIMIT, (
                    f"not settled after {SETTLE_LIMIT} s: {len(await stored(accounts))} of "
                    f"{len(feeds.expected())} rows; log: {(tmp_path / 'workers.log').read_text()[-3000:]}")
                await tick(ticker)
                await asyncio.sleep(0.3)
            settle = time.monotonic() - calm
            chaos.stop()
        leases = await ExternalAccount.filter(lease_until__gt=datetime.now(timezone.utc)).count()
        syncs = await SyncRun.filter(auto_import__account_id__in=accounts).count()
        interrupted = await SyncRun.filter(auto_import__account_id__in=accounts,
                                           error__startswith="Interrupted").count()
        rows = await stored(accounts)
    finally:
        if chaos is not None:
            chaos.stop()
        await pool.aclose()
        redis.stop()
    expected = feeds.expected()
    assert len(rows) == len(set(rows)) == len(expected) and set(rows) == expected  # 0 lost, duplicated, wrong
    assert leases == 0
    assert chaos.events["kills"] >= 3 and chaos.events["redis_restarts"] >= 1
    with capsys.disabled():
        print(f"\nchaos: {chaos.events}, {syncs} syncs ({interrupted} interrupted and closed), "
              f"{len(expected)} rows equal to the sources, settled {settle:.1f} s after the chaos stopped")
