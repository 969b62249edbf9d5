"""The Salesforce connector passes the shared connector contract, with a token set from the consent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.connectors.contract import ConnectorContract
from tests.connectors.salesforce_support import SalesforceHarness, make_client, make_context
from tests.simulators.salesforce import SalesforceSimulator


class TestSalesforceContract(ConnectorContract):
    @pytest.fixture
    async def harness(self) -> AsyncIterator[SalesforceHarness]:
        sim = SalesforceSimulator()
        async with make_client(sim) as client:
            yield SalesforceHarness(sim, make_context(client))
