"""The PostgreSQL engine for Tortoise (`"engine": "app.postgres_engine"`): Tortoise's asyncpg
client, except that a transaction whose beginning fails or is cancelled gives its connection back,
its pool sends no reset query at release, and the pool can be expired after a lost connection.

Why: Tortoise's pooled context takes a connection from the pool and then begins; when `begin`
raises (Ctrl-C on a worker lands on it, or the server drops the connection), `__aexit__` never
runs and the connection was never released. asyncpg's `Pool.close()` waits for every connection
to come back, so the worker's shut-down (`db.disconnect`) hung, and each such leak also took one
connection from the pool for good.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    PoolConnectionWrapper,
    TransactionalDBClient,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError


class ReleasingTransactionContext(TransactionContextPooled):
    """Tortoise's pooled context, except that a failed or cancelled `begin` releases the connection."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self.ensure_connection()
        pool = self.client._parent._pool
        self.client._connection = await pool.acquire()
        self.token = get_connections().set(self.connection_name, self.client)
        try:
            await self.client.begin()
        except BaseException:
            get_connections().reset(self.token)
            await reset_after_failure(self.client._connection)
            await pool.release(self.client._connection)  # asyncpg rolls back what had begun
            raise
        return self.client

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        """Tortoise's: commit, or roll back after a failure; then, after any failure (the block's, the
        commit's or the rollback's), the full reset before the connection goes back to the pool."""
        failed = exc_type is not None
        try:
            if not self.client._finalized:
                if exc_type:
                    if exc_type is not TransactionManagementError:  # a failed begin: nothing to roll back
                        await self.client.rollback()
                else:
                    await self.client.commit()
        except BaseException:
            failed = True
            raise
        finally:
            try:
                if failed:
                    await reset_after_failure(self.client._connection)
            finally:
                if self.client._parent._pool:
                    await self.client._parent._pool.release(self.client._connection)
                get_connections().reset(self.token)


class ResettingPoolConnection(PoolConnectionWrapper[asyncpg.Connection]):
    """Tortoise's connection for one statement outside a transaction, reset in full after a failure."""

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            if exc_type is not None:
                await reset_after_failure(self.connection)
        finally:
            await super().__aexit__(exc_type, exc_val, exc_tb)


async def reset_after_failure(connection: asyncpg.Connection | None) -> None:
    """asyncpg's own reset (roll back, then `RESET ALL` and the rest), run only after a failure. The
    statement that failed may have met a connection the server dropped (`pg_terminate_backend`, a
    failover) that asyncpg has not seen closed yet: the reset fails on it too, and the connection
    is closed, so that the pool replaces it instead of handing it out again."""
    if connection is None or connection.is_closed():
        return
    try:
        await connection.reset()
    except (Exception, asyncio.CancelledError):
        connection.terminate()


async def keep_session(connection: asyncpg.Connection) -> None:
    """What the pool does to a released connection beyond asyncpg's own clean-up (which rolls back an
    open transaction and drops listeners): nothing, see `ReleasingAsyncpgClient`."""


class ReleasingAsyncpgClient(AsyncpgDBClient):
    """Tortoise's asyncpg client whose transactions release their connection when they fail to begin,
    and whose pool sends no reset query when a connection comes back.

    asyncpg's default reset runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`
    at every release: one more round trip for each query outside a transaction (Tortoise takes a
    connection per query), eleven per sync and one per statement of an API request. The app leaves
    nothing for it to undo: it takes no advisory lock, holds no cursor, listens to nothing (progress
    goes through Redis) and sets no session setting (its one setting, `plan_cache_mode`, is a
    startup parameter of each connection). `tests/test_db.py` checks that the app's SQL stays so.
    After a failure the full reset still runs (`reset_after_failure`): it is what finds a connection
    the server dropped.
    """

    def _in_transaction(self) -> TransactionContext:
        return ReleasingTransactionContext(TransactionWrapper(self), self._pool_init_lock)

    def acquire_connection(self) -> ResettingPoolConnection:
        return ResettingPoolConnection(self, self._pool_init_lock)

    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=keep_session, **kwargs)

    async def expire_connections(self) -> None:
        """Has every connection of the pool replaced before its next use (one in use, when it is
        given back); asyncpg's `Pool.expire_connections`."""
        await self._expire_connections()


client_class = ReleasingAsyncpgClient
