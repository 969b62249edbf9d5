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

from app.sync.engine import SyncEnvironment, sync_external_account
from app.sync.schedule import ArqSyncQueue, enqueue_due

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def sync_external_account_task(ctx: dict[str, Any], external_account_id: int) -> dict[str, Any]:
    env: SyncEnvironment = ctx["sync_environment"]
    summary = await sync_external_account(external_account_id, env)
    log.info("Synced external account %s: %s", external_account_id, summary)
    return {"leased": summary.leased, "imports": summary.imports_synced, "records": summary.records}


async def enqueue_due_syncs(ctx: dict[str, Any]) -> int:
    """The cron tick: the database says what is due; one job per external account is queued."""
    return await enqueue_due(ArqSyncQueue(ctx["redis"]), datetime.now(timezone.utc))
