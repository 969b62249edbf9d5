"""Helpers of the Pipedrive connector tests: the simulator in an in-process client, a harness."""

from __future__ import annotations

from typing import Any

import httpx

from app.connectors.base import SourceContext
from app.connectors.pipedrive import PipedriveConnector
from tests.simulators.pipedrive import TOKEN, PipedriveSimulator

BASE = "http://pipedrive.test/{company}"
SETTINGS = {"company_domain": "acme", "api_token": TOKEN}


def make_client(sim: PipedriveSimulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim))


def make_context(client: httpx.AsyncClient) -> SourceContext:
    return SourceContext(http=client, production=False, max_bytes=5_000_000, retries=2, max_inline_wait=0.01,
                         endpoints={"pipedrive": BASE})


class PipedriveHarness:
    """The `ContractHarness` of the shared contract suite, on the simulator."""

    api_page_size = 500
    valid_criteria: list[dict[str, Any]] = [{}, {"owner_id": 7}, {"owner_id": "7", "label": "2"}, {"label": ""},
                                            {"owner_id": "Sam Seller", "label": "Hot lead"}]
    invalid_criteria = [({"owner_id": "x" * 201}, "owner_id"), ({"label": -1}, "label"), ({"stage": 1}, "stage"),
                        ({"owner_id": True}, "owner_id"), ({"label": "-3"}, "label"), ({"owner_id": 0}, "owner_id")]

    def __init__(self, sim: PipedriveSimulator, context: SourceContext) -> None:
        self.sim, self.context = sim, context
        self.connector = PipedriveConnector()
        self.settings: dict[str, Any] = dict(SETTINGS)

    async def seed(self, count: int) -> None:
        self.sim.seed(count)

    async def edit(self, index: int) -> str:
        person = sorted(self.sim.persons.values(), key=lambda p: p["id"])[index]
        self.sim.edit(person["id"], first_name="Edited", last_name="Person")
        return str(person["emails"][0]["value"]).lower()

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.rate_limit_next(retry_after)

    def reject_credentials(self) -> None:
        self.sim.api_token = "a-new-token-the-user-regenerated"

    def malform_next(self) -> None:
        self.sim.truncate_next()
