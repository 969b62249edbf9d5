from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from app.config import Settings


@pytest.fixture
async def redis_pool(settings: Settings) -> AsyncIterator[ArqRedis]:
    """The backend's real Redis (embedded redis-server or the machine's), emptied for the test."""
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    await pool.flushdb()
    try:
        yield pool
    finally:
        await pool.flushdb()
        await pool.aclose()
