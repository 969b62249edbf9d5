"""Every simulated service behind the API's outgoing HTTP client, for tests that connect them all
through GraphQL: a test module imports the fixtures it uses (`simulated`, `source`,
`browser`, `no_backoff`), which override tests/conftest.py's `source`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.connectors import http as http_module
from app.connectors.base import OAuthClient, SourceContext
from tests.conftest import Api, SourceContexts
from tests.simulators import hubspot as hubspot_sim
from tests.simulators import mailchimp as mailchimp_sim
from tests.simulators import salesforce as salesforce_sim
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.simulators.demo_server import GOOGLE_CLIENT, ByPrefix
from tests.simulators.google_contacts import GoogleContactsSimulator
from tests.simulators.hubspot import HubSpotSimulator
from tests.simulators.mailchimp import MailchimpSimulator
from tests.simulators.pipedrive import TOKEN as PIPEDRIVE_TOKEN
from tests.simulators.pipedrive import PipedriveSimulator
from tests.simulators.salesforce import SalesforceSimulator
from tests.simulators.shopify import ShopifySimulator

BASE = "http://services.test"
FEED = f"{BASE}/feed/feed.csv"
SHOP, SHOP_TOKEN = "acme.myshopify.com", "shpat_acme_token"
GOOGLE_ACCOUNT = "owner@example.com"

# What a person types into each service's connect form (its `Service.settings`, nothing else).
FORM_SETTINGS: dict[str, dict[str, str]] = {
    "csv_feed": {"url": FEED},
    "shopify": {"shop": "acme", "access_token": SHOP_TOKEN, "api_version": "2026-07"},
    "pipedrive": {"company_domain": "acme", "api_token": PIPEDRIVE_TOKEN},
    "hubspot": {"private_app_token": hubspot_sim.PRIVATE_APP_TOKEN},
    "mailchimp": {"api_key": mailchimp_sim.API_KEY},
}


@dataclass
class Simulated:
    feed: CsvFeedSimulator
    google: GoogleContactsSimulator
    shopify: ShopifySimulator
    hubspot: HubSpotSimulator
    pipedrive: PipedriveSimulator
    salesforce: SalesforceSimulator
    mailchimp: MailchimpSimulator

    def app(self) -> ByPrefix:
        return ByPrefix({"feed": self.feed, "google": self.google, "shopify": self.shopify,
                         "hubspot": self.hubspot, "pipedrive": self.pipedrive, "salesforce": self.salesforce,
                         "mailchimp": self.mailchimp})


@pytest.fixture
def simulated(feed: CsvFeedSimulator) -> Simulated:
    feed.set_rows(["email", "first name"], [["ann@example.com", "Ann"]])
    shopify = ShopifySimulator()
    shopify.add_shop(SHOP, SHOP_TOKEN)
    return Simulated(feed, GoogleContactsSimulator(account_email=GOOGLE_ACCOUNT), shopify, HubSpotSimulator(),
                     PipedriveSimulator(company_domain="acme"), SalesforceSimulator(f"{BASE}/salesforce"),
                     MailchimpSimulator())


@pytest.fixture
def source(simulated: Simulated, source_for: SourceContexts) -> SourceContext:
    endpoints = {
        "google_people": f"{BASE}/google", "google_oauth": f"{BASE}/google",
        "google_accounts": f"{BASE}/google/o/oauth2/v2/auth", "shopify": f"{BASE}/shopify/{{shop}}",
        "hubspot": f"{BASE}/hubspot", "hubspot_authorize": f"{BASE}/hubspot/oauth/authorize",
        "pipedrive": f"{BASE}/pipedrive/{{company}}", "salesforce_login": f"{BASE}/salesforce",
        "mailchimp": f"{BASE}/mailchimp/{{dc}}/3.0", "mailchimp_login": f"{BASE}/mailchimp",
    }
    clients = {"google_contacts": OAuthClient(*GOOGLE_CLIENT),
               "hubspot": OAuthClient(hubspot_sim.CLIENT_ID, hubspot_sim.CLIENT_SECRET),
               "salesforce": OAuthClient(salesforce_sim.CLIENT_ID, salesforce_sim.CLIENT_SECRET),
               "mailchimp": OAuthClient(mailchimp_sim.CLIENT_ID, mailchimp_sim.CLIENT_SECRET)}
    return source_for(simulated.app(), endpoints=endpoints, oauth_clients=clients, public_url="http://api.test")


@pytest.fixture
async def browser(simulated: Simulated) -> AsyncIterator[httpx.AsyncClient]:
    """The user's browser on the services' consent pages (it does not follow redirects)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=simulated.app()), base_url=BASE) as client:
        yield client


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "backoff_delay", lambda attempt: 0.0)


CONNECT = """
mutation($serviceId: ID!, $settings: JSON!) {
  connectService(input: {serviceId: $serviceId, settings: $settings}) {
    connection { id externalAccount status createdAt } authorizeUrl userErrors { field code message }
  }
}"""


async def connect(api: Api, service_id: str, settings: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await api(CONNECT, serviceId=service_id, settings=settings))["connectService"]
    return payload


async def connect_with_form(api: Api, service_id: str) -> str:
    """Connects with what the connect form asks for; returns the connection's id."""
    payload = await connect(api, service_id, FORM_SETTINGS[service_id])
    assert payload["userErrors"] == [] and payload["connection"], payload
    return str(payload["connection"]["id"])


async def connect_through_consent(api: Api, browser: httpx.AsyncClient, client: httpx.AsyncClient,
                                  service_id: str) -> str:
    """`connectService` with no settings, the user's consent, the callback; the new connection's id."""
    payload = await connect(api, service_id, {})
    assert payload["userErrors"] == [] and payload["authorizeUrl"], payload
    consent = await browser.get(payload["authorizeUrl"])
    assert consent.status_code == 302, consent.text
    page = await client.get(consent.headers["Location"])
    assert page.status_code == 200, page.text
    listed = (await api("query($s: ID) { connections(serviceId: $s) { id } }", s=service_id))["connections"]
    return str(listed[-1]["id"])
