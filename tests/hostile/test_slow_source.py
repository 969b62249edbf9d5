"""A source dripping its body a byte at a time: every request ends at its deadline, and
`connectService` answers within a bound (the client's timeout is per read, so it never fires)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.http import request_with_retries
from app.errors import SourceUnavailable
from app.web import Services, create_app
from tests.conftest import CONNECT, AccountUnderTest
from tests.hostile.drip_server import dripping_server

DEADLINE = 1.5
READ_TIMEOUT = 1.0  # longer than the gap between two bytes: only a total deadline ends the request


@pytest.fixture
async def drip_url() -> AsyncIterator[str]:
    async with dripping_server(interval=0.2, max_bytes=100) as url:
        yield url


@pytest.fixture
async def real_http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=READ_TIMEOUT) as client:
        yield client


def _context(http: httpx.AsyncClient) -> SourceContext:
    return SourceContext(http=http, production=False, max_bytes=10_000, retries=3, deadline=DEADLINE)


async def test_a_dripping_source_ends_at_the_deadline(drip_url: str, real_http: httpx.AsyncClient) -> None:
    started = time.monotonic()

    with pytest.raises(SourceUnavailable, match=r"did not answer within 1\.5 s"):
        await request_with_retries(_context(real_http), "GET", drip_url)

    assert time.monotonic() - started < DEADLINE + 1.0


async def test_connect_service_on_a_dripping_feed_answers_within_a_bound(
    acme: AccountUnderTest, services: Services, drip_url: str, real_http: httpx.AsyncClient
) -> None:
    shared = Services(settings=services.settings, cipher=services.cipher, source=_context(real_http),
                      queue=services.queue)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(services=shared)),
                                 base_url="http://api.test") as client:
        started = time.monotonic()
        response = await client.post("/graphql", json={"query": CONNECT, "variables": {"settings": {"url": drip_url}}},
                                     headers={"Authorization": f"Bearer {acme.token}"})
        elapsed = time.monotonic() - started

    payload = response.json()["data"]["connectService"]
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID"]
    assert "did not answer within" in payload["userErrors"][0]["message"]
    assert elapsed < DEADLINE + 1.5


async def test_a_prompt_source_is_unaffected(real_http: httpx.AsyncClient) -> None:
    async with dripping_server(interval=0.0, max_bytes=20) as url:
        response = await request_with_retries(_context(real_http), "GET", url)

    assert response.status_code == 200 and response.content == b"e" * 20


def test_the_deadline_is_a_setting(services: Services) -> None:
    assert services.settings.source_request_deadline == 60.0
