"""The arq worker: `arq workers.WorkerSettings` from the project root.

It rides out a Redis outage: its pool reconnects with backoff (`app.redis.ReconnectForever`), the
process and its jobs stay, and the cron tick re-enqueues what fell due once Redis is back.
"""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron, func
from arq.cron import CronJob
from arq.worker import Function

from app import db
from app.config import get_settings
from app.connectors.source_context import new_http_client, source_context
from app.logging_setup import configure_logging
from app.metrics import RedisSyncMetrics
from app.redis import worker_redis_pool, worker_redis_settings
from app.security import SettingsCipher
from app.sync.engine import SyncEnvironment
from app.sync.progress import RedisProgressPublisher
from workers.tasks import enqueue_due_syncs, sync_external_account_task, worker_id

_settings = get_settings()


async def startup(ctx: dict[str, Any]) -> None:
    configure_logging()
    ctx["db"] = await db.connect(_settings.resolved_database_url)
    http = new_http_client(_settings)
    ctx["http"] = http
    ctx["sync_environment"] = SyncEnvironment(
        settings=_settings,
        cipher=SettingsCipher(_settings.resolved_secret_key()),
        source=source_context(_settings, http),
        owner=worker_id(),
        progress=RedisProgressPublisher(ctx["redis"]),  # arq's own pool: the API processes listen there
        metrics=RedisSyncMetrics(ctx["redis"]),  # counters the API's /metrics reads (see app.metrics)
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["http"].aclose()
    await db.disconnect(ctx["db"])


class WorkerSettings:
    functions: ClassVar[list[Function]] = [
        # A short timeout: a killed worker's job is retried once arq's in-progress key expires.
        func(sync_external_account_task, timeout=_settings.sync_job_timeout, keep_result=60, max_tries=3),
    ]
    cron_jobs: ClassVar[list[CronJob]] = [cron(enqueue_due_syncs, second=0, run_at_startup=True, keep_result=0)]
    on_startup = startup
    on_shutdown = shutdown
    # A Redis restart or outage does not end the worker: its commands reconnect with backoff, and a
    # transaction that loses its connection while watching fails where arq expects it (at EXEC).
    # The pool is ours (arq's CLI would build a plain one from redis_settings, kept for `arq --check`).
    redis_settings = worker_redis_settings(_settings)
    redis_pool = worker_redis_pool(_settings)
    max_jobs = 10
    job_timeout = _settings.sync_job_timeout
