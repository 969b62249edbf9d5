"""`GET /metrics`: the workers' syncs (counted in Redis by whichever worker ran them), records by
result, the duration histogram, rate-limit waits and source errors by kind, and the imports due
and overdue from the database; no tenant name, URL or secret in any label. Open in development,
behind `AUTOIMPORT_METRICS_TOKEN` in production (off without it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from app.autoimports.models import AutoImport
from app.config import Environment, Settings
from app.connectors.registry import CONNECTORS
from app.metrics import RedisSyncMetrics
from app.web import Services, create_app
from tests.conftest import (
    HEADER,
    AccountUnderTest,
    Sync,
    connect_feed,
    create_feed_import,
    rows,
)
from tests.simulators.csv_feed import CsvFeedSimulator

SECRET_FEED = "http://feed.test/feed.csv?token=s3cr3t-feed-token"


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    await pool.flushdb()
    try:
        yield pool
    finally:
        await pool.flushdb()
        await pool.aclose()


@pytest.fixture
async def scraper(services: Services, redis: ArqRedis) -> AsyncIterator[httpx.AsyncClient]:
    """The API (another process than the worker in production: here it only shares Redis)."""
    app = create_app(services=replace(services, redis=redis))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as c:
        yield c


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_show_the_workers_syncs_records_durations_errors_and_what_is_due(
        acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, redis: ArqRedis,
        scraper: httpx.AsyncClient) -> None:
    sync.env = replace(sync.env, metrics=RedisSyncMetrics(redis))
    feed.set_rows(HEADER, [*rows(3), ["not-an-email", "X", "Y", "", "Pro"]])
    first = await create_feed_import(acme.api, await connect_feed(acme.api, SECRET_FEED, name="Acme secret feed"))
    await sync.due()
    feed.fail_next(503, times=10)
    await AutoImport.filter(id=int(first)).update(next_sync_at=datetime.now(timezone.utc))
    await sync.due()
    await AutoImport.filter(id=int(first)).update(next_sync_at=datetime.now(timezone.utc) - timedelta(hours=1))

    response = await scraper.get("/metrics")

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    assert found[("autoimport_syncs_total", (("outcome", "completed"), ("service", "csv_feed")))] == 1
    assert found[("autoimport_syncs_total", (("outcome", "failed"), ("service", "csv_feed")))] == 1
    assert found[("autoimport_records_total", (("result", "added"), ("service", "csv_feed")))] == 3
    assert found[("autoimport_records_total", (("result", "skipped_invalid_email"), ("service", "csv_feed")))] == 1
    assert found[("autoimport_source_errors_total", (("kind", "unavailable"), ("service", "csv_feed")))] == 1
    assert found[("autoimport_sync_duration_seconds_count", (("service", "csv_feed"),))] == 2
    assert found[("autoimport_sync_duration_seconds_bucket", (("le", "+Inf"), ("service", "csv_feed")))] == 2
    assert found[("autoimport_imports_due", ())] == 1
    assert found[("autoimport_imports_overdue", ())] == 1
    for private in ("Acme", "s3cr3t", "feed.test", acme.token):
        assert private not in response.text
    labels = {label for key, pairs in found for label, _ in pairs}
    assert labels <= {"service", "outcome", "result", "kind", "le"}, labels
    assert {value for key, pairs in found for label, value in pairs if label == "service"} <= set(CONNECTORS)


async def test_production_needs_the_metrics_token_and_is_off_without_one(
        services: Services, redis: ArqRedis) -> None:
    async def get(token: str, header: str | None) -> httpx.Response:
        settings = services.settings.model_copy(update={"env": Environment.PRODUCTION,
                                                        "metrics_token": SecretStr(token)})
        app = create_app(services=replace(services, settings=settings, redis=redis))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as c:
            return await c.get("/metrics", headers={"Authorization": header} if header else {})

    assert (await get("", None)).status_code == 404
    assert (await get("scrape-token", None)).status_code == 401
    assert (await get("scrape-token", "Bearer wrong")).status_code == 401
    assert (await get("scrape-token", "Bearer scrape-token")).status_code == 200
