"""Steps of the OAuth connection flow as a user's app and browser take them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Api
from tests.connections.support import SERVICE_ID

CONNECT = """
mutation($serviceId: ID!, $settings: JSON!, $name: String) {
  connectService(input: {serviceId: $serviceId, settings: $settings, name: $name}) {
    connection { id name externalAccount status } authorizeUrl userErrors { field code message }
  }
}"""
CONNECTIONS = """
query { connections { id name externalAccount status service { id name auth } autoImports { id status } } }"""
CREATE_IMPORT = """
mutation($connectionId: ID!) {
  createAutoImport(input: {serviceId: "example_crm", connectionId: $connectionId, name: "CRM"}) {
    autoImport { id status } userErrors { field code message }
  }
}"""


async def connect(api: Api, settings: dict[str, Any] | None = None, name: str | None = None,
                  service_id: str = SERVICE_ID) -> dict[str, Any]:
    return (await api(CONNECT, serviceId=service_id, settings=settings or {}, name=name))["connectService"]


async def start(api: Api, name: str | None = None, service_id: str = SERVICE_ID,
                settings: dict[str, Any] | None = None) -> str:
    """connectService without credentials: the consent page's URL."""
    payload = await connect(api, settings, name, service_id)
    assert payload["userErrors"] == [] and payload["connection"] is None, payload
    assert payload["authorizeUrl"]
    return str(payload["authorizeUrl"])


async def consent(browser: httpx.AsyncClient, authorize_url: str) -> httpx.URL:
    """The user approves on the service's page; returns where the service sends the browser."""
    response = await browser.get(authorize_url)
    assert response.status_code == 302, response.text
    location = httpx.URL(response.headers["Location"])
    assert (location.scheme, location.host) == ("http", "api.test")
    return location


async def callback(client: httpx.AsyncClient, location: httpx.URL) -> httpx.Response:
    """The browser following the redirect to our callback (no API token)."""
    response = await client.get(str(location))
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    return response


async def connect_through_consent(api: Api, browser: httpx.AsyncClient, client: httpx.AsyncClient,
                                  name: str | None = None) -> httpx.Response:
    return await callback(client, await consent(browser, await start(api, name)))


async def create_import(api: Api, connection_id: str) -> str:
    payload = (await api(CREATE_IMPORT, connectionId=connection_id))["createAutoImport"]
    assert payload["userErrors"] == [], payload
    return str(payload["autoImport"]["id"])
