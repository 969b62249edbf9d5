"""Fixtures of the connection-flow tests: the example OAuth service, registered as two services
(`example_crm`, `other_crm`), reachable by the API's outgoing HTTP client and by a "browser"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import app.connectors.registry
from app.connectors import http as http_module
from app.connectors.base import OAuthClient, SourceContext
from tests.conftest import SourceContexts
from tests.connections.support import BASE, OTHER_SERVICE_ID, SERVICE_ID, ExampleCrm, ExampleCrmConnector


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "backoff_delay", lambda attempt: 0.0)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.connectors.registry.CONNECTORS, SERVICE_ID, ExampleCrmConnector())
    monkeypatch.setitem(app.connectors.registry.CONNECTORS, OTHER_SERVICE_ID,
                        ExampleCrmConnector(OTHER_SERVICE_ID, "Other CRM"))


@pytest.fixture
def crm() -> ExampleCrm:
    return ExampleCrm()


@pytest.fixture
def source(crm: ExampleCrm, source_for: SourceContexts) -> SourceContext:
    """The server's source context: its outgoing client reaches the example service."""
    client = OAuthClient(crm.auth.client_id, crm.auth.client_secret)
    return source_for(crm, public_url="http://api.test", oauth_clients={SERVICE_ID: client, OTHER_SERVICE_ID: client})


@pytest.fixture
async def browser(crm: ExampleCrm) -> AsyncIterator[httpx.AsyncClient]:
    """The user's browser on the service's consent page (it does not follow redirects itself)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=crm), base_url=BASE) as client:
        yield client
