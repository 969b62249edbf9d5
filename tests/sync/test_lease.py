"""The lease on an external account, and syncs interrupted by a killed worker."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.autoimports.models import AutoImport, SyncRun
from app.connections.models import ExternalAccount
from app.contacts.models import Contact
from app.sync import engine
from app.sync.lease import HeldLease, JobTry, acquire_lease
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import import_state, now, sync_again


async def _external_account_id(import_id: str) -> int:
    found = await AutoImport.get(id=int(import_id))
    return found.external_account_id  # type: ignore[attr-defined, no-any-return]


async def test_an_external_account_leased_by_another_worker_is_left_alone(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    external_id = await _external_account_id(import_id)
    assert await acquire_lease(external_id, "other-worker", now(), 60)
    requests = len(feed.requests)

    summaries = await sync.due()

    assert [(s.external_account_id, s.leased, s.records) for s in summaries] == [(external_id, False, 0)]
    assert len(feed.requests) == requests
    assert await Contact.filter(account_id=acme.account.id).count() == 0
    assert await SyncRun.filter(auto_import_id=int(import_id)).count() == 0
    lease = await ExternalAccount.get(id=external_id)
    assert lease.lease_owner == "other-worker"  # untouched


async def test_a_lapsed_lease_is_taken_over(acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync) -> None:
    feed.set_rows(HEADER, rows(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    external_id = await _external_account_id(import_id)
    assert await acquire_lease(external_id, "dead-worker", now() - timedelta(seconds=120), 60)

    summaries = await sync.due()

    assert [(s.leased, s.records) for s in summaries] == [(True, 10)]
    assert await Contact.filter(account_id=acme.account.id).count() == 10
    lease = await ExternalAccount.get(id=external_id)
    assert (lease.lease_owner, lease.lease_until) == (None, None)  # released after the sync


async def test_only_a_retry_of_the_same_job_takes_over_a_lease_an_earlier_try_of_it_holds(
    acme: AccountUnderTest, feed: CsvFeedSimulator
) -> None:
    external_id = await _external_account_id(await create_feed_import(acme.api, await connect_feed(acme.api)))
    tick_job = "sync:1:202501011200"
    held_by_first_try = JobTry(tick_job, 1).lease_owner("worker-a:1", "aaaa")
    assert await acquire_lease(external_id, held_by_first_try, now(), 60, job=JobTry(tick_job, 1))

    others = [JobTry(tick_job + "0", 2), JobTry("sync:1:now:20250101120000000000", 2), JobTry(tick_job, 1), None]
    taken_by_others = [await acquire_lease(external_id, "other", now(), 60, job=job) for job in others]
    taken_by_retry = await acquire_lease(external_id, JobTry(tick_job, 2).lease_owner("worker-b:2", "bbbb"), now(), 60,
                                         job=JobTry(tick_job, 2))

    assert taken_by_others == [False, False, False, False]
    assert taken_by_retry
    assert (await ExternalAccount.get(id=external_id)).lease_owner == f"{tick_job}#2:bbbb@worker-b:2"


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the engine handles it."""


async def test_a_sync_killed_half_way_is_marked_interrupted_and_the_data_ends_equal_to_the_source(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = rows(1234)
    feed.set_rows(HEADER, source)
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()  # 500 committed

    real_apply = engine.apply_records

    async def apply_then_die(*args: object, **kwargs: object) -> object:
        await real_apply(*args, **kwargs)  # type: ignore[arg-type]
        raise WorkerKilled()  # after writing, before the page's transaction commits

    monkeypatch.setattr(engine, "apply_records", apply_then_die)
    with pytest.raises(WorkerKilled):
        await sync_again(sync, import_id)
    monkeypatch.undo()

    assert await Contact.filter(account_id=acme.account.id).count() == 500  # the page rolled back
    state = await import_state(acme.api, import_id)
    assert state["syncs"][0]["outcome"] == "RUNNING" and state["status"] == "SYNCING"

    taken = [await sync_again(sync, import_id) for _ in range(3)]

    assert taken == [500, 234, 0]
    state = await import_state(acme.api, import_id)
    outcomes = [run["outcome"] for run in reversed(state["syncs"])]
    assert outcomes == ["PARTIAL", "FAILED", "PARTIAL", "COMPLETED", "COMPLETED"]
    interrupted = list(reversed(state["syncs"]))[1]
    assert interrupted["error"].startswith("Interrupted") and interrupted["finishedAt"] is not None
    assert state["status"] == "ACTIVE" and state["troubleshooting"]["healthy"] is True
    stored = await Contact.filter(account_id=acme.account.id).order_by("id").values_list("email", "first_name")
    assert sorted(stored) == sorted((r[0], r[1]) for r in source)


async def test_a_run_left_running_by_a_dead_worker_is_failed_by_the_next_sync(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    external_id = await _external_account_id(import_id)
    started = now() - timedelta(minutes=5)
    await SyncRun.create(auto_import_id=int(import_id), started_at=started)
    await AutoImport.filter(id=int(import_id)).update(syncing_since=started)
    assert await acquire_lease(external_id, "dead-worker", started, 60)

    await sync.due()

    state = await import_state(acme.api, import_id)
    assert [run["outcome"] for run in state["syncs"]] == ["COMPLETED", "FAILED"]
    assert state["syncs"][1]["error"].startswith("Interrupted")
    assert state["status"] == "ACTIVE"
    assert await Contact.filter(account_id=acme.account.id).count() == 10


async def test_a_held_lease_is_renewed_once_a_quarter_of_it_has_passed(
    acme: AccountUnderTest, feed: CsvFeedSimulator
) -> None:
    feed.set_rows(HEADER, rows(1))
    external_id = await _external_account_id(await create_feed_import(acme.api, await connect_feed(acme.api)))
    start = now()
    assert await acquire_lease(external_id, "this-sync", start, 60)
    lease = HeldLease(external_id, "this-sync", 60, start)

    await lease.keep(start + timedelta(seconds=14))  # under a quarter: the lease has 46 s left, no write
    assert (await ExternalAccount.get(id=external_id)).lease_until == start + timedelta(seconds=60)

    await lease.keep(start + timedelta(seconds=15))
    assert (await ExternalAccount.get(id=external_id)).lease_until == start + timedelta(seconds=75)
    assert lease.renewed_at == start + timedelta(seconds=15)
