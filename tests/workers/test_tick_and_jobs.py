"""The cron tick and the sync job, on a real Redis with a real arq worker (in-process, burst)."""

from __future__ import annotations

from datetime import datetime, timezone

from arq import Worker, func
from arq.connections import ArqRedis

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.contacts.models import Contact
from app.sync.schedule import SYNC_TASK
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from workers.tasks import enqueue_due_syncs, sync_external_account_task


async def _imports_on_two_external_accounts(acme: AccountUnderTest) -> None:
    shared = await connect_feed(acme.api, name="Sheet A")
    await create_feed_import(acme.api, shared, name="A1")
    await create_feed_import(acme.api, await connect_feed(acme.api, name="Sheet A again"), name="A2")
    other = await connect_feed(acme.api, url="http://feed.test/feed.csv?gid=2", name="Sheet B")
    await create_feed_import(acme.api, other, name="B")


async def test_the_tick_enqueues_one_job_per_due_external_account_and_never_twice(
    acme: AccountUnderTest, feed: CsvFeedSimulator, redis_pool: ArqRedis
) -> None:
    feed.set_rows(HEADER, rows(3))
    await _imports_on_two_external_accounts(acme)
    ctx = {"redis": redis_pool}

    first_tick, overlapping_tick = await enqueue_due_syncs(ctx), await enqueue_due_syncs(ctx)

    jobs = await redis_pool.queued_jobs()
    assert (first_tick, overlapping_tick) == (2, 0)
    assert sorted(job.args[0] for job in jobs) == sorted(
        set(await AutoImport.all().values_list("external_account_id", flat=True))
    )


async def test_a_worker_runs_the_queued_sync_and_records_it(
    acme: AccountUnderTest, feed: CsvFeedSimulator, redis_pool: ArqRedis, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(700))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await enqueue_due_syncs({"redis": redis_pool})

    worker = Worker(
        functions=[func(sync_external_account_task, name=SYNC_TASK)],
        redis_pool=redis_pool, burst=True, poll_delay=0.01, handle_signals=False,
        ctx={"sync_environment": sync.env},
    )
    await worker.run_check()
    await worker.close()

    assert await Contact.filter(account_id=acme.account.id).count() == 500
    run = await SyncRun.get(auto_import_id=int(import_id))
    assert run.outcome is SyncOutcome.PARTIAL and run.counts["added"] == 500


async def test_jobs_lost_with_redis_are_enqueued_again_by_the_next_tick(
    acme: AccountUnderTest, feed: CsvFeedSimulator, redis_pool: ArqRedis
) -> None:
    feed.set_rows(HEADER, rows(3))
    await create_feed_import(acme.api, await connect_feed(acme.api))
    assert await enqueue_due_syncs({"redis": redis_pool}) == 1

    await redis_pool.flushdb()  # Redis restarted empty: the schedule is in the database
    await AutoImport.all().update(next_sync_at=datetime.now(timezone.utc))

    assert await enqueue_due_syncs({"redis": redis_pool}) == 1
    assert len(await redis_pool.queued_jobs()) == 1
