"""Helpers of the Mailchimp connector tests: the simulator in an in-process client, a context
pointing at it, and the contract suite's harness."""

from __future__ import annotations

from typing import Any

import httpx

from app.connectors.base import OAuthClient, SourceContext
from app.connectors.mailchimp import MailchimpConnector
from tests.simulators.mailchimp import ACCOUNT_ID, API_KEY, CLIENT_ID, CLIENT_SECRET, DC, MailchimpSimulator

BASE = "http://mailchimp.test"
AUDIENCE = "a1b2c3d4e5"
KEY_SETTINGS = {"api_key": API_KEY, "dc": DC, "account_id": ACCOUNT_ID}


def make_client(sim: MailchimpSimulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim), base_url=BASE)


def make_context(client: httpx.AsyncClient, retries: int = 2) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=5_000_000, retries=retries, max_inline_wait=0.01,
                         endpoints={"mailchimp": f"{BASE}/{{dc}}/3.0", "mailchimp_login": BASE},
                         oauth_clients={"mailchimp": OAuthClient(CLIENT_ID, CLIENT_SECRET)})


class MailchimpHarness:
    """The `ContractHarness` of the shared contract suite, on the simulator."""

    api_page_size = 1000
    valid_criteria: list[dict[str, Any]] = [{"audience": AUDIENCE}, {"audience": AUDIENCE, "status": "Subscribed"},
                                            {"audience": AUDIENCE, "tag": "vip"},
                                            {"audience": AUDIENCE, "status": None, "tag": ""}]
    invalid_criteria = [({}, "audience"), ({"audience": AUDIENCE, "status": "archived"}, "status"),
                        ({"audience": "not an id!"}, "audience"), ({"audience": AUDIENCE, "segment": 1}, "segment"),
                        ({"audience": AUDIENCE, "tag": 3}, "tag")]

    def __init__(self, sim: MailchimpSimulator, context: SourceContext, criteria: dict[str, Any] | None = None) -> None:
        self.sim, self.context = sim, context
        self.connector = MailchimpConnector()
        self.settings: dict[str, Any] = dict(KEY_SETTINGS)
        self.ids: list[str] = []

    async def seed(self, count: int) -> None:
        self.ids = self.sim.seed(count)

    async def edit(self, index: int) -> str:
        self.sim.edit(self.ids[index], FNAME="Edited")
        return f"p{index}@example.com"

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.rate_limit_next(retry_after)

    def reject_credentials(self) -> None:
        self.sim.api_keys.clear()  # the user disabled the key

    def malform_next(self) -> None:
        self.sim.malform_next()
