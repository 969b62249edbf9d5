"""Source failures: recorded on the run, retried with growing delays, stopped after a streak."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import import_state, last_run, now, problem, sync_again

RESUME = 'mutation($id: ID!) { resumeAutoImport(id: $id) { autoImport { status } userErrors { code message } } }'
ATTEMPTS_PER_SYNC = 2  # the tests' SourceContext retries a transient failure once


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _count(account: AccountUnderTest) -> int:
    return await Contact.filter(account_id=account.account.id).count()


async def test_an_unavailable_source_fails_the_run_backs_off_and_recovers(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    feed.fail_next(503, times=ATTEMPTS_PER_SYNC)
    started = now()
    await sync.due()

    state = await import_state(acme.api, import_id)
    run = last_run(state)
    assert run["outcome"] == "FAILED" and "HTTP 503" in run["error"] and "unavailable" in run["error"]
    assert state["status"] == "FAILING" and await _count(acme) == 0
    source = problem(state, "SOURCE_ERROR")
    assert source is not None and source["count"] == 1 and "HTTP 503" in source["message"]
    assert source["message"].startswith("The last sync failed: ") and ".." not in source["message"]
    first_delay = _at(state["nextSyncAt"]) - started
    assert timedelta(seconds=45) < first_delay < timedelta(seconds=75)  # a minute, not the 30-minute slot

    feed.fail_next(503, times=ATTEMPTS_PER_SYNC)
    started = now()
    await sync_again(sync, import_id)
    state = await import_state(acme.api, import_id)
    assert problem(state, "SOURCE_ERROR")["count"] == 2  # type: ignore[index]
    assert problem(state, "SOURCE_ERROR")["message"].startswith("The last 2 syncs failed: ")  # type: ignore[index]
    assert timedelta(seconds=95) < _at(state["nextSyncAt"]) - started < timedelta(seconds=150)  # growing

    await sync_again(sync, import_id)
    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED" and state["status"] == "ACTIVE"
    assert state["troubleshooting"]["healthy"] is True and await _count(acme) == 10
    # the streak restarted: the next failure waits a minute again
    feed.set_rows(HEADER, rows(11))
    feed.fail_next(503, times=ATTEMPTS_PER_SYNC)
    started = now()
    await sync_again(sync, import_id)
    state = await import_state(acme.api, import_id)
    assert problem(state, "SOURCE_ERROR")["count"] == 1  # type: ignore[index]
    assert _at(state["nextSyncAt"]) - started < timedelta(seconds=75)


async def test_twenty_failures_in_a_row_disable_the_import_until_it_is_resumed(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    for _ in range(19):
        feed.fail_next(503, times=ATTEMPTS_PER_SYNC)
        await sync_again(sync, import_id)
    assert (await import_state(acme.api, import_id))["status"] == "FAILING"

    feed.fail_next(503, times=ATTEMPTS_PER_SYNC)
    await sync_again(sync, import_id)
    state = await import_state(acme.api, import_id)
    assert state["status"] == "DISABLED"
    source = problem(state, "SOURCE_ERROR")
    assert source is not None and "20 failed syncs in a row" in source["message"] and "HTTP 503" in source["message"]
    assert [run["outcome"] for run in state["syncs"]] == ["FAILED"] * 20

    requests = len(feed.requests)
    assert await sync_again(sync, import_id) == 0  # disabled: due or not, it is left alone
    assert len(feed.requests) == requests and len((await import_state(acme.api, import_id))["syncs"]) == 20

    resumed = (await acme.api(RESUME, id=import_id))["resumeAutoImport"]
    assert not resumed["userErrors"] and resumed["autoImport"]["status"] == "ACTIVE"
    await sync.due()
    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED" and state["status"] == "ACTIVE"
    assert state["troubleshooting"]["healthy"] is True and await _count(acme) == 10


async def test_a_rate_limit_waits_for_retry_after_and_loses_nothing(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(1234))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    assert await _count(acme) == 500

    feed.fail_next(429, headers={"Retry-After": "600"})
    started = now()
    await sync_again(sync, import_id)
    state = await import_state(acme.api, import_id)
    assert "Rate limited" in last_run(state)["error"] and "600 s" in last_run(state)["error"]
    assert timedelta(seconds=595) < _at(state["nextSyncAt"]) - started < timedelta(seconds=610)
    limited = problem(state, "RATE_LIMITED")
    assert limited is not None and "nothing is lost" in limited["action"]
    assert state["status"] != "FAILING" and problem(state, "SOURCE_ERROR") is None
    assert await sync.due() == []  # not before Retry-After

    later = started + timedelta(seconds=601)
    assert [s.records for s in await sync.due(now=later)] == [500]
    later += timedelta(seconds=1801)
    assert [s.records for s in await sync.due(now=later)] == [234]
    assert await _count(acme) == 1234
    state = await import_state(acme.api, import_id)
    assert problem(state, "RATE_LIMITED") is None and state["status"] == "ACTIVE"


async def test_a_file_without_an_email_column_is_a_source_error_saying_so(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(3))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    feed.set_rows(["Name", "Phone"], [["Ann", "+15550001"]])
    await sync.due()

    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "FAILED"
    assert "no email column" in last_run(state)["error"] and "'Name', 'Phone'" in last_run(state)["error"]
    source = problem(state, "SOURCE_ERROR")
    assert source is not None and "no email column" in source["message"]
    assert state["status"] == "FAILING" and await _count(acme) == 0


async def test_ragged_rows_are_skipped_as_malformed_and_reported(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    good = rows(3)
    ragged = ["zed@example.com", "Zed", "Z", "", "Pro", "an extra cell"]
    feed.set_rows(HEADER, [good[0], ragged, good[1], good[2]])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    assert await _count(acme) == 3
    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED"
    assert last_run(state)["counts"]["skippedMalformed"] == 1
    malformed = problem(state, "MALFORMED_RECORD")
    assert malformed is not None and malformed["count"] == 1
    assert [s["externalId"] for s in malformed["samples"]] == ["row-3"]
    assert "6 cells" in malformed["samples"][0]["reason"]
