"""The API process's side of sync progress: one Redis subscription, fanned out in memory.

Each API process holds ONE pub/sub subscription to the `progress_channel` whatever its number of
clients; each `syncProgress` client has only an in-memory queue keyed by its auto-import id. The
account check runs once, when a client subscribes; afterwards neither an idle client nor an event
costs a database query. If Redis drops the subscription, the hub subscribes again (with a growing
pause while Redis is away); events published meanwhile are not replayed: they are snapshots, and
the next one carries the run's counts so far.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from app.autoimports.service import get_auto_import
from app.sync.progress import SyncProgressEvent, progress_channel

log = logging.getLogger(__name__)


class ProgressHub:
    """Listens to the `progress_channel` once for the process and hands each event to the queues of
    the clients watching its auto-import. A slow client's queue keeps the newest `queue_size`
    events (the oldest, superseded snapshots are dropped first)."""

    def __init__(self, redis: Redis, *, queue_size: int = 64, idle_ping: float = 10.0,
                 retry_delays: tuple[float, float] = (0.2, 5.0)) -> None:
        self.redis = redis
        self.channel = progress_channel(redis)
        self.queue_size = queue_size
        self.idle_ping = idle_ping
        self.retry_delays = retry_delays
        self.listening = asyncio.Event()  # set while the Redis subscription is up
        self._watchers: dict[int, set[asyncio.Queue[SyncProgressEvent]]] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Starts listening in the background (the app's lifespan calls this once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._listen_forever(), name="sync-progress-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.listening.clear()

    @property
    def watcher_count(self) -> int:
        return sum(len(queues) for queues in self._watchers.values())

    @contextlib.asynccontextmanager
    async def watch(self, auto_import_id: int) -> AsyncIterator[asyncio.Queue[SyncProgressEvent]]:
        """A queue receiving the events of one auto-import while the block runs. No account
        check here: `watch_auto_import` makes it."""
        queue: asyncio.Queue[SyncProgressEvent] = asyncio.Queue(maxsize=self.queue_size)
        self._watchers.setdefault(auto_import_id, set()).add(queue)
        try:
            yield queue
        finally:
            queues = self._watchers.get(auto_import_id, set())
            queues.discard(queue)
            if not queues:
                self._watchers.pop(auto_import_id, None)

    def deliver(self, event: SyncProgressEvent) -> None:
        """Hands one event to every queue watching its auto-import, without waiting for any."""
        for queue in self._watchers.get(event.auto_import_id, ()):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    async def _listen_forever(self) -> None:
        shortest, longest = self.retry_delays
        delay = shortest
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("The sync progress subscription to Redis dropped; subscribing again in %.1f s",
                            delay, exc_info=True)
            if self.listening.is_set():
                delay = shortest  # it had worked: the first retry is quick again
            self.listening.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest)

    async def _listen(self) -> None:
        async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(self.channel)
            self.listening.set()
            while True:
                message = await pubsub.get_message(timeout=self.idle_ping)
                if message is None:
                    await pubsub.ping()  # an idle connection that died must not go unnoticed
                elif message.get("type") == "message":
                    self._receive(message["data"])

    def _receive(self, raw: bytes | str) -> None:
        try:
            event = SyncProgressEvent.from_json(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("Ignored a malformed message on %s", self.channel)
            return
        self.deliver(event)


async def watch_auto_import(hub: ProgressHub, account_id: int, auto_import_id: int) -> AsyncIterator[SyncProgressEvent]:
    """The progress events of one of the account's auto-imports, from now on, until the caller
    stops. Another account's import is `NotFound`, exactly like a missing one; the check runs
    once, here, and waiting for events costs no query."""
    await get_auto_import(account_id, auto_import_id)
    async with hub.watch(auto_import_id) as queue:
        while True:
            event = await queue.get()
            if event.account_id == account_id:  # an import id is the account's: this holds by construction
                yield event
