"""`syncProgress` across real processes: a client on a uvicorn API process (`app.asgi:app`) gets
the events of a sync run by a real `arq workers.WorkerSettings` process, through Redis."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from arq.connections import ArqRedis

from app.autoimports.models import SyncOutcome, SyncRun
from app.config import Settings
from app.sync.counts import SyncCounts
from app.sync.progress import RedisProgressPublisher, SyncProgressEvent
from tests.api.graphql_ws import SYNC_PROGRESS, GraphQLWebSocket, bearer
from tests.conftest import HEADER, AccountUnderTest, connect_feed, create_feed_import, rows
from tests.processes import BIN, process_environment, serving_api, stop_with_ctrl_c
from tests.simulators.csv_feed import CsvFeedSimulator, serve_in_thread

pytestmark = pytest.mark.slow

CONTACTS, PAGE_SIZE = 450, 100


def _environment(settings: Settings) -> dict[str, str]:
    return process_environment(settings, AUTOIMPORT_SYNC_PAGE_SIZE=str(PAGE_SIZE), AUTOIMPORT_SYNC_JOB_TIMEOUT="60")


@pytest.fixture
def api_process(settings: Settings, repo_root: Path, tmp_path: Path) -> Iterator[str]:
    """The API process, its base URL once `/health` says Redis is reachable (the subscription's way)."""
    with serving_api(settings, repo_root, tmp_path / "api.log", _environment(settings), redis_ready=True) as api:
        yield api.base_url


async def _until_live(client: GraphQLWebSocket, publisher: RedisProgressPublisher, account_id: int,
                      import_id: int) -> None:
    """Publishes a probe event (sync run 0) until the client gets it: from then on the API
    process's subscription and the client's are both up, and no event of the sync can be missed."""
    probe = SyncProgressEvent(account_id=account_id, auto_import_id=import_id, sync_run_id=0,
                              outcome=SyncOutcome.RUNNING, counts=SyncCounts(), backlog_estimate=None,
                              at=datetime.now(timezone.utc))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        await publisher.publish(probe)
        try:
            message = await client.receive(timeout=0.3)
        except TimeoutError:
            continue
        assert message["payload"]["data"]["syncProgress"]["syncRunId"] == "0", message
        return
    raise AssertionError("the subscription never went live")


async def _sync_events(client: GraphQLWebSocket) -> list[dict[str, Any]]:
    """The events of the sync, probes left out, up to its final one."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["outcome"] == "RUNNING":
        message = await client.receive(timeout=60)
        assert message["type"] == "next" and "errors" not in message["payload"], message
        event = message["payload"]["data"]["syncProgress"]
        if event["syncRunId"] != "0":
            events.append(event)
    return events


async def test_a_client_of_the_api_process_follows_a_sync_run_by_a_worker_process(
    acme: AccountUnderTest, make_account: Any, feed: CsvFeedSimulator, settings: Settings,
    redis_pool: ArqRedis, api_process: str, repo_root: Path, tmp_path: Path,
) -> None:
    feed.set_rows(HEADER, rows(CONTACTS))
    url = api_process.replace("http://", "ws://") + "/graphql"
    globex = await make_account("Globex")
    with serve_in_thread(feed) as feed_url:
        import_id = await create_feed_import(acme.api, await connect_feed(acme.api, url=f"{feed_url}/feed.csv"))
        theirs = await create_feed_import(globex.api, await connect_feed(globex.api, url=f"{feed_url}/feed.csv"))

        async with GraphQLWebSocket(url) as anonymous:
            await anonymous.send({"type": "connection_init", "payload": {}})
            assert await anonymous.close_code() == 4401
        refusals = []
        for other in (theirs, "999999"):
            async with GraphQLWebSocket(url) as client:
                await client.init(bearer(acme.token))
                await client.subscribe(SYNC_PROGRESS, id=other)
                refusals.append(await client.receive())
        assert refusals[0] == refusals[1] and refusals[0]["payload"]["errors"][0]["message"] == \
            "There is no such auto-import."

        async with GraphQLWebSocket(url) as client:
            assert await client.init(bearer(acme.token)) == {"type": "connection_ack"}
            await client.subscribe(SYNC_PROGRESS, id=import_id)
            await _until_live(client, RedisProgressPublisher(redis_pool), acme.account.id, int(import_id))
            with (tmp_path / "worker.log").open("ab") as log:
                worker = subprocess.Popen([str(BIN / "arq"), "workers.WorkerSettings"], cwd=repo_root,
                                          env=_environment(settings), stdout=log, stderr=log)
            try:
                events = await _sync_events(client)
            finally:
                stop_with_ctrl_c(worker)

    run = await SyncRun.get(auto_import_id=int(import_id))
    assert [e["outcome"] for e in events] == ["RUNNING"] * 6 + ["COMPLETED"]  # the start, then each page
    assert [e["counts"]["added"] for e in events] == [0, 100, 200, 300, 400, 450, 450]
    assert [e["backlogEstimate"] for e in events] == [None, 350, 250, 150, 50, 0, 0]
    assert {e["syncRunId"] for e in events} == {str(run.id)} and run.outcome is SyncOutcome.COMPLETED
    assert {e["autoImportId"] for e in events} == {import_id}  # not Globex's, synced by the same worker
