"""The end-to-end benchmark stops its in-process worker without the `CancelledError` it crashed with.

A job's result can be read before the worker's task for it has ended; `Worker.close()` cancelled
that task and its `gather` raised. Here a job's task goes on (an `after_job_end` that takes a
while) after its result is stored, deterministically.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from arq.connections import ArqRedis
from arq.worker import Worker, func

from bench.end_to_end import _stop

AFTER_RESULT = 0.3  # seconds the job's task runs on after its result is stored


async def _answer(ctx: dict[str, Any]) -> str:
    return "done"


async def test_the_worker_stops_once_the_task_of_a_job_whose_result_is_in_has_ended(
    redis_pool: ArqRedis,
) -> None:
    ended: list[str] = []

    async def after_job_end(ctx: dict[str, Any]) -> None:
        await asyncio.sleep(AFTER_RESULT)
        ended.append(ctx["job_id"])

    queue_name = f"test:{uuid.uuid4().hex[:8]}"
    worker = Worker(functions=[func(_answer, name="answer")], redis_pool=redis_pool, queue_name=queue_name,
                    poll_delay=0.005, handle_signals=False, after_job_end=after_job_end)
    running = asyncio.create_task(worker.async_run())
    job = await redis_pool.enqueue_job("answer", _queue_name=queue_name)
    assert job is not None
    assert await job.result(timeout=10, poll_delay=0.005) == "done"
    assert not ended, "the job's task ended before its result was read: nothing to prove"
    await asyncio.wait_for(_stop(worker, running), 10)
    assert ended == [job.job_id]
    assert running.done()
