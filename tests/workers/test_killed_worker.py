"""A worker killed with SIGKILL in the middle of a sync loses nothing and duplicates nothing.

Runs the real `arq workers.WorkerSettings` CLI as a subprocess against the backend's real
database and Redis, and the CSV feed simulator on a real socket.
"""

from __future__ import annotations

import signal
from datetime import datetime, timezone
from pathlib import Path
from typing import cast

import pytest
from arq.connections import ArqRedis

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.config import Settings
from app.connections.models import ExternalAccount
from app.contacts.models import Contact
from app.sync.schedule import SYNC_TASK, immediate_job_id
from tests.conftest import AccountUnderTest, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.workers.worker_process import (
    assert_each_contact_once,
    first_pages_committed,
    interrupt,
    served_feed_import,
    start_worker,
    sync_completed,
    wait_for,
)

pytestmark = pytest.mark.slow

CONTACTS = 4000
# Ctrl-C stops a worker within seconds (tests/workers/test_worker_stops.py); this leaves room for
# a loaded machine. It used to hang when the signal cancelled a transaction as it began.
STOP_WITHIN = 30  # seconds


async def test_a_sync_killed_mid_way_resumes_and_ends_equal_to_the_source(
    acme: AccountUnderTest, feed: CsvFeedSimulator, settings: Settings, redis_pool: ArqRedis,
    repo_root: Path, tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    async with served_feed_import(acme, feed, CONTACTS) as import_id:
        account = acme.account.id

        worker = start_worker(settings, repo_root, log, CONTACTS)
        try:
            await wait_for(first_pages_committed(account), 60, "the first pages")
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        at_kill = await Contact.filter(account_id=account).count()
        assert at_kill < CONTACTS, "the sync finished before the kill: make it longer"

        external_account_id = (await AutoImport.get(id=import_id)).external_account_id

        async def lease_ran_out() -> bool:
            lease = await ExternalAccount.get(id=external_account_id).values_list("lease_until", flat=True)
            return lease is None or cast(datetime, lease) < datetime.now(timezone.utc)

        restarted = start_worker(settings, repo_root, log, CONTACTS)
        # What the next minute's tick (or a user's "sync now") does once the killed worker's lease
        # has run out: queue the account again. Queued earlier, the job finds the lease held and
        # does nothing, and the test would wait for the tick (up to a minute); the killed job
        # itself is retried by arq only once its in-progress key expires (timeout + 10 s).
        await wait_for(lease_ran_out, 30, "the killed worker's lease to run out")
        await redis_pool.enqueue_job(SYNC_TASK, external_account_id,
                                     _job_id=immediate_job_id(external_account_id, datetime.now(timezone.utc)))
        try:
            await wait_for(sync_completed(import_id, account, CONTACTS), 90, "the resumed sync")
        finally:
            interrupt(restarted, log, STOP_WITHIN)

    emails = await assert_each_contact_once(account, CONTACTS)
    assert set(emails) == {row[0] for row in rows(CONTACTS)}
    runs = await SyncRun.filter(auto_import_id=import_id).order_by("id")
    assert runs[0].outcome is SyncOutcome.FAILED and "Interrupted" in (runs[0].error or "")
    assert runs[-1].outcome is SyncOutcome.COMPLETED
    # pages committed before the kill were not applied twice: the runs' additions add up exactly
    assert sum(run.counts.get("added", 0) for run in runs) == CONTACTS
    assert (await AutoImport.get(id=import_id)).syncing_since is None
