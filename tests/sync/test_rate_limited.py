"""Rate limits: a run stopped by one ends RATE_LIMITED, resumes at nextSyncAt, and never counts as a failure."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.autoimports.models import AutoImport
from app.config import Settings
from app.contacts.models import Contact
from app.sync.history import RATE_LIMITED_RUNS_KEPT
from tests.conftest import HEADER, AccountUnderTest, RecordingQueue, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import import_state, last_run, now, problem

WAIT = {"Retry-After": "600"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Pages of 100 within the budget of 500, so a rate limit can stop a sync between pages."""
    return settings.model_copy(update={"sync_page_size": 100})


async def _count(account: AccountUnderTest) -> int:
    return await Contact.filter(account_id=account.account.id).count()


async def test_a_rate_limit_after_a_page_ends_rate_limited_keeps_the_page_and_resumes_at_next_sync_at(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(300))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    feed.fail_next(429, headers=WAIT, after=1)
    started = now()
    await sync.due(now=started)

    state = await import_state(acme.api, import_id)
    run = last_run(state)
    assert run["outcome"] == "RATE_LIMITED" and "600 s" in run["error"]
    assert (run["counts"]["fetched"], run["counts"]["added"]) == (100, 100) and await _count(acme) == 100
    assert datetime.fromisoformat(state["nextSyncAt"]) == started + timedelta(seconds=600)
    assert state["status"] == "ACTIVE" and problem(state, "RATE_LIMITED") is not None
    assert problem(state, "SOURCE_ERROR") is None
    assert await sync.due(now=started + timedelta(seconds=599)) == []

    [resumed] = await sync.due(now=started + timedelta(seconds=600))
    assert resumed.records == 200 and await _count(acme) == 300
    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED" and problem(state, "RATE_LIMITED") is None


async def test_many_rate_limited_syncs_in_a_row_never_disable_the_import_nor_erase_its_history(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    feed.set_rows(HEADER, rows(700))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    moment = now()
    await sync.due(now=moment)  # 500 of 700: a real sync, PARTIAL
    storm = settings.max_failure_streak + 5
    for _ in range(storm):
        moment += timedelta(seconds=1801)
        feed.fail_next(429, headers=WAIT)
        [summary] = await sync.due(now=moment)
        assert summary.records == 0
        state = await import_state(acme.api, import_id)
        assert state["status"] == "BACKLOG" and last_run(state)["outcome"] == "RATE_LIMITED"
        assert problem(state, "RATE_LIMITED") is not None and problem(state, "SOURCE_ERROR") is None

    stored = await AutoImport.get(id=int(import_id))
    assert stored.failure_streak == 0 and stored.disabled_reason is None
    outcomes = [run["outcome"] for run in state["syncs"]]
    assert outcomes == ["RATE_LIMITED"] * RATE_LIMITED_RUNS_KEPT + ["PARTIAL"]  # the real sync is kept

    moment += timedelta(seconds=601)
    await sync.due(now=moment)
    state = await import_state(acme.api, import_id)
    assert await _count(acme) == 700 and last_run(state)["outcome"] == "COMPLETED"
    assert state["status"] == "ACTIVE" and state["troubleshooting"]["healthy"] is True


async def test_a_rate_limit_neither_grows_nor_clears_a_failure_streak(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    feed.fail_next(503, times=2)  # one sync: the tests' source retries a transient failure once
    moment = now()
    await sync.due(now=moment)
    assert (await AutoImport.get(id=int(import_id))).failure_streak == 1

    feed.fail_next(429, headers=WAIT)
    await sync.due(now=moment + timedelta(seconds=3600))

    state = await import_state(acme.api, import_id)
    assert [run["outcome"] for run in state["syncs"]] == ["RATE_LIMITED", "FAILED"]
    assert (await AutoImport.get(id=int(import_id))).failure_streak == 1 and state["status"] == "FAILING"


SYNC_NOW = """
mutation($id: ID!) { syncAutoImportNow(id: $id) {
  autoImport { id nextSyncAt troubleshooting { problems { code message } } }
  userErrors { field code message }
} }"""


async def test_sync_now_during_a_rate_limit_runs_when_it_ends_and_never_calls_the_source_early(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, queue: RecordingQueue
) -> None:
    feed.set_rows(HEADER, rows(300))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    feed.fail_next(429, headers=WAIT)
    started = now()
    await sync.due(now=started)
    limited_until = started + timedelta(seconds=600)
    calls, queue.jobs[:] = len(feed.requests), []

    payload = (await acme.api(SYNC_NOW, id=import_id))["syncAutoImportNow"]

    assert payload["userErrors"] == []
    assert datetime.fromisoformat(payload["autoImport"]["nextSyncAt"]) == limited_until
    [limited] = [p for p in payload["autoImport"]["troubleshooting"]["problems"] if p["code"] == "RATE_LIMITED"]
    assert f"{limited_until:%H:%M:%S} UTC" in limited["message"]
    assert queue.jobs == []  # nothing queued to run before the service allows it
    assert await sync.due() == [] and len(feed.requests) == calls  # the source was not called again

    [resumed] = await sync.due(now=limited_until)
    assert resumed.records == 300 and await _count(acme) == 300
    assert len(feed.requests) > calls
