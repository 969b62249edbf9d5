"""Scale-out: three real `arq workers.WorkerSettings` processes on one PostgreSQL and one Redis.

200 external accounts (200 CSV feed imports, each its own feed URL) must all arrive, no external
account may ever be synced by two workers at once (asserted from the SyncRun intervals of each
external account: none overlap), no contact is duplicated, and a worker killed with SIGKILL
mid-run loses nothing: the kill lands while it has runs open (frozen with SIGSTOP, its open runs
read, then SIGKILLed), each of those runs ends up closed as interrupted by the next sync of its
account, and no other run is. The wall time against one worker, on the same workload in the same run, is
printed, not asserted (the machine is shared).

Scaled down for CI: 200 feeds x 120 contacts at a sync limit of 50 (each import needs three syncs),
not 200 x 1,200 at 500: the same number of external accounts and of syncs per import, a tenth of
the rows. The feeds belong to 10 accounts (tenants): an account's pages are serialised by its
contact-limit lock, so one account with 200 feeds would measure that lock, not the workers. The
test ticks itself every 0.3 s (`tests.scale.fleet.Ticker`; a sync interval of 1 s).

The waits follow progress, not the clock (the machine is shared: a phase took 45 s on a quiet one
and may take minutes on a loaded one): a phase fails when nothing moved for STALL_SECONDS (no
contact stored, no import completed, no killed run closed), printing what it saw. A phase ends by
pausing its imports and waiting until no lease is held and no run is open, so that stopping the
workers cuts no sync: every run is closed at the end, in both phases.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from arq.connections import ArqRedis
from arq.constants import default_queue_name

from app.accounts.service import create_account
from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.autoimports.service import create_auto_import
from app.config import Settings
from app.connections.models import ExternalAccount
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.contacts.models import Contact
from app.security import SettingsCipher
from tests.scale.fleet import ARQ, Ticker, stop_processes
from tests.scale.multi_feed import MultiFeed, feed_rows
from tests.simulators.csv_feed import serve_in_thread

pytestmark = [
    pytest.mark.scale,
    pytest.mark.timeout(900),  # a backstop only: a stalled phase fails sooner, saying what it saw
    pytest.mark.skipif(os.environ.get("AUTOIMPORT_TEST_BACKEND") != "services",
                       reason="scale-out needs PostgreSQL and Redis: run with AUTOIMPORT_TEST_BACKEND=services"),
]

FEEDS, CONTACTS, LIMIT, TENANTS = 200, 120, 50, 10
TOTAL = FEEDS * CONTACTS
STALL_SECONDS = 60  # a phase in which nothing moved for this long is stuck
QUIET_SECONDS = 30  # after pausing: in-flight syncs end, a dead worker's leases run out (3 s)
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


@dataclass(frozen=True)
class Progress:
    """How far a phase is, as the database says."""

    contacts: int
    completed_imports: int  # imports with a COMPLETED run: their feed was read to the end
    killed_runs_open: int  # runs the SIGKILL left open that no next sync has closed yet

    @property
    def done(self) -> bool:
        return self.contacts == TOTAL and self.completed_imports == FEEDS and self.killed_runs_open == 0

    def __str__(self) -> str:
        return (f"{self.contacts:,}/{TOTAL:,} contacts, {self.completed_imports}/{FEEDS} imports completed, "
                f"{self.killed_runs_open} killed run(s) still open")


class Phase:
    """`workers` workers on the accounts' imports until everything arrived; with `kill_at`, the
    first worker is SIGKILLed mid-run once that many contacts are stored."""

    def __init__(self, accounts: list[int], workers: int, settings: Settings, pool: ArqRedis, repo_root: Path,
                 log: Path, kill_at: int | None = None) -> None:
        self.accounts, self.workers, self.settings, self.pool = accounts, workers, settings, pool
        self.repo_root, self.log, self.kill_at = repo_root, log, kill_at
        self.processes: list[subprocess.Popen[bytes]] = []
        self.killed_at: int | None = None  # contacts stored when the worker died
        self.killed_runs: set[int] = set()  # the runs it had open then

    async def run(self) -> float:
        """Returns the wall time until everything arrived."""
        await AutoImport.filter(account_id__in=self.accounts).update(paused=False,
                                                                     next_sync_at=datetime.now(timezone.utc))
        started = time.monotonic()
        self.processes = [_start_worker(self.settings, self.repo_root, self.log) for _ in range(self.workers)]
        try:
            await self._drive()
            seconds = time.monotonic() - started
            await self._quiesce()
            return seconds
        finally:
            stop_processes(self.processes)
            await AutoImport.filter(account_id__in=self.accounts).update(paused=True)
            await self.pool.delete(default_queue_name)  # this phase's jobs left queued: the next phase is another's

    async def _drive(self) -> None:
        ticker, seen, moved = Ticker(self.pool), None, time.monotonic()
        while not (progress := await self._progress()).done:
            if progress != seen:
                seen, moved = progress, time.monotonic()
            elif time.monotonic() - moved > STALL_SECONDS:
                raise AssertionError(f"nothing moved for {STALL_SECONDS} s: {progress}\n{await self._seen()}")
            self._assert_workers_alive()
            await ticker.tick()
            if self.kill_at is not None and self.killed_at is None and progress.contacts >= self.kill_at:
                await self._kill_mid_run()
            await asyncio.sleep(0.3)

    async def _progress(self) -> Progress:
        runs = SyncRun.filter(auto_import__account_id__in=self.accounts)
        completed = await runs.filter(outcome=SyncOutcome.COMPLETED).distinct().values_list("auto_import_id",
                                                                                           flat=True)
        killed_open = await SyncRun.filter(id__in=list(self.killed_runs), outcome=SyncOutcome.RUNNING).count()
        contacts = await Contact.filter(account_id__in=self.accounts).count()
        return Progress(contacts, len(set(completed)), killed_open if self.killed_runs else 0)

    async def _kill_mid_run(self) -> None:
        """Freezes the first worker and reads the runs it has open: none (between syncs), it goes
        on and the next tick tries again; some, it is SIGKILLed, so those are what it leaves open."""
        worker = self.processes[0]
        worker.send_signal(signal.SIGSTOP)
        # a job's sync owns its lease as "<job>#<try>:<sync>@<worker>" (app.sync.lease.JobTry), the
        # worker being workers.tasks.worker_id()
        owner = f"@{socket.gethostname()}:{worker.pid}"
        open_runs = await SyncRun.filter(
            auto_import__account_id__in=self.accounts, outcome=SyncOutcome.RUNNING,
            auto_import__external_account__lease_owner__endswith=owner,
        ).values_list("id", flat=True)
        if not open_runs:
            worker.send_signal(signal.SIGCONT)
            return
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        self.killed_at = await Contact.filter(account_id__in=self.accounts).count()
        self.killed_runs = set(open_runs)

    async def _quiesce(self) -> None:
        """Pauses the imports and waits until no sync is in flight: none holds a lease (a sync
        that started before the pause holds one until it ended; one that starts after finds no
        due import) and no run is open. Stopping the workers then interrupts nothing."""
        await AutoImport.filter(account_id__in=self.accounts).update(paused=True)
        deadline = time.monotonic() + QUIET_SECONDS
        while True:
            leased = await ExternalAccount.filter(account_id__in=self.accounts,
                                                  lease_until__gt=datetime.now(timezone.utc)).count()
            running = await SyncRun.filter(auto_import__account_id__in=self.accounts,
                                           outcome=SyncOutcome.RUNNING).count()
            if not leased and not running:
                return
            assert time.monotonic() < deadline, (f"{QUIET_SECONDS} s after pausing, {leased} lease(s) held and "
                                                 f"{running} run(s) open\n{await self._seen()}")
            await asyncio.sleep(0.2)

    def _assert_workers_alive(self) -> None:
        for process in self.processes:
            if process.pid != self.processes[0].pid or self.killed_at is None:
                assert process.poll() is None, (f"worker {process.pid} exited ({process.returncode}); "
                                                f"log tail:\n{self._log_tail()}")

    async def _seen(self) -> str:
        """What the phase looked like, for a failure message."""
        runs = SyncRun.filter(auto_import__account_id__in=self.accounts)
        outcomes = Counter(await runs.values_list("outcome", flat=True))
        errors = Counter(await runs.filter(error__isnull=False).values_list("error", flat=True))
        alive = [process.poll() is None for process in self.processes]
        return (f"runs by outcome {dict(outcomes)}; errors {errors.most_common(5)}; workers alive {alive}; "
                f"killed at {self.killed_at} contacts with runs {sorted(self.killed_runs)}; queued jobs "
                f"{await self.pool.zcard(default_queue_name)}\nworkers' log tail:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else "(no log)"

async def _assert_no_overlapping_syncs(accounts: list[int]) -> int:
    """No two syncs of one external account overlapped, and every run has ended (a killed
    worker's runs are closed by the next sync of their account, within the phase)."""
    intervals: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    unfinished = []
    for run_id, ext, start, end in await SyncRun.filter(auto_import__account_id__in=accounts).values_list(
        "id", "auto_import__external_account_id", "started_at", "finished_at"
    ):
        if end is None:
            unfinished.append(run_id)
            continue
        intervals[ext].append((start, end))
    assert not unfinished, f"runs left open at the end of the phase: {unfinished}"
    for ext, runs in intervals.items():
        runs.sort()
        for previous, following in itertools.pairwise(runs):
            assert following[0] >= previous[1], (f"two syncs of external account {ext} overlapped: "
                                                 f"{previous[0]}–{previous[1]} and {following[0]}–{following[1]}")
    return sum(len(runs) for runs in intervals.values())


async def _assert_everything_arrived_once(accounts: list[int]) -> None:
    emails = await Contact.filter(account_id__in=accounts).values_list("email_key", flat=True)
    expected = {row[0] for feed in range(FEEDS) for row in feed_rows(feed, CONTACTS)}
    duplicated = [email for email, count in Counter(emails).items() if count > 1]
    missing, unexpected = expected - set(emails), set(emails) - expected
    assert not (duplicated or missing or unexpected), (
        f"{len(emails):,} contacts stored for {TOTAL:,}: {len(duplicated)} duplicated {duplicated[:5]}, "
        f"{len(missing)} missing {sorted(missing)[:5]}, {len(unexpected)} unexpected {sorted(unexpected)[:5]}")
    runs = await SyncRun.filter(auto_import__account_id__in=accounts).values_list("counts", flat=True)
    added = sum(counts.get("added", 0) for counts in runs)
    assert added == TOTAL, f"the runs count {added:,} contacts added for {TOTAL:,}: a page applied twice?"


async def _assert_kills_accounted_for(accounts: list[int], killed_runs: set[int]) -> None:
    """The runs closed as interrupted are exactly those the killed worker left open: no other
    run was cut short (by a stop, or by a sync taking over a live one's lease)."""
    interrupted = set(await SyncRun.filter(auto_import__account_id__in=accounts,
                                           error__startswith="Interrupted").values_list("id", flat=True))
    assert interrupted == killed_runs, (f"runs closed as interrupted {sorted(interrupted)}, runs the killed worker "
                                        f"left open {sorted(killed_runs)}")


async def test_three_workers_share_the_work_exclusively_and_a_killed_one_loses_nothing(
    db_ready: object, settings: Settings, redis_pool: ArqRedis, repo_root: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serve_in_thread(MultiFeed(FEEDS, CONTACTS)) as base_url:
        solo = await _create_tenants("Solo", base_url, settings)
        trio = await _create_tenants("Trio", base_url, settings)
        one = await Phase(solo, 1, settings, redis_pool, repo_root, tmp_path / "solo.log").run()
        killing = Phase(trio, 3, settings, redis_pool, repo_root, tmp_path / "trio.log", kill_at=TOTAL // 3)
        three = await killing.run()
    assert killing.killed_at is not None and killing.killed_at < TOTAL, "the kill came too late to test anything"
    for accounts in (solo, trio):
        await _assert_everything_arrived_once(accounts)
    syncs = await _assert_no_overlapping_syncs(trio)
    await _assert_no_overlapping_syncs(solo)
    await _assert_kills_accounted_for(trio, killing.killed_runs)
    await _assert_kills_accounted_for(solo, set())
    with capsys.disabled():
        print(f"\nscale-out: {FEEDS} feeds x {CONTACTS} contacts, sync limit {LIMIT}: one worker {one:.1f} s; "
              f"three workers (one SIGKILLed at {killing.killed_at:,} contacts) {three:.1f} s; "
              f"{syncs} syncs, {len(killing.killed_runs)} interrupted by the kill")
