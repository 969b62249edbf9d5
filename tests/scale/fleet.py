"""Real worker processes and the tick that feeds them, for the scale-out, chaos and load runs.

The workers' own cron tick runs once a minute, too slow for a test: `Ticker` enqueues what the
database says is due, as often as it is called, with one job id per external account per tick
slot (which also sends duplicate jobs the leases must turn away).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from arq.connections import ArqRedis
from arq.jobs import Job, JobStatus

from app.sync.schedule import SYNC_TASK, due_external_accounts

ARQ = str(Path(sys.executable).parent / "arq")


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


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ctrl-C to each live process, then up to 20 s each to exit before it is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
