"""Sync progress events, and how a sync tells the API processes about them.

The worker publishes an event after each committed page (outcome RUNNING) and one when an import's
sync ends (its final outcome) on one Redis pub/sub channel; every API process listens to that
channel once (`app.sync.progress_hub`) and hands the events to its `syncProgress` subscribers.

Progress is a courtesy, not a record: the database stays the source of truth (`SyncRun`). An event
is a snapshot (counts so far in this run), so a subscriber that misses one loses nothing the next
one does not carry, and publishing never fails or slows a sync beyond a short timeout.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.autoimports.models import SyncOutcome
from app.sync.counts import SyncCounts

log = logging.getLogger(__name__)


def progress_channel(redis: Redis) -> str:
    """The pub/sub channel of progress events. Pub/sub ignores database numbers, so the channel
    names the database: deployments sharing a Redis server, each on its own database, never hear
    each other's events."""
    database = redis.connection_pool.connection_kwargs.get("db", 0)
    return f"autoimport:{database}:sync-progress"


@dataclass(frozen=True)
class SyncProgressEvent:
    """Where one import's sync run stands: its counts so far, and its outcome (RUNNING until it ends)."""

    account_id: int
    auto_import_id: int
    sync_run_id: int
    outcome: SyncOutcome
    counts: SyncCounts
    backlog_estimate: int | None
    at: datetime

    def to_json(self) -> str:
        return json.dumps({
            "account_id": self.account_id, "auto_import_id": self.auto_import_id, "sync_run_id": self.sync_run_id,
            "outcome": self.outcome.value, "counts": self.counts.to_dict(),
            "backlog_estimate": self.backlog_estimate, "at": self.at.isoformat(),
        })

    @classmethod
    def from_json(cls, raw: str | bytes) -> SyncProgressEvent:
        """The event a publisher wrote; raises `ValueError` (or `KeyError`, `TypeError`) for anything else."""
        data: dict[str, Any] = json.loads(raw)
        backlog = data["backlog_estimate"]
        return cls(
            account_id=int(data["account_id"]), auto_import_id=int(data["auto_import_id"]),
            sync_run_id=int(data["sync_run_id"]), outcome=SyncOutcome(data["outcome"]),
            counts=SyncCounts.from_dict(data["counts"]), backlog_estimate=None if backlog is None else int(backlog),
            at=datetime.fromisoformat(data["at"]),
        )


class ProgressPublisher(Protocol):
    """Where a sync reports its progress. `publish` must never raise and must return promptly:
    a sync's outcome never depends on whether anyone heard about it."""

    async def publish(self, event: SyncProgressEvent) -> None: ...


class SilentProgress:
    """Publishes nothing: the default for syncs run where nobody listens (tests, benchmarks)."""

    async def publish(self, event: SyncProgressEvent) -> None:
        return None


class RedisProgressPublisher:
    """Publishes on the `progress_channel`. A Redis error or a Redis slower than `timeout` seconds is
    logged in one line (no traceback: an outage is expected) and ignored: the event is lost, the
    sync goes on. Any other error is logged with its traceback."""

    def __init__(self, redis: Redis, timeout: float = 2.0) -> None:
        self.redis = redis
        self.channel = progress_channel(redis)
        self.timeout = timeout

    async def publish(self, event: SyncProgressEvent) -> None:
        try:
            # Not `asyncio.wait_for`: on Python 3.11 it loses a cancel (a worker stopping) that
            # arrives as the publish finishes, and the sync went on (tests/sync/test_progress_cancellation.py).
            async with asyncio.timeout(self.timeout):
                await self.redis.publish(self.channel, event.to_json())
        except (RedisError, OSError) as exc:
            # Redis down or slower than the timeout (a TimeoutError, an OSError): expected during an
            # outage, so one line per event (the worker's pool logs the reconnects), no traceback.
            log.warning("Could not publish the progress of sync run %s (auto-import %s): Redis unavailable (%s)",
                        event.sync_run_id, event.auto_import_id, type(exc).__name__)
        except Exception:
            log.warning("Could not publish the progress of sync run %s (auto-import %s)",
                        event.sync_run_id, event.auto_import_id, exc_info=True)
