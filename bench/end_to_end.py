"""One sync, end to end: 500 contacts through the real arq worker and Redis, enqueue to recorded run.

An in-process arq `Worker` (the worker's own task function, real Redis) runs beside the
benchmark; each of 30 external accounts has 500 new contacts in the in-process source. The time
runs from `enqueue_job` to the job's result, by which the SyncRun is recorded. The floor is the
same as the engine benchmark's, for one batch of 500 rows; syncs and floor batches alternate.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker, func

from app.autoimports.models import SyncOutcome, SyncRun
from app.sync.engine import SyncEnvironment
from app.sync.schedule import SYNC_TASK
from bench import fixtures
from bench.engine_throughput import engine_environment
from bench.floor import Floor
from bench.source import SERVICE_ID, PreparedFeed, contact_record, register
from bench.support import Backend, Stopwatch, median, percentile, print_table, ratio, run_main

SYNCS = 30
CONTACTS = 500


def _worker(pool: ArqRedis, pool_url: str, queue_name: str, env: SyncEnvironment) -> Worker:
    os.environ.setdefault("REDIS_URL", pool_url)  # workers/__init__ reads the settings at import
    from workers.tasks import sync_external_account_task

    return Worker(functions=[func(sync_external_account_task, name=SYNC_TASK)], redis_pool=pool,
                  queue_name=queue_name, ctx={"sync_environment": env}, poll_delay=0.005, handle_signals=False,
                  keep_result=60)


async def _stop(worker: Worker, running: asyncio.Task[None]) -> None:
    """Stops the worker once its jobs' tasks have ended. A job's result is in Redis as soon as arq's
    EXEC has run there, which can be before the worker's task has read EXEC's reply; cancelled
    then (as `Worker.close()` cancels what still runs), the task ends cancelled inside arq's
    bookkeeping and close()'s `gather` raised that `CancelledError`."""
    worker.allow_pick_jobs = False
    if worker.tasks:
        await asyncio.wait(list(worker.tasks.values()))
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await worker.close()


async def _one_sync(pool: ArqRedis, queue_name: str, external_account_id: int) -> float:
    with Stopwatch() as watch:
        job = await pool.enqueue_job(SYNC_TASK, external_account_id, _queue_name=queue_name)
        assert job is not None
        outcome = await job.result(timeout=60, poll_delay=0.002)
    assert outcome["records"] == CONTACTS, outcome
    return watch.seconds


async def _floor_batch(floor: Floor, account_id: int, k: int) -> float:
    records = [contact_record(n, prefix=f"floor{k}-") for n in range(CONTACTS)]
    with Stopwatch() as watch:
        await floor.upsert(account_id, records)
    return watch.seconds


async def measure(backend: Backend) -> dict[str, Any]:
    source = register()
    env, cipher = await engine_environment(backend, CONTACTS)
    account = await fixtures.make_account("e2e")
    imports = await fixtures.make_imports(account, SERVICE_ID, SYNCS, cipher=cipher)
    for k in range(SYNCS):
        source.feeds[f"feed-{k}"] = PreparedFeed.of([contact_record(n, prefix=f"e2e{k}-") for n in range(CONTACTS)])
    floor_account = (await fixtures.make_account("floor")).id
    pool = await create_pool(RedisSettings.from_dsn(backend.redis_url))
    queue_name = f"bench:{uuid.uuid4().hex[:8]}"
    worker = _worker(pool, backend.redis_url, queue_name, env)
    running = asyncio.create_task(worker.async_run())
    times, floor = [], []
    try:
        async with Floor(backend) as floor_db:
            for k, item in enumerate(imports):  # a sync, then the floor's batch: a slow spell hits both
                times.append(await _one_sync(pool, queue_name, item.external_account_id))
                floor.append(await _floor_batch(floor_db, floor_account, k))
    finally:
        await _stop(worker, running)
        await pool.delete(queue_name)
        await pool.aclose()
    assert await SyncRun.filter(outcome=SyncOutcome.COMPLETED).count() == SYNCS
    return {"syncs": SYNCS, "contacts": CONTACTS, "median_ms": round(median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1), "floor_median_ms": round(median(floor) * 1000, 1),
            "median_vs_floor": ratio(median(times), median(floor))}


def show(backend: str, figures: dict[str, Any]) -> None:
    met = "met" if figures["median_vs_floor"] <= 2 else "MISSED"
    print_table(f"One {figures['contacts']}-contact sync end to end on {backend} (arq worker, Redis; "
                f"{figures['syncs']} syncs)",
                ["median ms", "p95 ms", "floor 500 rows ms", "median/floor", "target ≤2x"],
                [(figures["median_ms"], figures["p95_ms"], figures["floor_median_ms"], figures["median_vs_floor"],
                  met)])


if __name__ == "__main__":
    run_main("end_to_end", measure, show)
