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
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
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


class ImmediateTransactionSqliteClient(SqliteClient):
    """Tortoise's SQLite client whose transactions begin with `BEGIN IMMEDIATE`."""

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateTransactionSqliteClient
