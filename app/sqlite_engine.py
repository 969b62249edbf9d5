"""The SQLite engine for Tortoise (`"engine": "app.sqlite_engine"`): Tortoise's own client, except
that a transaction takes the write lock when it begins (`BEGIN IMMEDIATE`).

Why: the API and a worker are two processes on one SQLite file (`make run`, the embedded
default). Tortoise begins transactions with a plain (deferred) `BEGIN`, so a transaction that
reads and then writes, the shape of nearly every mutation and of every page the engine commits,
holds only a read snapshot until its first write. If the other process writes meanwhile, the
upgrade to a write lock fails at once with "database is locked": SQLite does not call the busy
handler for it (waiting could not help, the snapshot is already stale or would deadlock).
`BEGIN IMMEDIATE` waits for the write lock up front, under the connection's `busy_timeout`, and
then never needs an upgrade. Reads outside transactions are not affected (WAL lets them run
beside a writer), nor are single statements in autocommit mode (they wait under the busy timeout).

Also: a transaction whose beginning fails or is cancelled (Ctrl-C on a worker while it waits for
the write lock) gives the connection back. Tortoise's context takes the connection's lock and then
begins; when `begin` raises, `__aexit__` never runs and the lock stayed taken: every later query
of the process waited for it forever, and a stopping worker hung in arq's wait for its job.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import cast

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    """A transaction on the shared SQLite connection that holds the write lock from its start
    (a nested transaction is a savepoint inside it, as in Tortoise)."""

    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # still locked after the busy timeout
            raise TransactionManagementError(exc) from exc
        except asyncio.CancelledError:
            # aiosqlite's thread runs the statement on and may yet take the lock: undo that (the
            # rollback is queued behind it; without a transaction it does nothing).
            await self._connection.rollback()
            raise


class ReleasingTransactionContext(SqliteTransactionContext):
    """Tortoise's context, except that a failed or cancelled `begin` releases what it took."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return cast(TransactionalDBClient, self.connection)


class ImmediateTransactionSqliteClient(SqliteClient):
    """Tortoise's SQLite client whose transactions begin with `BEGIN IMMEDIATE`."""

    def _in_transaction(self) -> TransactionContext:
        return ReleasingTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateTransactionSqliteClient
