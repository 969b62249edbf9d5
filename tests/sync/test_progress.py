"""Sync progress: what the engine publishes, that publishing never fails a sync, and the API
process's hub (one Redis subscription) surviving a dropped connection."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from redis.asyncio import Redis

from app.autoimports.models import SyncOutcome, SyncRun
from app.config import Settings
from app.contacts.models import Contact
from app.sync.counts import SyncCounts
from app.sync.progress import RedisProgressPublisher, SyncProgressEvent, progress_channel
from app.sync.progress_hub import ProgressHub
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

ATTEMPTS_PER_SYNC = 2  # the tests' SourceContext retries a transient failure once


class RecordingProgress:
    """A publisher that keeps what the engine publishes (the API tests use the Redis one)."""

    def __init__(self) -> None:
        self.events: list[SyncProgressEvent] = []

    async def publish(self, event: SyncProgressEvent) -> None:
        self.events.append(event)


def small_pages(sync: Sync, settings: Settings, progress: object, page_size: int = 100, limit: int = 500) -> None:
    sync.env = replace(sync.env, settings=settings.model_copy(update={"sync_page_size": page_size,
                                                                      "sync_limit": limit}),
                       progress=progress)  # type: ignore[arg-type]


def an_event(import_id: int, fetched: int = 1) -> SyncProgressEvent:
    return SyncProgressEvent(account_id=1, auto_import_id=import_id, sync_run_id=1, outcome=SyncOutcome.RUNNING,
                             counts=SyncCounts(fetched=fetched), backlog_estimate=None, at=datetime.now(timezone.utc))


async def test_a_partial_sync_ends_with_partial_and_its_backlog(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    feed.set_rows(HEADER, rows(450))
    await create_feed_import(acme.api, await connect_feed(acme.api))
    progress = RecordingProgress()
    small_pages(sync, settings, progress, page_size=150, limit=300)

    await sync.due()

    assert [(e.outcome, e.counts.added, e.backlog_estimate) for e in progress.events] == [
        (SyncOutcome.RUNNING, 0, None),  # the sync began: nothing fetched yet, the backlog unknown
        (SyncOutcome.RUNNING, 150, 300), (SyncOutcome.RUNNING, 300, 150), (SyncOutcome.PARTIAL, 300, 150)]
    assert {e.account_id for e in progress.events} == {acme.account.id}


async def test_a_failed_sync_ends_with_failed(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    feed.set_rows(HEADER, rows(3))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api)))
    progress = RecordingProgress()
    small_pages(sync, settings, progress)
    feed.fail_next(503, times=ATTEMPTS_PER_SYNC)

    await sync.due()

    run = await SyncRun.get(auto_import_id=import_id)
    assert [(e.outcome, e.sync_run_id, e.counts.fetched) for e in progress.events] == [
        (SyncOutcome.RUNNING, run.id, 0), (SyncOutcome.FAILED, run.id, 0)]


@contextlib.asynccontextmanager
async def silent_redis_server() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never answers: a Redis that hangs."""
    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


@pytest.mark.parametrize("redis_is", ["unreachable", "hanging"])
async def test_a_redis_that_fails_never_fails_the_sync(
    redis_is: str, acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed.set_rows(HEADER, rows(250))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api)))
    async with silent_redis_server() as port:
        address = f"redis://127.0.0.1:{port if redis_is == 'hanging' else 1}/0"
        redis = Redis.from_url(address, socket_connect_timeout=0.5)
        small_pages(sync, settings, RedisProgressPublisher(redis, timeout=0.3))
        try:
            await sync.due()
        finally:
            await redis.aclose()

    run = await SyncRun.get(auto_import_id=import_id)
    assert run.outcome is SyncOutcome.COMPLETED and run.counts["added"] == 250
    assert await Contact.filter(account_id=acme.account.id).count() == 250
    warnings = [r for r in caplog.records if "Could not publish the progress" in r.getMessage()]
    assert len(warnings) == 5  # the start, 3 pages, the end
    # an outage is expected: one line each, naming why, no traceback (a worker log stays readable)
    assert all(r.exc_info is None and "Redis unavailable (" in r.getMessage() for r in warnings)


@pytest.fixture
async def hub_redis(settings: Settings) -> AsyncIterator[tuple[Redis, Redis, str]]:
    """A named connection for the hub (so the test can find it and kill it) and one to publish."""
    name = f"progress-hub-test-{uuid.uuid4().hex[:8]}"
    listening, publishing = Redis.from_url(settings.redis_url, client_name=name), Redis.from_url(settings.redis_url)
    try:
        yield listening, publishing, name
    finally:
        await listening.aclose()
        await publishing.aclose()


async def received(queue: asyncio.Queue[SyncProgressEvent], publisher: RedisProgressPublisher,
                   event: SyncProgressEvent, timeout: float = 10) -> SyncProgressEvent:
    """Publishes `event` until the queue gets it (the hub may be subscribing again meanwhile)."""
    async def poll() -> SyncProgressEvent:
        while True:
            await publisher.publish(event)
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(queue.get(), 0.2)

    return await asyncio.wait_for(poll(), timeout)


async def test_the_hub_subscribes_again_when_redis_drops_its_connection(
    hub_redis: tuple[Redis, Redis, str]
) -> None:
    listening, publishing, name = hub_redis
    hub = ProgressHub(listening, retry_delays=(0.05, 0.5))
    publisher = RedisProgressPublisher(publishing)
    await hub.start()
    try:
        async with hub.watch(41) as queue:
            assert (await received(queue, publisher, an_event(41, fetched=1))).counts.fetched == 1
            killed = await _kill_connections_named(publishing, name)
            assert killed == 1
            assert (await received(queue, publisher, an_event(41, fetched=2))).counts.fetched == 2
        assert hub.watcher_count == 0
    finally:
        await hub.stop()


async def _kill_connections_named(redis: Redis, name: str) -> int:
    clients = await redis.client_list()
    ids = [client["id"] for client in clients if client.get("name") == name]
    for client_id in ids:
        await redis.client_kill_filter(_id=client_id)
    return len(ids)


async def test_the_hub_delivers_by_import_keeps_the_newest_and_ignores_malformed_messages(
    hub_redis: tuple[Redis, Redis, str]
) -> None:
    listening, publishing, _ = hub_redis
    hub = ProgressHub(listening, queue_size=2)
    publisher = RedisProgressPublisher(publishing)
    await hub.start()
    try:
        async with hub.watch(7) as sevens, hub.watch(8) as eights:
            await publishing.publish(hub.channel, b"not json")
            assert (await received(sevens, publisher, an_event(7, fetched=0))).counts.fetched == 0
            for fetched in (1, 2, 3):
                await publisher.publish(an_event(7, fetched))
            await publisher.publish(an_event(8, fetched=80))
            assert (await asyncio.wait_for(eights.get(), 5)).counts.fetched == 80
            # a slow client keeps the newest snapshots: the oldest one was dropped
            assert [sevens.get_nowait().counts.fetched for _ in range(2)] == [2, 3]
            assert eights.empty()
    finally:
        await hub.stop()


def test_each_redis_database_has_its_own_progress_channel() -> None:
    channels = {progress_channel(Redis.from_url(f"redis://127.0.0.1:6379/{db}")) for db in (0, 13)}
    assert channels == {"autoimport:0:sync-progress", "autoimport:13:sync-progress"}
