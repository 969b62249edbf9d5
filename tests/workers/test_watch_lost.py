"""A Redis connection lost while arq's transactions WATCH a key (between WATCH and EXEC: a restart,
a failover, a dropped link) neither ends the worker nor loses a due sync: the transaction fails
where arq expects a `WatchError`, and what it was to queue is queued by the next tick at the latest.

The loss is real: `redis_proxy` cuts the connection to the backend's Redis right after the server
answered the WATCH."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.autoimports.models import AutoImport
from app.config import Settings
from app.redis import worker_redis_pool
from app.sync.schedule import ArqSyncQueue, enqueue_due
from tests.conftest import AccountUnderTest, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.workers.redis_proxy import watch_cutting_proxy
from tests.workers.worker_process import served_feed_import, start_worker, sync_completed, terminate, wait_for


async def test_a_tick_whose_enqueue_loses_redis_while_watching_queues_the_sync_at_the_next_tick(
    acme: AccountUnderTest, feed: CsvFeedSimulator, settings: Settings
) -> None:
    await create_feed_import(acme.api, await connect_feed(acme.api))
    external_id = (await AutoImport.get(account_id=acme.account.id)).external_account_id
    now = datetime.now(timezone.utc)
    async with watch_cutting_proxy(settings.redis_url, cut={1}) as proxy:
        pool = worker_redis_pool(settings.model_copy(update={"redis_url": proxy.url}))
        await pool.flushdb()
        try:
            lost_tick = await enqueue_due(ArqSyncQueue(pool), now)
            next_tick = await enqueue_due(ArqSyncQueue(pool), now + timedelta(minutes=1))
            queued = [job.args[0] for job in await pool.queued_jobs()]
        finally:
            await pool.flushdb()
            await pool.aclose()
    assert proxy.cuts == 1
    assert (lost_tick, next_tick, queued) == (0, 1, [external_id])


@pytest.mark.slow
async def test_a_worker_whose_transactions_lose_redis_while_watching_keeps_running_and_syncs(
    acme: AccountUnderTest, feed: CsvFeedSimulator, settings: Settings, repo_root: Path, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    # WATCH 1 is arq's enqueue of the startup tick (lost: the minute's tick runs it instead);
    # WATCH 3 is the poll taking that tick's job (it stays queued and the next poll takes it).
    async with served_feed_import(acme, feed, 5) as import_id, \
            watch_cutting_proxy(settings.redis_url, cut={1, 3}) as proxy:
        worker = start_worker(settings.model_copy(update={"redis_url": proxy.url}), repo_root, log, 100)
        try:
            async def synced_or_exited() -> bool:
                return worker.poll() is not None or await sync_completed(import_id, acme.account.id, 5)()

            await wait_for(synced_or_exited, 150, "the sync, by the minute's tick")
            assert worker.poll() is None, log.read_text()[-3000:]
        finally:
            terminate(worker)
    assert proxy.cuts == 2
    assert "WatchError" not in log.read_text()
