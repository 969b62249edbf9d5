"""A Redis restart does not end the workers: they reconnect, and what falls due is synced.

Runs the real `arq workers.WorkerSettings` CLI against the backend's database and a redis-server
this test starts, stops and restarts on its own port (never the machine's shared Redis).
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.config import Settings
from app.contacts.models import Contact
from app.sync.schedule import SYNC_TASK
from app.web import Services, create_app
from tests.conftest import HEADER, AccountUnderTest, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator, serve_in_thread
from tests.workers.worker_process import start_worker, terminate, wait_for

pytestmark = pytest.mark.slow

SYNC_LIMIT = 4000  # records a job may sync: more than this test's feed has


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class OwnRedis:
    """A redis-server of this test only: no persistence, so a restart comes back empty."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(port=_free_port(), directory=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def sync_job_done(pool: ArqRedis, import_id: int, runs: int) -> bool:
    """For `wait_for`: the import has `runs` completed runs and the worker has stored a sync job's
    result in this Redis, so that job has ended (arq stores it last)."""
    if await SyncRun.filter(auto_import_id=import_id, outcome=SyncOutcome.COMPLETED).count() < runs:
        return False
    return any(result.function == SYNC_TASK for result in await pool.all_job_results())


async def _health(app_client: httpx.AsyncClient) -> str:
    return str((await app_client.get("/health")).json()["status"])


async def test_a_worker_rides_out_a_redis_restart_and_syncs_what_falls_due(
    acme: AccountUnderTest, feed: CsvFeedSimulator, settings: Settings, services: Services, own_redis: OwnRedis,
    repo_root: Path, tmp_path: Path,
) -> None:
    feed.set_rows(HEADER, rows(5))
    worker_settings = settings.model_copy(update={"redis_url": own_redis.url})
    api_pool = await create_pool(RedisSettings.from_dsn(own_redis.url))
    app = create_app(Services(settings=worker_settings, cipher=services.cipher, source=services.source,
                              queue=services.queue, redis=api_pool))
    log = tmp_path / "worker.log"
    with serve_in_thread(feed) as base_url:
        connection = await connect_feed(acme.api, url=f"{base_url}/feed.csv")
        import_id = int(await create_feed_import(acme.api, connection))
        account = acme.account.id
        worker = start_worker(worker_settings, repo_root, log, SYNC_LIMIT)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as api:
                async def contacts(count: int) -> bool:
                    return await Contact.filter(account_id=account).count() == count

                async def started_runs(count: int) -> bool:
                    return await SyncRun.filter(auto_import_id=import_id).count() >= count

                await wait_for(lambda: contacts(5), 60, "the first sync, by the startup tick")
                # The contacts are committed before the run ends: Redis stopped then would meet the
                # sync's last publishes, and its end would put back the due time set below.
                await wait_for(lambda: sync_job_done(api_pool, import_id, 1), 60, "the end of the first sync's job")
                assert await _health(api) == "ok"

                own_redis.stop()
                await asyncio.sleep(3)  # the worker's polls, heartbeats and cron meet a closed port
                assert worker.poll() is None, log.read_text()
                assert await _health(api) == "degraded"
                # Falls due while Redis is down: only the database knows, as it should.
                feed.set_rows(HEADER, rows(8))
                await AutoImport.filter(id=import_id).update(
                    next_sync_at=datetime.now(timezone.utc) - timedelta(seconds=1))

                own_redis.start()  # empty: every queued job and cron key is gone
                await wait_for(lambda: started_runs(2), 90, "the due sync after the restart, by the minute tick")
                # the worker is stopped only once that job has ended (its run is not cut short)
                await wait_for(lambda: sync_job_done(api_pool, import_id, 2), 60, "the end of that sync's job")
                assert await contacts(8)
                assert worker.poll() is None
                assert await _health(api) == "ok"
        finally:
            terminate(worker)
            await api_pool.aclose()

    output = log.read_text()
    assert "Redis unavailable (" in output and "redis.exceptions.ConnectionError" not in output
    # each worker line is printed once (arq's CLI handler and the root handler both printed it)
    started = re.findall(r"→ (sync:[^ (]+)", output)
    assert started and len(started) == len(set(started)), output[:2000]
    runs = await SyncRun.filter(auto_import_id=import_id).order_by("id")
    assert [run.outcome for run in runs] == [SyncOutcome.COMPLETED, SyncOutcome.COMPLETED]
