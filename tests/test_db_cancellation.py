"""A transaction cancelled at any point (Ctrl-C on a worker) leaves the process's database usable.

Tortoise's transaction contexts took the connection (SQLite: the connection's lock; PostgreSQL: a
pool connection) before `begin`, and gave it back only in `__aexit__`, which never runs when
`begin` raises. A worker stopped while a transaction was beginning then hung: on SQLite its next
query waited for the lock forever, on PostgreSQL `Pool.close()` waited for the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.accounts.models import Account
from tests.conftest import Backend

QUERY_WITHIN = 5.0  # seconds: a query that waits longer is waiting for a leaked connection


async def _create_in_transaction(name: str) -> None:
    async with in_transaction():
        await Account.create(name=name, contact_limit=10)


async def _cancel_after(delay: float, name: str) -> None:
    task = asyncio.create_task(_create_in_transaction(name))
    await asyncio.sleep(delay)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _pool_sizes() -> tuple[int, int] | None:
    pool = getattr(connections.get("default"), "_pool", None)
    return None if pool is None else (pool.get_size(), pool.get_idle_size())


async def test_transactions_cancelled_at_any_moment_give_their_connection_back(db_ready: Backend) -> None:
    # From before the task runs to after it has committed: some cancels land in `begin`.
    for step in range(60):
        await _cancel_after(step * 0.0002, f"cancelled-{step}")
        await asyncio.wait_for(Account.filter(name="none").count(), QUERY_WITHIN)
    await asyncio.wait_for(_create_in_transaction("after"), QUERY_WITHIN)
    assert await Account.filter(name="after").exists()
    sizes = _pool_sizes()
    if sizes is not None:  # PostgreSQL: every connection is back in the pool
        assert sizes[0] == sizes[1], sizes


async def test_a_transaction_cancelled_while_waiting_for_the_sqlite_write_lock_gives_it_back(
    db_ready: Backend,
) -> None:
    if not db_ready.database_url.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    other = sqlite3.connect(db_ready.database_url.removeprefix("sqlite://"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing: our BEGIN IMMEDIATE waits
        task = asyncio.create_task(_create_in_transaction("cancelled"))
        await asyncio.sleep(0.3)
        assert not task.done(), "the transaction did not wait for the write lock"
        task.cancel()
        other.execute("ROLLBACK")
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, QUERY_WITHIN)
    finally:
        other.close()
    await asyncio.wait_for(_create_in_transaction("after"), QUERY_WITHIN)
    assert await Account.filter(name="after").exists()
    assert not await Account.filter(name="cancelled").exists()
    # the BEGIN IMMEDIATE that went on in aiosqlite's thread was rolled back: another process writes
    other = sqlite3.connect(db_ready.database_url.removeprefix("sqlite://"), timeout=QUERY_WITHIN)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
