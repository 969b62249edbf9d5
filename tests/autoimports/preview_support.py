"""One harness per service for the preview tests: its simulator, how to connect to it, how to add
a record, and a dump of every table to prove a preview writes nothing."""

from __future__ import annotations

from typing import Any, Protocol

import httpx
from starlette.types import ASGIApp
from tortoise import connections

from app.connectors.base import OAuthClient, SourceContext
from tests.conftest import FEED_URL, HEADER, TABLES
from tests.connectors.google_contacts_support import CLIENT
from tests.connectors.google_contacts_support import ENDPOINTS as GOOGLE_ENDPOINTS
from tests.connectors.mailchimp_support import AUDIENCE
from tests.connectors.mailchimp_support import BASE as MAILCHIMP_BASE
from tests.connectors.pipedrive_support import BASE as PIPEDRIVE_BASE
from tests.connectors.pipedrive_support import SETTINGS as PIPEDRIVE_SETTINGS
from tests.simulators import mailchimp as mailchimp_sim
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.simulators.google_contacts import GoogleContactsSimulator
from tests.simulators.hubspot import CLIENT_ID, CLIENT_SECRET, PRIVATE_APP_TOKEN, HubSpotSimulator
from tests.simulators.mailchimp import MailchimpSimulator
from tests.simulators.pipedrive import PipedriveSimulator
from tests.simulators.shopify import ManualClock, ShopifySimulator

HUBSPOT_BASE = "http://hubspot.test"
SHOP, SHOP_TOKEN = "acme.myshopify.com", "shpat_acme"


class ServiceHarness(Protocol):
    service_id: str
    app: ASGIApp
    endpoints: dict[str, str]
    oauth_clients: dict[str, OAuthClient]
    criteria: dict[str, Any]  # what the import asks for (`{}` where the service requires nothing)

    def settings(self) -> dict[str, Any]: ...

    def add(self, email: str | None, first: str, last: str) -> None: ...


class CsvFeedHarness:
    service_id = "csv_feed"
    criteria: dict[str, Any] = {}
    endpoints: dict[str, str] = {}
    oauth_clients: dict[str, OAuthClient] = {}

    def __init__(self) -> None:
        self.sim = CsvFeedSimulator()
        self.app = self.sim
        self.rows: list[list[str]] = []

    def settings(self) -> dict[str, Any]:
        return {"url": FEED_URL}

    def add(self, email: str | None, first: str, last: str) -> None:
        self.rows.append([email or "", first, last, "", "Pro"])
        self.sim.set_rows(HEADER, self.rows)

    def add_malformed(self) -> None:
        self.rows.append(["ragged@example.com", "Rag", "Ged", "", "Pro", "a cell too many"])
        self.sim.set_rows(HEADER, self.rows)


class GoogleContactsHarness:
    service_id = "google_contacts"
    criteria: dict[str, Any] = {}
    endpoints = GOOGLE_ENDPOINTS
    oauth_clients = {"google_contacts": CLIENT}

    def __init__(self) -> None:
        self.sim = GoogleContactsSimulator(account_email="owner@example.com")
        self.app = self.sim

    def settings(self) -> dict[str, Any]:
        return self.sim.issue_token_set()

    def add(self, email: str | None, first: str, last: str) -> None:
        self.sim.add_person(email, first, last)


class ShopifyHarness:
    service_id = "shopify"
    criteria: dict[str, Any] = {}
    endpoints = {"shopify": "http://shopify.test/{shop}"}
    oauth_clients: dict[str, OAuthClient] = {}

    def __init__(self) -> None:
        self.sim = ShopifySimulator(clock=ManualClock(10.0))
        self.sim.add_shop(SHOP, SHOP_TOKEN)
        self.app = self.sim

    def settings(self) -> dict[str, Any]:
        return {"shop": SHOP, "access_token": SHOP_TOKEN}

    def add(self, email: str | None, first: str, last: str) -> None:
        self.sim.add_customer(SHOP, email, first_name=first, last_name=last)


class HubSpotHarness:
    service_id = "hubspot"
    criteria: dict[str, Any] = {}
    endpoints = {"hubspot": HUBSPOT_BASE, "hubspot_authorize": f"{HUBSPOT_BASE}/oauth/authorize"}
    oauth_clients = {"hubspot": OAuthClient(CLIENT_ID, CLIENT_SECRET)}

    def __init__(self) -> None:
        self.sim = HubSpotSimulator()
        self.app = self.sim

    def settings(self) -> dict[str, Any]:
        return {"private_app_token": PRIVATE_APP_TOKEN}

    def add(self, email: str | None, first: str, last: str) -> None:
        self.sim.add_contact(email, firstname=first, lastname=last)


class PipedriveHarness:
    service_id = "pipedrive"
    criteria: dict[str, Any] = {}
    endpoints = {"pipedrive": PIPEDRIVE_BASE}
    oauth_clients: dict[str, OAuthClient] = {}

    def __init__(self) -> None:
        self.sim = PipedriveSimulator()
        self.app = self.sim

    def settings(self) -> dict[str, Any]:
        return dict(PIPEDRIVE_SETTINGS)

    def add(self, email: str | None, first: str, last: str) -> None:
        self.sim.add_person(name=f"{first} {last}", email=email)


class MailchimpHarness:
    """Mailchimp keys members by their address: a member without one cannot exist there."""

    service_id = "mailchimp"
    endpoints = {"mailchimp": f"{MAILCHIMP_BASE}/{{dc}}/3.0", "mailchimp_login": MAILCHIMP_BASE}
    oauth_clients = {"mailchimp": OAuthClient(mailchimp_sim.CLIENT_ID, mailchimp_sim.CLIENT_SECRET)}
    criteria: dict[str, Any] = {"audience": AUDIENCE}

    def __init__(self) -> None:
        self.sim = MailchimpSimulator()
        self.app = self.sim

    def settings(self) -> dict[str, Any]:
        return {"api_key": mailchimp_sim.API_KEY}

    def add(self, email: str | None, first: str, last: str) -> None:
        if email is not None:
            self.sim.add_member(email, FNAME=first, LNAME=last)


HARNESSES: dict[str, type[ServiceHarness]] = {
    harness.service_id: harness  # type: ignore[misc]
    for harness in (CsvFeedHarness, GoogleContactsHarness, ShopifyHarness, HubSpotHarness, PipedriveHarness,
                    MailchimpHarness)
}


def source_context(harness: ServiceHarness, client: httpx.AsyncClient, max_bytes: int) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=max_bytes, retries=1, max_inline_wait=0.01,
                         endpoints=harness.endpoints, oauth_clients=harness.oauth_clients)


async def dump_database() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in id order: two dumps are equal when nothing was written."""
    connection = connections.get("default")
    return {table: list(await connection.execute_query_dict(f'SELECT * FROM "{table}" ORDER BY id'))
            for table in TABLES}
