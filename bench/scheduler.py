"""The scheduler's tick: 10,000 imports over 5,000 external accounts, all due.

One tick (`enqueue_due` with the arq queue on real Redis) must enqueue one job per external
account; a second tick overlapping it (the same minute, as two workers' crons would) enqueues none.
The jobs are not run: their queue and job keys are deleted afterwards.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings

from app.sync.schedule import ArqSyncQueue, due_external_accounts, enqueue_due, tick_job_id
from bench import fixtures
from bench.support import Backend, Stopwatch, print_table, run_main

EXTERNAL_ACCOUNTS = 5_000
IMPORTS_EACH = 2


async def measure(backend: Backend) -> dict[str, Any]:
    account = await fixtures.make_account("scheduler")
    await fixtures.make_imports(account, "csv_feed", EXTERNAL_ACCOUNTS, IMPORTS_EACH)
    queue_name = f"bench:{uuid.uuid4().hex[:8]}"
    pool = await create_pool(RedisSettings.from_dsn(backend.redis_url), default_queue_name=queue_name)
    now = datetime.now(timezone.utc)
    try:
        with Stopwatch() as query:
            due = await due_external_accounts(now)
        with Stopwatch() as first:
            first_count = await enqueue_due(ArqSyncQueue(pool), now)
        with Stopwatch() as second:
            second_count = await enqueue_due(ArqSyncQueue(pool), now)
        queued = await pool.zcard(queue_name)
    finally:
        await _forget_jobs(pool, queue_name, due, now)
        await pool.aclose()
    assert first_count == queued == EXTERNAL_ACCOUNTS and second_count == 0, (first_count, queued, second_count)
    return {"imports": EXTERNAL_ACCOUNTS * IMPORTS_EACH, "external_accounts": EXTERNAL_ACCOUNTS,
            "due_query_ms": round(query.seconds * 1000, 1), "tick_s": round(first.seconds, 3),
            "enqueued": first_count, "second_tick_s": round(second.seconds, 3), "second_tick_enqueued": second_count,
            "per_job_ms": round(first.seconds * 1000 / max(first_count, 1), 3)}


async def _forget_jobs(pool: Any, queue_name: str, due: list[int], now: datetime) -> None:
    keys = [f"arq:job:{tick_job_id(ext, now)}" for ext in due]
    for start in range(0, len(keys), 1000):
        await pool.delete(*keys[start:start + 1000])
    await pool.delete(queue_name)


def show(backend: str, figures: dict[str, Any]) -> None:
    print_table(f"Scheduler tick on {backend}: {figures['imports']:,} imports over {figures['external_accounts']:,} "
                "external accounts, all due",
                ["due query ms", "tick s", "jobs enqueued", "ms per job", "2nd tick s", "2nd tick enqueued"],
                [(figures["due_query_ms"], figures["tick_s"], figures["enqueued"], figures["per_job_ms"],
                  figures["second_tick_s"], figures["second_tick_enqueued"])])


if __name__ == "__main__":
    run_main("scheduler", measure, show)
