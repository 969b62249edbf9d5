"""Helpers shared by the Google Contacts tests: the simulator behind one in-process transport, a
context pointing every Google endpoint name at it, and a recorded fetch."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.connectors.base import FetchRequest, OAuthClient, Page, SourceContext
from app.connectors.google_contacts import ACCOUNTS, OAUTH, PEOPLE, GoogleContactsConnector
from tests.simulators.google_contacts import GoogleContactsSimulator

ENDPOINTS = {PEOPLE: "http://people.test", OAUTH: "http://oauth.test",
             ACCOUNTS: "http://accounts.test/o/oauth2/v2/auth"}
CLIENT = OAuthClient("sim-client-id", "sim-client-secret")


def make_context(client: httpx.AsyncClient, retries: int = 2) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=5_000_000, retries=retries, max_inline_wait=0.01,
                         endpoints=ENDPOINTS, oauth_clients={"google_contacts": CLIENT})


@pytest.fixture
def google() -> GoogleContactsSimulator:
    return GoogleContactsSimulator()


@pytest.fixture
async def google_http(google: GoogleContactsSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=google)) as client:
        yield client


@pytest.fixture
def google_context(google_http: httpx.AsyncClient) -> SourceContext:
    return make_context(google_http)


@dataclass
class Fetcher:
    """Calls `fetch_page` as the engine does, remembering the cursor and the saved settings."""

    context: SourceContext
    settings: dict[str, Any]
    criteria: dict[str, Any] = field(default_factory=dict)
    cursor: dict[str, Any] = field(default_factory=dict)
    saved: list[dict[str, Any]] = field(default_factory=list)
    connector: GoogleContactsConnector = field(default_factory=GoogleContactsConnector)

    async def unchanged_ids(self, records: Any) -> set[str]:
        return set()

    async def save_settings(self, settings: dict[str, Any]) -> None:
        self.saved.append(dict(settings))
        self.settings = dict(settings)

    async def fetch(self, limit: int = 500) -> Page:
        request = FetchRequest(settings=dict(self.settings), criteria=self.criteria, cursor=self.cursor, limit=limit,
                               fingerprints=self, context=self.context, save_settings=self.save_settings)
        page = await self.connector.fetch_page(request)
        self.cursor = page.cursor
        return page

    async def drain(self, limit: int = 500) -> list[Page]:
        pages = [await self.fetch(limit)]
        while pages[-1].has_more:
            pages.append(await self.fetch(limit))
        return pages


def listing_calls(sim: GoogleContactsSimulator) -> list[dict[str, str]]:
    return [query for _, path, query in sim.requests if path == "/v1/people/me/connections"]
