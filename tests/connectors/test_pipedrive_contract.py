"""The Pipedrive connector passes the shared connector contract."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.connectors.contract import ConnectorContract
from tests.connectors.pipedrive_support import PipedriveHarness, make_client, make_context
from tests.simulators.pipedrive import PipedriveSimulator


class TestPipedriveContract(ConnectorContract):
    @pytest.fixture
    async def harness(self) -> AsyncIterator[PipedriveHarness]:
        sim = PipedriveSimulator()
        async with make_client(sim) as client:
            yield PipedriveHarness(sim, make_context(client))
