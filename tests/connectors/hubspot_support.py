"""Helpers shared by the HubSpot connector tests: the simulator in an in-process client, a context
pointing at it, and an engine-like driver (tests/connectors/contract.py's `EngineLike`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.connectors.base import OAuthClient, SourceContext
from app.connectors.hubspot import HubSpotConnector
from tests.connectors.contract import EngineLike
from tests.simulators.hubspot import CLIENT_ID, CLIENT_SECRET, PRIVATE_APP_TOKEN, HubSpotSimulator

BASE = "http://hubspot.test"
ENDPOINTS = {"hubspot": BASE, "hubspot_authorize": f"{BASE}/oauth/authorize"}
REDIRECT_URI = "http://api.test/oauth/hubspot/callback"


def make_context(client: httpx.AsyncClient, retries: int = 2) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=5_000_000, retries=retries, max_inline_wait=0.01,
                         endpoints=ENDPOINTS, oauth_clients={"hubspot": OAuthClient(CLIENT_ID, CLIENT_SECRET)})


@pytest.fixture
def hubspot() -> HubSpotSimulator:
    return HubSpotSimulator()


@pytest.fixture
async def hubspot_http(hubspot: HubSpotSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hubspot), base_url=BASE) as client:
        yield client


@pytest.fixture
def hubspot_context(hubspot_http: httpx.AsyncClient) -> SourceContext:
    return make_context(hubspot_http)


class Harness:
    """What `EngineLike` drives: the connector, a context and connection settings."""

    def __init__(
        self, context: SourceContext, settings: dict[str, Any], connector: HubSpotConnector | None = None
    ) -> None:
        self.context, self.settings = context, settings
        self.connector = connector or HubSpotConnector()


def private_app_engine(context: SourceContext, criteria: dict[str, Any] | None = None) -> EngineLike:
    return EngineLike(Harness(context, {"private_app_token": PRIVATE_APP_TOKEN}), criteria=criteria or {})  # type: ignore[arg-type]


def oauth_engine(context: SourceContext, tokens: dict[str, Any]) -> EngineLike:
    return EngineLike(Harness(context, dict(tokens)))  # type: ignore[arg-type]
