"""Database set-up: the Tortoise config, connecting, and applying Tortoise's own migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.exceptions import DBConnectionError
from tortoise.migrations.api import migrate

from app.postgres_engine import ReleasingAsyncpgClient

# How long a SQLite statement, or a transaction's `BEGIN IMMEDIATE`, waits for the other process
# (the API or the worker) to release the write lock before "database is locked". Write
# transactions here last milliseconds (a page commit of 500 records well under a second), so a
# wait this long only runs out when something holds the lock abnormally.
SQLITE_BUSY_TIMEOUT_MS = 20_000

# SQLite's durability in WAL mode: NORMAL syncs the log to disk at checkpoints, not at each commit
# (FULL, the default, syncs at each one). A commit survives the process dying, a killed worker
# included; only a power loss or an operating-system crash can undo the last commits, and never
# corrupts the file (https://sqlite.org/pragma.html#pragma_synchronous). A sync undone that way is
# undone whole, with its cursor, and the next sync applies it again. Each commit then costs half as
# much (measured here: 0.33 ms instead of 0.61 ms for a one-row write transaction).
SQLITE_SYNCHRONOUS = "NORMAL"

MODEL_MODULES = [
    "app.accounts.models",
    "app.contacts.models",
    "app.connections.models",
    "app.autoimports.models",
]


def _connection(database_url: str) -> str | dict[str, Any]:
    """The connection config. On SQLite, `secure_delete` zeroes what a delete or an update frees,
    so a deleted connection's (or a replaced token's) encrypted settings do not linger in the
    file's free space; the engine is `app.sqlite_engine`, whose transactions take the write lock
    when they begin, and `busy_timeout` is how long one waits for it, so that the API and a
    worker sharing the file wait for each other instead of failing; `synchronous` is
    `SQLITE_SYNCHRONOUS`. On PostgreSQL, prepared
    statements always get a custom plan: the engine looks rows up with `IN (...)` lists of up to
    a page of ids, and the generic plan PostgreSQL switches to after five runs seeks on the first
    index column only and filters the rest (measured: 470 ms instead of 5 ms for 500 ids among
    20,000 rows); a generic plan made while a table is small reads it whole once it has grown
    (32 ms instead of 1.2 ms for one page's lookup of 500 email keys). The one exception is the
    foreign-key checks of a bulk write, which PostgreSQL runs row by row: those may reuse one plan
    (`app.sync.bulk_sql`)."""
    if database_url.startswith("sqlite://"):
        connection = expand_db_url(database_url)
        connection["engine"] = "app.sqlite_engine"
        connection["credentials"].setdefault("secure_delete", "ON")
        connection["credentials"].setdefault("busy_timeout", SQLITE_BUSY_TIMEOUT_MS)
        connection["credentials"].setdefault("synchronous", SQLITE_SYNCHRONOUS)
        return connection
    if not database_url.startswith(("postgres://", "asyncpg://", "psycopg://")):
        return database_url
    connection = expand_db_url(database_url)
    if connection["engine"] == "tortoise.backends.asyncpg":
        connection["engine"] = "app.postgres_engine"  # a transaction that fails to begin releases its connection
    settings = connection["credentials"].setdefault("server_settings", {})
    settings.setdefault("plan_cache_mode", "force_custom_plan")
    return connection


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {"models": {"models": MODEL_MODULES, "migrations": "migrations", "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://").split("?")[0]).parent.mkdir(parents=True, exist_ok=True)


async def connect(database_url: str) -> TortoiseContext:
    """Opens the ORM for this process (a global context, as uvicorn and arq both need: their
    start-up and shut-down hooks run in other contexts than the requests and jobs)."""
    _ensure_sqlite_folder(database_url)
    return await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def disconnect(context: TortoiseContext | None = None) -> None:
    """Closes the connections; pass the context `connect` returned when closing from elsewhere."""
    if context is not None:
        await context.close_connections()
    else:
        await Tortoise.close_connections()


async def apply_migrations(database_url: str) -> None:
    """Brings the schema up to date with the migrations in `migrations/` (idempotent)."""
    _ensure_sqlite_folder(database_url)
    try:
        await migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


# What a database connection dropped under us raises (pg_terminate_backend, a restart, a failover):
# asyncpg's closed-connection errors, the server's "terminating connection" (class 57P) and
# "connection exception" (class 08) errors, and the socket's own.
_CONNECTION_LOST = (
    asyncpg.exceptions.InternalClientError,  # "cannot switch to state 12": a dead connection reused
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.PostgresConnectionError,
    DBConnectionError,
    ConnectionError,
)


def is_connection_lost(exc: BaseException) -> bool:
    """True when `exc`, or what caused it (Tortoise wraps asyncpg's errors), means the database
    connection was lost: a transient failure to retry, not a fault of the work being done."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, _CONNECTION_LOST):
            return True
        if isinstance(seen, asyncpg.exceptions.InterfaceError) and "closed" in str(seen):
            return True  # "connection is closed"; other InterfaceErrors are the client's own faults
        seen = seen.__cause__ or seen.__context__
    return False


async def expire_connections() -> None:
    """Has every pooled PostgreSQL connection of this process replaced before its next use. For
    when one was found lost: the others were opened to the same server and dropped with it
    (pg_terminate_backend, a restart, a failover), but each looks alive until the end of its socket
    is read, so the pool hands it out again and the next try of a job fails on it in turn
    (measured: a retry failing with "cannot switch to state 12; another operation (2) is in
    progress" when the pool held two connections). Nothing to do on SQLite."""
    for client in connections.all():
        if isinstance(client, ReleasingAsyncpgClient):
            await client.expire_connections()


def __getattr__(name: str) -> Any:
    """`TORTOISE_ORM`, the config the `tortoise` CLI reads (`tortoise -c app.db.TORTOISE_ORM ...`),
    built on access so that importing this module reads no settings."""
    if name == "TORTOISE_ORM":
        from app.config import get_settings

        return tortoise_config(get_settings().resolved_database_url)
    raise AttributeError(name)
