"""Another PostgreSQL session holding a row lock, so that a sync waits inside its transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg


@asynccontextmanager
async def row_locked(database_url: str, table: str, row_id: int) -> AsyncIterator[asyncpg.Connection]:
    """Holds `table`'s row `row_id` FOR UPDATE in a session of its own until the block ends; yields
    that session (`table` is one of ours, never user input)."""
    locker = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        async with locker.transaction():
            await locker.execute(f'SELECT 1 FROM "{table}" WHERE id = $1 FOR UPDATE', row_id)
            yield locker
    finally:
        await locker.close()


async def someone_waits_for_a_lock(locker: asyncpg.Connection) -> bool:
    """Whether a session of the locker's database waits for a lock (the sync, meeting the row)."""
    return bool(await locker.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))
