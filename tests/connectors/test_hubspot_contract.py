"""The HubSpot connector passes the shared connector contract, with an OAuth token set."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.connectors.base import SourceContext
from app.connectors.hubspot import HubSpotConnector
from tests.connectors.contract import ConnectorContract
from tests.connectors.hubspot_support import hubspot, hubspot_context, hubspot_http  # noqa: F401 - fixtures
from tests.simulators.hubspot import HubSpotSimulator


class HubSpotHarness:
    api_page_size = 200
    valid_criteria: list[dict[str, Any]] = [{}, {"lifecycle_stage": "customer"}, {"lifecycle_stage": " Lead "},
                                            {"lifecycle_stage": None}]
    invalid_criteria = [({"lifecycle_stage": "vip"}, "lifecycle_stage"), ({"list": "x"}, "list"),
                        ({"lifecycle_stage": 3}, "lifecycle_stage")]

    def __init__(self, sim: HubSpotSimulator, context: SourceContext) -> None:
        self.sim, self.context = sim, context
        self.connector = HubSpotConnector()
        tokens = sim.oauth.issue_tokens()
        self.settings = {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                         "expires_at": int(time.time()) + tokens["expires_in"]}
        self.ids: list[int] = []

    async def seed(self, count: int) -> None:
        self.ids = self.sim.seed(count)

    async def edit(self, index: int) -> str:
        self.sim.edit(self.ids[index], firstname="Edited")
        return f"p{index}@example.com"

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.rate_limit_next(retry_after)

    def reject_credentials(self) -> None:
        self.sim.oauth.revoke_refresh_tokens()  # the app was uninstalled: its tokens stop working

    def malform_next(self) -> None:
        self.sim.malform_next()


class TestHubSpotContract(ConnectorContract):
    @pytest.fixture
    def harness(self, hubspot: HubSpotSimulator, hubspot_context: SourceContext) -> HubSpotHarness:
        return HubSpotHarness(hubspot, hubspot_context)
