"""Shared pieces of the Shopify connector tests: the simulator behind a client, a context, a fetch."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from app.connectors.base import FetchRequest, Page, SourceContext, SourceRecord
from app.connectors.shopify import ShopifyConnector
from tests.connectors.contract import KnownFingerprints
from tests.simulators.shopify import ManualClock, ShopifySimulator

SHOP = "acme.myshopify.com"
TOKEN = "shpat_acme_test_token"
ENDPOINTS = {"shopify": "http://shopify.test/{shop}"}
SETTINGS = {"shop": SHOP, "access_token": TOKEN}


def make_simulator(step: float = 10.0) -> ShopifySimulator:
    """A simulator with one shop whose bucket refills `step` seconds per call (10 s: always full)."""
    sim = ShopifySimulator(clock=ManualClock(step))
    sim.add_shop(SHOP, TOKEN)
    return sim


@asynccontextmanager
async def simulator_client(sim: ShopifySimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim)) as client:
        yield client


def make_context(client: httpx.AsyncClient, *, retries: int = 2, max_inline_wait: float = 0.01) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=5_000_000, retries=retries,
                         max_inline_wait=max_inline_wait, endpoints=ENDPOINTS)


async def fetch(context: SourceContext, *, cursor: dict[str, Any] | None = None, limit: int = 500,
                criteria: dict[str, Any] | None = None, known: KnownFingerprints | None = None,
                settings: dict[str, Any] | None = None) -> Page:
    request = FetchRequest(settings=dict(settings or SETTINGS), criteria=criteria or {}, cursor=cursor or {},
                           limit=limit, fingerprints=known or KnownFingerprints(), context=context)
    page = await ShopifyConnector().fetch_page(request)
    if known is not None:
        known.mark(page.records)
    return page


async def drain(context: SourceContext, known: KnownFingerprints, cursor: dict[str, Any] | None = None,
                criteria: dict[str, Any] | None = None, limit: int = 500) -> tuple[list[SourceRecord], dict[str, Any]]:
    """Pages until nothing more is waiting, as successive syncs would."""
    taken: list[SourceRecord] = []
    cursor = dict(cursor or {})
    for _ in range(100):
        page = await fetch(context, cursor=cursor, limit=limit, criteria=criteria, known=known)
        taken += page.records
        cursor = page.cursor
        if not page.has_more:
            return taken, cursor
    raise AssertionError("the connector never finished: a loop")
