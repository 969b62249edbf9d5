"""A database connection dropped under a worker (pg_terminate_backend, a failover) is a transient
error: the sync job is retried, and the next try finds a working connection. PostgreSQL only."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from arq.worker import Retry
from tortoise import connections

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.contacts.models import Contact
from app.db import is_connection_lost
from app.sync.history import INTERRUPTED
from tests.conftest import HEADER, AccountUnderTest, Backend, Sync, connect_feed, create_feed_import, rows
from tests.row_locks import row_locked, someone_waits_for_a_lock
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.workers.worker_process import wait_for
from workers.tasks import sync_external_account_task


async def _terminate_our_connections(database_url: str) -> int:
    server, name = database_url.rsplit("/", 1)
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        return len(await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name))
    finally:
        await admin.close()


async def _open_pooled_connections(count: int) -> None:
    """Has the pool hold `count` connections at least, as a worker's does after concurrent jobs."""
    await asyncio.gather(*(connections.get("default").execute_query("SELECT pg_sleep(0.05)") for _ in range(count)))


async def _import_of_20_on_postgres(acme: AccountUnderTest, feed: CsvFeedSimulator,
                                    db_ready: Backend) -> tuple[int, int]:
    """An import of 20 rows (its id, its external account's); PostgreSQL only."""
    if not db_ready.database_url.startswith("postgres"):
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    feed.set_rows(HEADER, rows(20))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api)))
    return import_id, (await AutoImport.get(id=import_id)).external_account_id


async def test_a_sync_job_after_its_connections_were_terminated_is_retried_then_succeeds(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, db_ready: Backend
) -> None:
    import_id, external_id = await _import_of_20_on_postgres(acme, feed, db_ready)
    # Several pooled connections, all dropped: the retry must not meet one of the others.
    await _open_pooled_connections(3)
    assert await _terminate_our_connections(db_ready.database_url) >= 3

    ctx = {"sync_environment": sync.env}
    try:
        await sync_external_account_task(ctx, external_id)
    except Retry:
        await sync_external_account_task(ctx, external_id)  # arq runs the retry

    assert await Contact.filter(account_id=acme.account.id).count() == 20
    assert [r.outcome for r in await SyncRun.filter(auto_import_id=import_id)] == [SyncOutcome.COMPLETED]


async def _allow_connections(database_url: str, allowed: bool) -> None:
    """Has the test's database accept new connections or refuse them all (superusers too), as a
    database restarting or failing over does for its clients, without touching the shared server."""
    server, name = database_url.rsplit("/", 1)
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
    finally:
        await admin.close()


async def _take_the_database_away(database_url: str, locker: asyncpg.Connection) -> None:
    """New connections refused and ours terminated (the locker's aside), as a restart or failover
    does to its clients; `_allow_connections(..., True)` brings it back."""
    await _allow_connections(database_url, False)
    await locker.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")


async def test_the_retry_of_a_sync_that_lost_the_database_under_its_lease_takes_the_lease_and_completes(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, db_ready: Backend
) -> None:
    import_id, external_id = await _import_of_20_on_postgres(acme, feed, db_ready)
    job = {"sync_environment": sync.env, "job_id": f"sync:{external_id}:202501011200"}
    try:
        async with row_locked(db_ready.database_url, "account", acme.account.id) as locker:
            first_try = asyncio.create_task(sync_external_account_task({**job, "job_try": 1}, external_id))
            await wait_for(lambda: someone_waits_for_a_lock(locker), 60, "the page to wait for the account's lock")
            await _take_the_database_away(db_ready.database_url, locker)
        with pytest.raises(Retry):  # the page and the lease's release both met the outage
            await first_try
    finally:
        await _allow_connections(db_ready.database_url, True)
    await sync_external_account_task({**job, "job_try": 2}, external_id)  # arq's retry, 2 s later

    assert await Contact.filter(account_id=acme.account.id).count() == 20
    runs = await SyncRun.filter(auto_import_id=import_id).order_by("id")
    assert [r.outcome for r in runs] == [SyncOutcome.FAILED, SyncOutcome.COMPLETED]
    assert runs[0].error == INTERRUPTED  # the lost try's run, closed by the retry (fail_interrupted_runs)


def test_what_counts_as_a_lost_connection() -> None:
    assert is_connection_lost(asyncpg.exceptions.InternalClientError("cannot switch to state 12; previous state: 2"))
    assert is_connection_lost(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"))
    assert not is_connection_lost(ValueError("no"))
    assert is_connection_lost(OSError("x")) is False
