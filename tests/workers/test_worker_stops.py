"""Ctrl-C stops a worker within seconds, mid-sync and just after a sync, and loses nothing.

Runs the real `arq workers.WorkerSettings` CLI as a subprocess against the backend's real
database and Redis, and the CSV feed simulator on a real socket.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from arq.connections import ArqRedis

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.config import Settings
from app.connections.models import ExternalAccount
from app.contacts.models import Contact
from app.sync.schedule import SYNC_TASK, immediate_job_id
from tests.conftest import AccountUnderTest
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

CONTACTS = 3000
STOP_WITHIN = 10  # seconds: "promptly", with room for a loaded machine


async def test_ctrl_c_mid_sync_and_after_a_sync_stops_the_worker_promptly_and_loses_nothing(
    acme: AccountUnderTest, feed: CsvFeedSimulator, settings: Settings, redis_pool: ArqRedis,
    repo_root: Path, tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    async with served_feed_import(acme, feed, CONTACTS) as import_id:
        auto_import = await AutoImport.get(id=import_id)
        account = acme.account.id

        worker = start_worker(settings, repo_root, log, CONTACTS)  # its start-up tick queues the sync
        try:
            await wait_for(first_pages_committed(account), 60, "the first pages")
        finally:
            interrupt(worker, log, STOP_WITHIN)

        # The stopped sync says so at once, and gave its lease back: nothing waits for it to lapse.
        interrupted = await SyncRun.get(auto_import_id=import_id)
        assert interrupted.outcome is SyncOutcome.FAILED and "Interrupted" in (interrupted.error or "")
        assert interrupted.finished_at is not None
        assert (await AutoImport.get(id=import_id)).syncing_since is None
        lease = await ExternalAccount.get(id=auto_import.external_account_id)
        assert lease.lease_owner is None and lease.lease_until is None
        at_stop = await Contact.filter(account_id=account).count()
        assert 0 < at_stop < CONTACTS, "the sync finished before Ctrl-C: make it longer"
        # every committed page is counted on the run: the next sync resumes exactly after it
        assert interrupted.counts.get("added", 0) == at_stop

        restarted = start_worker(settings, repo_root, log, CONTACTS)
        try:
            await redis_pool.enqueue_job(SYNC_TASK, auto_import.external_account_id, _job_id=immediate_job_id(
                auto_import.external_account_id, datetime.now(timezone.utc)))
            await wait_for(sync_completed(import_id, account, CONTACTS), 90, "the resumed sync")
        finally:
            interrupt(restarted, log, STOP_WITHIN)

    await assert_each_contact_once(account, CONTACTS)
    runs = await SyncRun.filter(auto_import_id=import_id).order_by("id")
    assert [run.outcome for run in runs] == [SyncOutcome.FAILED, SyncOutcome.COMPLETED]
    assert sum(run.counts.get("added", 0) for run in runs) == CONTACTS
