"""`syncProgress` over graphql-transport-ws, served in-process by uvicorn with the real app, the
backend's real database and Redis, and the real engine publishing through Redis."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from app.autoimports.models import SyncOutcome, SyncRun
from app.config import Environment, Settings
from app.sync.counts import SyncCounts
from app.sync.progress import RedisProgressPublisher, SyncProgressEvent
from app.sync.progress_hub import ProgressHub
from app.web import Services, create_app
from tests.api.conftest import StatementCounter
from tests.api.graphql_ws import SYNC_PROGRESS, GraphQLWebSocket, bearer, served_in_this_loop
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

PAGE_SIZE = 100


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        yield pool
    finally:
        await pool.aclose()


@pytest.fixture
async def hub(redis: ArqRedis) -> AsyncIterator[ProgressHub]:
    hub = ProgressHub(redis)
    await hub.start()
    await asyncio.wait_for(hub.listening.wait(), 10)
    try:
        yield hub
    finally:
        await hub.stop()


@pytest.fixture
async def live_url(services: Services, hub: ProgressHub) -> AsyncIterator[str]:
    services.progress = hub
    async with served_in_this_loop(create_app(services=services)) as url:
        yield url


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def subscribed(url: str, token: str, import_id: str, hub: ProgressHub | None = None) -> GraphQLWebSocket:
    """An open socket subscribed to `import_id` (and, given `hub`, registered with it)."""
    socket = await GraphQLWebSocket(url).__aenter__()
    assert await socket.init(bearer(token)) == {"type": "connection_ack"}
    watching = hub.watcher_count if hub else 0
    await socket.subscribe(SYNC_PROGRESS, id=import_id)
    if hub is not None:
        await wait_until(lambda: hub.watcher_count > watching, "the subscription")
    return socket


async def events_until_the_end(socket: GraphQLWebSocket) -> list[dict[str, Any]]:
    events = []
    while True:
        message = await socket.receive()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        events.append(message["payload"]["data"]["syncProgress"])
        if events[-1]["outcome"] != "RUNNING":
            return events


def an_event(account_id: int, import_id: int, run_id: int = 1) -> SyncProgressEvent:
    return SyncProgressEvent(account_id=account_id, auto_import_id=import_id, sync_run_id=run_id,
                             outcome=SyncOutcome.RUNNING, counts=SyncCounts(fetched=1, added=1), backlog_estimate=5,
                             at=datetime.now(timezone.utc))


async def test_a_client_gets_an_event_per_committed_page_then_the_final_outcome(
    acme: AccountUnderTest, make_account: Any, feed: CsvFeedSimulator, sync: Sync, settings: Settings,
    redis: ArqRedis, hub: ProgressHub, live_url: str,
) -> None:
    feed.set_rows(HEADER, rows(350))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    globex = await make_account("Globex")
    other_import = await create_feed_import(globex.api, await connect_feed(globex.api, url="http://other.test/feed.csv"))
    sync.env = replace(sync.env, settings=settings.model_copy(update={"sync_page_size": PAGE_SIZE}),
                       progress=RedisProgressPublisher(redis))
    socket = await subscribed(live_url, acme.token, import_id, hub)
    try:
        await sync.due()
        events = await events_until_the_end(socket)
    finally:
        await socket.__aexit__(None, None, None)

    run = await SyncRun.get(auto_import_id=int(import_id))
    assert [e["outcome"] for e in events] == ["RUNNING"] * 5 + ["COMPLETED"]  # the start, then each page
    assert [e["counts"]["fetched"] for e in events] == [0, 100, 200, 300, 350, 350]
    assert events[-1]["counts"] == {"fetched": 350, "added": 350, "updated": 0, "unchanged": 0}
    assert [e["backlogEstimate"] for e in events] == [None, 250, 150, 50, 0, 0]
    assert {(e["autoImportId"], e["syncRunId"]) for e in events} == {(import_id, str(run.id))}
    assert other_import not in {e["autoImportId"] for e in events}  # synced too, but not watched
    assert datetime.fromisoformat(events[-1]["at"]) == run.finished_at


async def test_no_token_or_a_wrong_one_closes_the_socket_with_4401(acme: AccountUnderTest, live_url: str) -> None:
    for payload in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": acme.token}, {"token": ""}):
        async with GraphQLWebSocket(live_url) as socket:
            await socket.send({"type": "connection_init", "payload": payload})
            assert await socket.close_code() == 4401, payload
    async with GraphQLWebSocket(live_url) as socket:  # no connection_init at all
        await socket.subscribe(SYNC_PROGRESS, id="1")
        assert await socket.close_code() == 4401


async def test_the_token_may_also_come_as_token(acme: AccountUnderTest, live_url: str) -> None:
    async with GraphQLWebSocket(live_url) as socket:
        assert await socket.init({"token": acme.token}) == {"type": "connection_ack"}
        await socket.subscribe("{ me { name } }")
        assert (await socket.receive())["payload"] == {"data": {"me": {"name": "Acme"}}}


async def test_another_accounts_import_is_refused_exactly_like_a_missing_one(
    acme: AccountUnderTest, make_account: Any, live_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    globex = await make_account("Globex")
    theirs = await create_feed_import(globex.api, await connect_feed(globex.api))

    answers = []
    for import_id in (theirs, str(int(theirs) + 1000)):
        async with GraphQLWebSocket(live_url) as socket:
            await socket.init(bearer(acme.token))
            await socket.subscribe(SYNC_PROGRESS, id=import_id)
            answers.append([await socket.receive(), await socket.receive()])

    assert answers[0] == answers[1]
    assert answers[0][0]["payload"] == {"data": None, "errors": [{"message": "There is no such auto-import."}]}
    assert answers[0][1] == {"id": "1", "type": "complete"}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # an answer, not a server fault


async def test_200_idle_subscribers_cost_no_database_query(
    acme: AccountUnderTest, redis: ArqRedis, hub: ProgressHub, live_url: str, sql_statements: StatementCounter
) -> None:
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    sockets: list[GraphQLWebSocket] = []
    for _ in range(4):  # in batches of 50: a test, not a load test
        sockets += await asyncio.gather(*(subscribed(live_url, acme.token, import_id) for _ in range(50)))
    try:
        await wait_until(lambda: hub.watcher_count == 200, "200 subscriptions", timeout=60)
        sql_statements.statements.clear()
        await asyncio.sleep(1.5)  # idle
        await RedisProgressPublisher(redis).publish(an_event(acme.account.id, int(import_id)))
        received = await asyncio.gather(*(socket.receive() for socket in sockets))
        assert sql_statements.statements == []
    finally:
        await asyncio.gather(*(socket.__aexit__(None, None, None) for socket in sockets))
    assert {m["payload"]["data"]["syncProgress"]["counts"]["added"] for m in received} == {1}
    await wait_until(lambda: hub.watcher_count == 0, "the subscriptions to end")


async def test_production_serves_the_subscription_the_same_way(
    acme: AccountUnderTest, services: Services, settings: Settings, redis: ArqRedis, hub: ProgressHub
) -> None:
    production = settings.model_copy(update={"env": Environment.PRODUCTION})
    shared = replace(services, settings=production, progress=hub)
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    async with served_in_this_loop(create_app(services=shared)) as url:
        async with GraphQLWebSocket(url) as socket:
            await socket.send({"type": "connection_init", "payload": {}})
            assert await socket.close_code() == 4401
        socket = await subscribed(url, acme.token, import_id, hub)
        try:
            await RedisProgressPublisher(redis).publish(an_event(acme.account.id, int(import_id), run_id=7))
            message = await socket.receive()
        finally:
            await socket.__aexit__(None, None, None)
    assert message["payload"]["data"]["syncProgress"]["syncRunId"] == "7"
