"""Helpers shared by the CSV feed connector tests: a resolver and a fetch call."""

from __future__ import annotations

from typing import Any

import httpx

from app.connectors.base import FetchRequest, Page, SourceContext, SourceRecord
from app.connectors.csv_feed import CsvFeedConnector
from app.connectors.url_guard import resolve_host
from tests.connectors.contract import KnownFingerprints

FEED_URL = "http://feed.test/feed.csv"
PUBLIC_ADDRESS = "93.184.216.34"


class SwitchableResolver:
    """Resolves feed.test to `address` (settable), anything else for real."""

    def __init__(self, address: str = PUBLIC_ADDRESS) -> None:
        self.address = address

    async def __call__(self, host: str, port: int) -> list[str]:
        return [self.address] if host == "feed.test" else await resolve_host(host, port)


def make_context(client: httpx.AsyncClient, production: bool = False, max_bytes: int = 5_000_000) -> SourceContext:
    return SourceContext(http=client, production=production, max_bytes=max_bytes, retries=2,
                         max_inline_wait=0.01)


async def fetch(context: SourceContext, *, cursor: dict[str, Any] | None = None, limit: int = 500,
                criteria: dict[str, Any] | None = None, known: KnownFingerprints | None = None,
                connector: CsvFeedConnector | None = None, url: str = FEED_URL) -> Page:
    request = FetchRequest(settings={"url": url}, criteria=criteria or {}, cursor=cursor or {},
                           limit=limit, fingerprints=known or KnownFingerprints(), context=context)
    return await (connector or CsvFeedConnector()).fetch_page(request)


def by_id(page: Page) -> dict[str, SourceRecord]:
    return {record.external_id: record for record in page.records}
