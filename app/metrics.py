"""Prometheus metrics: what the workers did, kept in Redis, and what is due, read from the database.

Workers are separate processes (and, in production, often separate machines), so a worker's
counters cannot live in its own memory for the API's `GET /metrics` to serve. prometheus-client's
multiprocess mode needs one directory shared by every process, which holds on one machine only;
the workers and the API already share Redis, so each finished sync adds to one Redis hash
(`autoimport:<db>:metrics`, one `HINCRBY` pipeline per sync) and `/metrics` reads that hash at
scrape time. Counters are cluster-wide totals; a Redis flush resets them, which Prometheus's
`rate()` treats as a restart. A failed metrics write is logged and never fails a sync.

Labels are fixed vocabularies only (service ids, outcomes, record results, error kinds): no
tenant name, account id, URL or secret ever becomes a label.

The gauges (`imports due`, `imports overdue`) are computed at scrape time by one aggregate query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from prometheus_client import generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry
from redis.asyncio import Redis

from app.autoimports.repository import due_and_overdue_counts

log = logging.getLogger(__name__)

DURATION_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
OVERDUE_AFTER = timedelta(minutes=5)  # due for longer than this: the workers are not keeping up
RECORD_RESULTS = ("fetched", "added", "updated", "unchanged", "skipped_missing_email", "skipped_invalid_email",
                  "skipped_malformed", "not_added_contact_limit", "kept_unsubscribed")


def metrics_key(redis: Redis) -> str:
    database = redis.connection_pool.connection_kwargs.get("db", 0)
    return f"autoimport:{database}:metrics"


def _field(name: str, **labels: str) -> str:
    return name + "|" + ",".join(f"{key}={value}" for key, value in sorted(labels.items()))


def _parse_field(field: str) -> tuple[str, dict[str, str]]:
    name, _, raw = field.partition("|")
    return name, dict(pair.split("=", 1) for pair in raw.split(",") if pair)


@dataclass(frozen=True)
class FinishedSync:
    """One import's sync as the metrics see it: no tenant data."""

    service_id: str
    outcome: str  # SyncOutcome value
    seconds: float
    records: Mapping[str, int]
    error_kind: str | None = None  # rate_limited, needs_reauth, unavailable, rejected, unexpected, stale


class SyncMetrics(Protocol):
    async def sync_finished(self, sync: FinishedSync) -> None: ...


class NoMetrics:
    """Tests and tools that run the engine without Redis."""

    async def sync_finished(self, sync: FinishedSync) -> None:
        return None


class RedisSyncMetrics:
    """The workers' side: adds one finished sync to the shared counters."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.key = metrics_key(redis)

    async def sync_finished(self, sync: FinishedSync) -> None:
        try:
            await self._add(sync)
        except Exception as exc:
            # No traceback: during a Redis outage this is expected, and the sync's own lines say more.
            log.warning("Could not record the metrics of a %s sync (%s)", sync.service_id, type(exc).__name__)

    async def _add(self, sync: FinishedSync) -> None:
        service = sync.service_id
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(self.key, _field("syncs", service=service, outcome=sync.outcome.lower()), 1)
        for result in RECORD_RESULTS:
            if sync.records.get(result):
                pipe.hincrby(self.key, _field("records", service=service, result=result), sync.records[result])
        for bound in DURATION_BUCKETS:
            if sync.seconds <= bound:
                pipe.hincrby(self.key, _field("duration_bucket", service=service, le=str(bound)), 1)
        pipe.hincrby(self.key, _field("duration_count", service=service), 1)
        pipe.hincrbyfloat(self.key, _field("duration_sum", service=service), sync.seconds)
        if sync.error_kind == "rate_limited":
            pipe.hincrby(self.key, _field("rate_limit_waits", service=service), 1)
        elif sync.error_kind:
            pipe.hincrby(self.key, _field("source_errors", service=service, kind=sync.error_kind), 1)
        await pipe.execute()


async def read_worker_counters(redis: Redis) -> dict[str, float]:
    raw: dict[bytes | str, bytes | str] = await redis.hgetall(metrics_key(redis))  # type: ignore[misc]
    return {(k.decode() if isinstance(k, bytes) else k): float(v) for k, v in raw.items()}


async def due_and_overdue(now: datetime) -> tuple[int, int]:
    """Active imports whose next sync is due, and those due for longer than `OVERDUE_AFTER`: one
    aggregate query."""
    return await due_and_overdue_counts(now, OVERDUE_AFTER)


def metric_families(counters: Mapping[str, float], due: int, overdue: int) -> list[Metric]:
    """The exposition's families, from the Redis counters and the gauges."""
    syncs = CounterMetricFamily("autoimport_syncs", "Syncs of an import finished, by service and outcome.",
                                labels=["service", "outcome"])
    records = CounterMetricFamily("autoimport_records", "Source records of finished syncs, by result.",
                                  labels=["service", "result"])
    waits = CounterMetricFamily("autoimport_rate_limit_waits", "Syncs that stopped to wait for a service's "
                                "rate limit (resumed later, nothing lost).", labels=["service"])
    errors = CounterMetricFamily("autoimport_source_errors", "Syncs that failed on the source, by kind.",
                                 labels=["service", "kind"])
    by_name = {"syncs": (syncs, ("service", "outcome")), "records": (records, ("service", "result")),
               "rate_limit_waits": (waits, ("service",)), "source_errors": (errors, ("service", "kind"))}
    parsed = [(*_parse_field(field), value) for field, value in counters.items()]
    for name, labels, value in parsed:
        if name in by_name:
            family, names = by_name[name]
            family.add_metric([labels.get(label, "") for label in names], value)
    families: list[Metric] = [syncs, records, waits, errors, _durations(parsed)]
    families.append(GaugeMetricFamily("autoimport_imports_due", "Active imports whose next sync is due now.",
                                      value=due))
    families.append(GaugeMetricFamily("autoimport_imports_overdue", "Active imports due for more than "
                                      f"{int(OVERDUE_AFTER.total_seconds())} s: the workers are not keeping up.",
                                      value=overdue))
    return families


def _durations(parsed: Iterable[tuple[str, dict[str, str], float]]) -> HistogramMetricFamily:
    histogram = HistogramMetricFamily("autoimport_sync_duration_seconds", "How long one import's sync took.",
                                      labels=["service"])
    buckets: dict[str, dict[float, float]] = {}
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    for name, labels, value in parsed:
        service = labels.get("service", "")
        if name == "duration_bucket":
            buckets.setdefault(service, {})[float(labels["le"])] = value
        elif name == "duration_sum":
            sums[service] = value
        elif name == "duration_count":
            counts[service] = value
    for service, count in counts.items():
        # Redis holds the count of each bucket's own bound; Prometheus wants them cumulative,
        # which they already are (a sync adds to every bucket its duration fits under).
        points = [(str(bound), buckets.get(service, {}).get(bound, 0.0)) for bound in DURATION_BUCKETS]
        histogram.add_metric([service], [*points, ("+Inf", count)], sum_value=sums.get(service, 0.0))
    return histogram


class _Snapshot(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


async def exposition(redis: Redis | None, now: datetime) -> bytes:
    """The Prometheus text format of everything above (worker counters empty without Redis)."""
    counters: dict[str, Any] = {}
    if redis is not None:
        try:
            counters = await read_worker_counters(redis)
        except Exception as exc:
            log.warning("Could not read the workers' metrics from Redis (%s)", type(exc).__name__)
    due, overdue = await due_and_overdue(now)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(metric_families(counters, due, overdue)))
    return generate_latest(registry)
