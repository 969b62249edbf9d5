"""Fixtures for the connector tests: the CSV feed simulator mounted in an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.connectors import http as http_module
from app.connectors.base import SourceContext
from tests.connectors.csv_feed_support import make_context
from tests.simulators.csv_feed import CsvFeedSimulator


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "backoff_delay", lambda attempt: 0.0)


@pytest.fixture
def sim() -> CsvFeedSimulator:
    return CsvFeedSimulator()


@pytest.fixture
async def client(sim: CsvFeedSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim), base_url="http://feed.test") as c:
        yield c


@pytest.fixture
def context(client: httpx.AsyncClient) -> SourceContext:
    return make_context(client)
