"""arq tasks: thin. They build the environment, call one service function, and return.

A job may run twice (arq is at-least-once); the engine's lease and idempotent upserts make that
harmless. Failures are recorded by the engine on the import, not raised to arq.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timezone
from typing import Any

from arq.worker import Retry

from app.db import expire_connections, is_connection_lost
from app.sync.engine import SyncEnvironment, sync_external_account
from app.sync.lease import JobTry
from app.sync.schedule import ArqSyncQueue, enqueue_due

log = logging.getLogger(__name__)
RETRY_AFTER_CONNECTION_LOST = 2  # seconds


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def sync_external_account_task(ctx: dict[str, Any], external_account_id: int) -> dict[str, Any]:
    env: SyncEnvironment = ctx["sync_environment"]
    job = JobTry(ctx["job_id"], ctx["job_try"]) if "job_id" in ctx else None  # arq gives both to a job
    try:
        summary = await sync_external_account(external_account_id, env, job)
    except Exception as exc:
        if not is_connection_lost(exc):
            raise
        # Transient: arq runs the job again shortly (within its max_tries; the next tick enqueues it
        # again after that), taking over this try's lease if it could not be released, on new
        # connections: the pool dropped the one that failed, and the others it holds, dropped with
        # it but not yet seen to be, are replaced too.
        await expire_connections()
        log.warning("Database connection lost syncing external account %s; retrying", external_account_id)
        raise Retry(defer=RETRY_AFTER_CONNECTION_LOST) from exc
    log.info("Synced external account %s: %s", external_account_id, summary)
    return {"leased": summary.leased, "imports": summary.imports_synced, "records": summary.records}


async def enqueue_due_syncs(ctx: dict[str, Any]) -> int:
    """The cron tick: the database says what is due; one job per external account is queued."""
    return await enqueue_due(ArqSyncQueue(ctx["redis"]), datetime.now(timezone.utc))
