"""Helpers of the Salesforce connector tests: the simulator in an in-process client, a context
pointing at it, a token set as the consent gives it, and the contract suite's harness."""

from __future__ import annotations

import time
from typing import Any

import httpx

from app.connectors.base import OAuthClient, SourceContext
from app.connectors.salesforce import SalesforceConnector
from app.connectors.salesforce_api import DEFAULT_API_VERSION
from tests.simulators.salesforce import CLIENT_ID, CLIENT_SECRET, ORG_ID, USER_ID, SalesforceSimulator

BASE = "http://salesforce.test"
REDIRECT_URI = "http://api.test/oauth/salesforce/callback"


def make_client(sim: SalesforceSimulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim), base_url=BASE)


def make_context(client: httpx.AsyncClient, retries: int = 2) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=5_000_000, retries=retries, max_inline_wait=0.01,
                         endpoints={"salesforce_login": BASE},
                         oauth_clients={"salesforce": OAuthClient(CLIENT_ID, CLIENT_SECRET)})


def connection_settings(sim: SalesforceSimulator, lifetime: float = 3600) -> dict[str, Any]:
    """What `connect` stores after a consent: the token set, where the org lives, which version."""
    tokens = sim.oauth.issue_tokens(scope="api refresh_token")
    return {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
            "expires_at": int(time.time() + lifetime), "instance_url": tokens["instance_url"], "id": tokens["id"],
            "api_version": DEFAULT_API_VERSION, "org_id": ORG_ID, "user_id": USER_ID}


class SalesforceHarness:
    """The `ContractHarness` of the shared contract suite, on the simulator."""

    api_page_size = 2000
    valid_criteria: list[dict[str, Any]] = [{}, {"object": "lead"}, {"object": " Lead ", "lead_status": "Open"},
                                            {"object": "contact", "list_view": "00B5g00000AllCtAAA"},
                                            {"object": None, "lead_status": ""}]
    invalid_criteria = [({"object": "account"}, "object"), ({"lead_status": "Open"}, "lead_status"),
                        ({"list_view": "not an id!"}, "list_view"), ({"status": "x"}, "status"),
                        ({"object": "lead", "lead_status": 3}, "lead_status")]

    def __init__(self, sim: SalesforceSimulator, context: SourceContext) -> None:
        self.sim, self.context = sim, context
        self.connector = SalesforceConnector()
        self.settings = connection_settings(sim)
        self.ids: list[str] = []

    async def seed(self, count: int) -> None:
        self.ids = self.sim.seed(count)

    async def edit(self, index: int) -> str:
        self.sim.edit(self.ids[index], FirstName="Edited")
        return f"p{index}@example.com"

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.rate_limit_next(retry_after)

    def reject_credentials(self) -> None:
        self.sim.oauth.revoke_refresh_tokens()  # the user revoked the connected app

    def malform_next(self) -> None:
        self.sim.malform_next()
