"""The Shopify connector passes the shared connector contract, against the Shopify simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.connectors.base import SourceContext
from app.connectors.shopify import ShopifyConnector
from tests.connectors.contract import ConnectorContract
from tests.connectors.shopify_support import SETTINGS, SHOP, make_context, make_simulator, simulator_client
from tests.simulators.shopify import ShopifySimulator


class ShopifyHarness:
    api_page_size = 199  # the largest page the connector's query may ask for under the 1,000-point cap
    valid_criteria: list[dict[str, Any]] = [{}, {"subscribed_only": False}, {"tag": "VIP"},
                                            {"subscribed_only": True, "tag": " VIP "}]
    invalid_criteria = [({"subscribed_only": "yes"}, "subscribed_only"), ({"tag": 5}, "tag"),
                        ({"colour": "red"}, "colour")]

    def __init__(self, sim: ShopifySimulator, context: SourceContext) -> None:
        self.sim, self.context = sim, context
        self.connector = ShopifyConnector()
        self.settings = dict(SETTINGS)
        self.ids: list[str] = []

    async def seed(self, count: int) -> None:
        self.ids = self.sim.add_customers(SHOP, count)

    async def edit(self, index: int) -> str:
        self.sim.edit(SHOP, self.ids[index], firstName="Edited")
        return str(self.sim.customer(SHOP, self.ids[index])["defaultEmailAddress"]["emailAddress"]).lower()

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.rate_limit_next(SHOP, retry_after)

    def reject_credentials(self) -> None:
        self.sim.shops[SHOP].token = "shpat_rotated"

    def malform_next(self) -> None:
        self.sim.truncate_next(SHOP)


class TestShopifyContract(ConnectorContract):
    @pytest.fixture
    async def harness(self) -> AsyncIterator[ShopifyHarness]:
        sim = make_simulator()
        async with simulator_client(sim) as client:
            yield ShopifyHarness(sim, make_context(client))


class TestShopifyContractWhenThrottledByBody(TestShopifyContract):
    """The same contract, with Shopify's own way of saying "slow down": a 200 THROTTLED body."""

    @pytest.fixture
    async def harness(self) -> AsyncIterator[ShopifyHarness]:
        sim = make_simulator()
        async with simulator_client(sim) as client:
            harness = ShopifyHarness(sim, make_context(client))
            harness.rate_limit_next = lambda retry_after: sim.throttle_next(SHOP)  # type: ignore[method-assign]
            yield harness
