"""A sync cancelled (the worker stopping: SIGTERM, Ctrl-C) while it records its end or announces its
start, not only while it pulls pages, still says at once that it was interrupted, and a run already
finished stays as it ended. On PostgreSQL another session's row lock holds the sync inside its
finishing statements; a progress publisher that never answers holds it at an event."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.sync.engine import sync_external_account
from app.sync.history import INTERRUPTED
from app.sync.progress import SyncProgressEvent
from tests.conftest import (
    HEADER,
    AccountUnderTest,
    Backend,
    SourceContexts,
    Sync,
    connect_feed,
    create_feed_import,
    rows,
)
from tests.row_locks import row_locked, someone_waits_for_a_lock
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.workers.worker_process import wait_for


class HeldFeed:
    """The feed, answering each request only once `answer` is set: the test acts meanwhile."""

    def __init__(self, feed: ASGIApp) -> None:
        self.feed, self.asked, self.answer = feed, asyncio.Event(), asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.asked.set()
            await self.answer.wait()
        await self.feed(scope, receive, send)


async def _failure_cancelled_while_held_by(table: str, acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync,
                                          db_ready: Backend, source_for: SourceContexts) -> tuple[int, int]:
    """A new import's sync meets a failing feed and records why, while another PostgreSQL session
    holds the row of `table` ("auto_import" or "sync_run") that it writes then; the worker stops
    (the sync is cancelled) as it waits. The import's and its run's ids."""
    if not db_ready.database_url.startswith("postgres"):
        pytest.skip("the row lock that holds the sync is PostgreSQL's (SQLite locks the whole file)")
    feed.set_rows(HEADER, rows(5))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api)))
    external_id = (await AutoImport.get(id=import_id)).external_account_id
    held = HeldFeed(feed)
    feed.fail_next(503, times=5)  # the sync fails, and records why on the import

    syncing = asyncio.create_task(sync_external_account(external_id, replace(sync.env, source=source_for(held))))
    await asyncio.wait_for(held.asked.wait(), 60)  # the run exists and the import is marked syncing
    run_id = (await SyncRun.get(auto_import_id=import_id)).id
    async with row_locked(db_ready.database_url, table, import_id if table == "auto_import" else run_id) as locker:
        held.answer.set()
        await wait_for(lambda: someone_waits_for_a_lock(locker), 60, f"the sync's write to {table} to wait")
        syncing.cancel()  # the worker stops while the sync records its failure
    with pytest.raises(asyncio.CancelledError):  # the lock released: the interrupted mark may write
        await syncing
    return import_id, run_id


async def test_a_sync_cancelled_while_recording_its_failure_is_marked_interrupted_and_says_so(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, db_ready: Backend, source_for: SourceContexts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="app.sync.engine")

    import_id, run_id = await _failure_cancelled_while_held_by("auto_import", acme, feed, sync, db_ready, source_for)

    run = await SyncRun.get(id=run_id)
    assert (run.outcome, run.error) == (SyncOutcome.FAILED, INTERRUPTED)
    assert (await AutoImport.get(id=import_id)).syncing_since is None
    assert "Sync interrupted: the worker is stopping" in caplog.text


async def test_a_failure_cancelled_before_the_run_records_it_leaves_the_import_as_it_was(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, db_ready: Backend, source_for: SourceContexts,
) -> None:
    """The failure's streak and error are written with the run's end, in one commit: a worker that
    stops in between leaves neither (the run says interrupted, the import is not a failure closer
    to being disabled)."""
    import_id, run_id = await _failure_cancelled_while_held_by("sync_run", acme, feed, sync, db_ready, source_for)

    run, imported = await SyncRun.get(id=run_id), await AutoImport.get(id=import_id)
    assert (run.outcome, run.error) == (SyncOutcome.FAILED, INTERRUPTED)
    assert (imported.failure_streak, imported.last_error, imported.disabled_reason) == (0, None, None)
    assert imported.syncing_since is None


class StuckAt:
    """A progress publisher that publishes nothing, and never returns from the event `chosen` picks
    (a Redis that does not answer, short of the publisher's timeout): the test cancels the sync there."""

    def __init__(self, chosen: Callable[[SyncProgressEvent], bool]) -> None:
        self.chosen, self.reached = chosen, asyncio.Event()

    async def publish(self, event: SyncProgressEvent) -> None:
        if self.chosen(event):
            self.reached.set()
            await asyncio.Event().wait()


async def _cancelled_at(event: Callable[[SyncProgressEvent], bool], acme: AccountUnderTest, feed: CsvFeedSimulator,
                        sync: Sync) -> tuple[SyncRun, AutoImport]:
    """Syncs a new import, cancels the sync at the progress event `event` picks; its run and import."""
    feed.set_rows(HEADER, rows(5))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api)))
    stuck = StuckAt(event)
    syncing = asyncio.create_task(sync_external_account((await AutoImport.get(id=import_id)).external_account_id,
                                                        replace(sync.env, progress=stuck)))
    await asyncio.wait_for(stuck.reached.wait(), 60)
    syncing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await syncing
    return await SyncRun.get(auto_import_id=import_id), await AutoImport.get(id=import_id)


async def test_a_sync_cancelled_while_it_announces_its_start_is_marked_interrupted(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="app.sync.engine")

    run, imported = await _cancelled_at(lambda e: e.outcome is SyncOutcome.RUNNING and e.counts.fetched == 0,
                                        acme, feed, sync)

    assert (run.outcome, run.error) == (SyncOutcome.FAILED, INTERRUPTED)
    assert imported.syncing_since is None and imported.cursor == {}
    assert "Sync interrupted: the worker is stopping" in caplog.text


async def test_a_sync_cancelled_after_its_end_was_recorded_keeps_that_end(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="app.sync.engine")

    run, imported = await _cancelled_at(lambda e: e.outcome is not SyncOutcome.RUNNING, acme, feed, sync)

    assert (run.outcome, run.error, run.counts["added"]) == (SyncOutcome.COMPLETED, None, 5)
    assert imported.syncing_since is None and imported.last_sync_at is not None
    assert "Sync interrupted" not in caplog.text
