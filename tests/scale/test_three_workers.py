"""Scale-out: three real `arq workers.WorkerSettings` processes on one PostgreSQL and one Redis.

200 external accounts (200 CSV feed imports, each its own feed URL) must all arrive, no external
account may ever be synced by two workers at once (asserted from the SyncRun intervals of each
external account: none overlap), no contact is duplicated, and a worker killed with SIGKILL
mid-run loses nothing. The wall time against one worker, on the same workload in the same run, is
printed, not asserted (the machine is shared).

Scaled down for CI: 200 feeds x 120 contacts at a sync limit of 50 (each import needs three syncs),
not 200 x 1,200 at 500: the same number of external accounts and of syncs per import, a tenth of
the rows. The feeds belong to 10 accounts (tenants): an account's pages are serialised by its
contact-limit lock, so one account with 200 feeds would measure that lock, not the workers. The
workers' cron tick runs once a minute, too slow for a test: the test ticks itself
every 0.3 s, enqueuing what the database says is due (a sync interval of 1 s) with one job id per
external account per tick slot, which also sends duplicate jobs the leases must turn away.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from arq.connections import ArqRedis
from arq.constants import default_queue_name
from arq.jobs import Job, JobStatus

from app.accounts.service import create_account
from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.autoimports.service import create_auto_import
from app.config import Settings
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.contacts.models import Contact
from app.security import SettingsCipher
from app.sync.schedule import SYNC_TASK, due_external_accounts
from tests.scale.multi_feed import MultiFeed, feed_rows
from tests.simulators.csv_feed import serve_in_thread

pytestmark = [
    pytest.mark.scale,
    pytest.mark.timeout(420),
    pytest.mark.skipif(os.environ.get("AUTOIMPORT_TEST_BACKEND") != "services",
                       reason="scale-out needs PostgreSQL and Redis: run with AUTOIMPORT_TEST_BACKEND=services"),
]

FEEDS, CONTACTS, LIMIT, TENANTS = 200, 120, 50, 10
TOTAL = FEEDS * CONTACTS
ARQ = str(Path(sys.executable).parent / "arq")
CIPHER_KEY = "test-secret-key"


def _start_worker(settings: Settings, repo_root: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": settings.resolved_database_url,
        "REDIS_URL": settings.redis_url,
        "AUTOIMPORT_VAR_DIR": str(settings.var_dir),
        "AUTOIMPORT_SECRET_KEY": CIPHER_KEY,
        "AUTOIMPORT_SYNC_LIMIT": str(LIMIT),
        "AUTOIMPORT_SYNC_INTERVAL": "1",
        "AUTOIMPORT_SYNC_LEASE_SECONDS": "3",
        "AUTOIMPORT_SYNC_JOB_TIMEOUT": "30",
    }
    with log.open("ab") as out:
        return subprocess.Popen([ARQ, "workers.WorkerSettings"], cwd=repo_root, env=env, stdout=out, stderr=out)


async def _create_tenants(name: str, base_url: str, settings: Settings) -> list[int]:
    """TENANTS accounts sharing the FEEDS feeds, one connection and one import per feed, created
    paused: a phase resumes its own."""
    accounts = [(await create_account(f"{name} {n}", 1_000_000))[0].id for n in range(TENANTS)]
    async with httpx.AsyncClient() as http:
        source = SourceContext(http=http, production=False, max_bytes=settings.csv_max_bytes)
        cipher = SettingsCipher(CIPHER_KEY.encode())
        for feed in range(FEEDS):
            account_id = accounts[feed % TENANTS]
            connection = await connect_service(account_id, "csv_feed", f"feed {feed}",
                                               {"url": f"{base_url}/feeds/{feed}.csv"}, cipher, source)
            await create_auto_import(account_id, "csv_feed", connection.id, f"feed {feed}", None, None, None, None)
    await AutoImport.filter(account_id__in=accounts).update(paused=True)
    return accounts


class Ticker:
    """Enqueues each due external account, unless its last job still waits in the queue, or runs
    and is younger than 3 s (an older running one may be a killed worker's: its lease runs out in
    3 s, so a new job may take over). Jobs waiting in the queue are never doubled: on a loaded
    machine that flooded the queue with thousands of no-op jobs."""

    def __init__(self, pool: ArqRedis) -> None:
        self.pool, self.slot = pool, 0
        self.pending: dict[int, tuple[Job, float]] = {}

    async def tick(self) -> None:
        self.slot += 1
        for ext in await due_external_accounts(datetime.now(timezone.utc)):
            if await self._busy(ext):
                continue
            job = await self.pool.enqueue_job(SYNC_TASK, ext, _job_id=f"scale:{ext}:{self.slot}")
            if job is not None:
                self.pending[ext] = (job, time.monotonic())

    async def _busy(self, ext: int) -> bool:
        if ext not in self.pending:
            return False
        job, at = self.pending[ext]
        status = await job.status()
        if status in (JobStatus.queued, JobStatus.deferred):
            return True
        return time.monotonic() - at < 3 and status not in (JobStatus.complete, JobStatus.not_found)


async def _finished(accounts: list[int]) -> bool:
    if await Contact.filter(account_id__in=accounts).count() < TOTAL:
        return False
    runs = SyncRun.filter(auto_import__account_id__in=accounts)
    if await runs.filter(outcome=SyncOutcome.RUNNING).exists():
        return False  # a killed worker's run is closed by the next sync of its external account
    completed = await runs.filter(outcome=SyncOutcome.COMPLETED).distinct().values_list("auto_import_id", flat=True)
    return len(set(completed)) == FEEDS


async def _run_phase(accounts: list[int], workers: int, settings: Settings, pool: ArqRedis, repo_root: Path,
                     log: Path, kill_at: int | None = None) -> tuple[float, int | None]:
    """Resumes the accounts' imports and runs `workers` workers until everything arrived.
    Returns the wall time and, when a worker was killed, the contacts stored at the kill."""
    await AutoImport.filter(account_id__in=accounts).update(paused=False, next_sync_at=datetime.now(timezone.utc))
    started, ticker, killed_at = time.monotonic(), Ticker(pool), None
    processes = [_start_worker(settings, repo_root, log) for _ in range(workers)]
    try:
        while not await _finished(accounts):
            assert time.monotonic() - started < 150, "the workers did not drain every feed in time"
            await ticker.tick()
            if kill_at is not None and killed_at is None:
                stored = await Contact.filter(account_id__in=accounts).count()
                if stored >= kill_at:
                    processes[0].send_signal(signal.SIGKILL)
                    killed_at = stored
            await asyncio.sleep(0.3)
        return time.monotonic() - started, killed_at
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        await AutoImport.filter(account_id__in=accounts).update(paused=True)
        await pool.delete(default_queue_name)  # this phase's jobs left queued: the next phase is another's


async def _assert_no_overlapping_syncs(accounts: list[int], *, killed: int = 0) -> int:
    """No two syncs of one external account overlapped. A run whose worker was SIGKILLed has no end
    until the next sync of its account closes it as interrupted; when the kill lands after that
    account's last page, no next sync comes within the phase: at most `killed` runs are open."""
    intervals: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    unfinished = 0
    for ext, start, end in await SyncRun.filter(auto_import__account_id__in=accounts).values_list(
        "auto_import__external_account_id", "started_at", "finished_at"
    ):
        if end is None:
            unfinished += 1
            continue
        intervals[ext].append((start, end))
    assert unfinished <= killed, f"{unfinished} runs left open, {killed} worker(s) killed"
    for ext, runs in intervals.items():
        runs.sort()
        for (_, previous_end), (next_start, _) in itertools.pairwise(runs):
            assert next_start >= previous_end, f"two syncs of external account {ext} overlapped"
    return sum(len(runs) for runs in intervals.values())


async def _assert_everything_arrived_once(accounts: list[int]) -> None:
    emails = await Contact.filter(account_id__in=accounts).values_list("email_key", flat=True)
    assert len(emails) == len(set(emails)) == TOTAL
    assert set(emails) == {row[0] for feed in range(FEEDS) for row in feed_rows(feed, CONTACTS)}
    runs = await SyncRun.filter(auto_import__account_id__in=accounts).values_list("counts", flat=True)
    assert sum(counts.get("added", 0) for counts in runs) == TOTAL  # no page applied twice


async def test_three_workers_share_the_work_exclusively_and_a_killed_one_loses_nothing(
    db_ready: object, settings: Settings, redis_pool: ArqRedis, repo_root: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serve_in_thread(MultiFeed(FEEDS, CONTACTS)) as base_url:
        solo = await _create_tenants("Solo", base_url, settings)
        trio = await _create_tenants("Trio", base_url, settings)
        one, _ = await _run_phase(solo, 1, settings, redis_pool, repo_root, tmp_path / "solo.log")
        three, killed_at = await _run_phase(trio, 3, settings, redis_pool, repo_root, tmp_path / "trio.log",
                                            kill_at=TOTAL // 3)
    assert killed_at is not None and killed_at < TOTAL, "the kill came too late to test anything"
    for accounts in (solo, trio):
        await _assert_everything_arrived_once(accounts)
    syncs = await _assert_no_overlapping_syncs(trio, killed=1)
    await _assert_no_overlapping_syncs(solo)
    interrupted = await SyncRun.filter(auto_import__account_id__in=trio, error__startswith="Interrupted").count()
    with capsys.disabled():
        print(f"\nscale-out: {FEEDS} feeds x {CONTACTS} contacts, sync limit {LIMIT}: one worker {one:.1f} s; "
              f"three workers (one SIGKILLed at {killed_at:,} contacts) {three:.1f} s; "
              f"{syncs} syncs, {interrupted} interrupted by the kill")
