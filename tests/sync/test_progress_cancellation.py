"""A worker stopped (its job cancelled) just as a page's progress event is published stops.

Python 3.11's `asyncio.wait_for` returns the result instead of raising when the cancel arrives
after the awaited publish has finished but before the waiting task resumed: the cancel was lost
and the sync went on, page after page, while arq waited for it to stop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import pytest
from redis.asyncio import Redis

from app.autoimports.models import SyncOutcome
from app.config import Settings
from app.sync.counts import SyncCounts
from app.sync.progress import RedisProgressPublisher, SyncProgressEvent


class StoppedAsItPublishes(Redis):
    """A real Redis client that cancels `victim` the moment a publish has been answered."""

    victim: asyncio.Task[None] | None = None

    async def publish(self, channel: Any, message: Any, **kwargs: Any) -> Any:
        answer = await super().publish(channel, message, **kwargs)
        assert self.victim is not None
        asyncio.get_running_loop().call_soon(self.victim.cancel)
        return answer


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[StoppedAsItPublishes]:
    client = StoppedAsItPublishes.from_url(settings.redis_url)
    try:
        yield client
    finally:
        await client.aclose()


async def test_a_cancel_that_arrives_as_an_event_is_published_stops_the_sync(redis: StoppedAsItPublishes) -> None:
    publisher = RedisProgressPublisher(redis)
    event = SyncProgressEvent(account_id=1, auto_import_id=1, sync_run_id=1, outcome=SyncOutcome.RUNNING,
                              counts=SyncCounts(fetched=1), backlog_estimate=None, at=datetime.now(timezone.utc))
    went_on: list[str] = []

    async def a_page_then_the_next() -> None:
        await publisher.publish(event)
        await asyncio.sleep(0.5)  # the next page's work
        went_on.append("the next page")

    redis.victim = asyncio.create_task(a_page_then_the_next())
    with pytest.raises(asyncio.CancelledError):
        await redis.victim
    assert went_on == []
