"""The schedule lives in the database (`next_sync_at`); Redis only carries the jobs.

If Redis loses its jobs, the next tick enqueues again whatever is due: nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Protocol, cast

from app.autoimports.models import AutoImport
from app.connections.models import ConnectionStatus

log = logging.getLogger(__name__)

SYNC_TASK = "sync_external_account_task"
ENQUEUE_CONCURRENCY = 50


class SyncQueue(Protocol):
    async def enqueue_sync(self, external_account_id: int, job_id: str) -> bool:
        """Queues a sync of one external account; False when a job with this id already exists."""
        ...


async def due_external_accounts(now: datetime) -> list[int]:
    """External accounts with at least one import due now, paused/disabled/unauthorised left out."""
    ids = await AutoImport.filter(
        paused=False,
        disabled_reason__isnull=True,
        next_sync_at__lte=now,
        connection__status=ConnectionStatus.ACTIVE,
    ).values_list("external_account_id", flat=True)
    return sorted(set(cast("list[int]", ids)))


def tick_job_id(external_account_id: int, now: datetime) -> str:
    """Stable per minute: two overlapping ticks enqueue the same job once."""
    return f"sync:{external_account_id}:{now:%Y%m%d%H%M}"


def immediate_job_id(external_account_id: int, now: datetime) -> str:
    return f"sync:{external_account_id}:now:{now:%Y%m%d%H%M%S%f}"


async def enqueue_due(queue: SyncQueue, now: datetime) -> int:
    """Enqueues one job per due external account; returns how many were newly queued."""
    due = await due_external_accounts(now)
    queued = 0
    for start in range(0, len(due), ENQUEUE_CONCURRENCY):  # concurrent round trips, bounded
        batch = due[start : start + ENQUEUE_CONCURRENCY]
        results = await asyncio.gather(*(queue.enqueue_sync(ext, tick_job_id(ext, now)) for ext in batch))
        queued += sum(results)
    return queued


async def enqueue_now(queue: SyncQueue | None, external_account_id: int, now: datetime) -> None:
    """Best effort: without Redis the import is still due in the database and the tick takes it."""
    if queue is None:
        return
    try:
        await queue.enqueue_sync(external_account_id, immediate_job_id(external_account_id, now))
    except Exception:
        log.warning("Could not enqueue a sync of external account %s; the next tick will", external_account_id)


class ArqSyncQueue:
    """The queue on Redis through arq."""

    def __init__(self, pool: object) -> None:
        self.pool = pool

    async def enqueue_sync(self, external_account_id: int, job_id: str) -> bool:
        job = await self.pool.enqueue_job(SYNC_TASK, external_account_id, _job_id=job_id)  # type: ignore[attr-defined]
        return job is not None
