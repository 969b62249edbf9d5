"""The CSV feed connector passes the shared connector contract."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.csv_feed import CsvFeedConnector
from tests.connectors.contract import ConnectorContract
from tests.simulators.csv_feed import CsvFeedSimulator


class CsvFeedHarness:
    api_page_size = 600  # the whole file comes in one response: any size exercises the budget
    valid_criteria: list[dict[str, Any]] = [{}, {"column": "plan", "equals": "Pro"}]
    invalid_criteria = [({"column": "plan"}, "equals"), ({"colour": "red"}, "colour"),
                        ({"column": 5, "equals": "x"}, "column")]

    def __init__(self, sim: CsvFeedSimulator, context: SourceContext) -> None:
        self.sim, self.context = sim, context
        self.connector = CsvFeedConnector()
        self.settings = {"url": "http://feed.test/feed.csv"}
        self.rows: list[list[str]] = []

    async def seed(self, count: int) -> None:
        self.rows = [[f"p{n}@example.com", f"First{n}", "Pro"] for n in range(count)]
        self._publish()

    async def edit(self, index: int) -> str:
        self.rows[index][1] = "Edited"
        self._publish()
        return self.rows[index][0]

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.fail_next(429, headers={"Retry-After": retry_after} if retry_after else None)

    def reject_credentials(self) -> None:
        self.sim.fail_next(401, times=100)

    def malform_next(self) -> None:
        self.sim.truncate_next()

    def _publish(self) -> None:
        self.sim.set_rows(["email", "first name", "plan"], self.rows)


class TestCsvFeedContract(ConnectorContract):
    @pytest.fixture
    def harness(self, sim: CsvFeedSimulator, context: SourceContext, client: httpx.AsyncClient) -> CsvFeedHarness:
        return CsvFeedHarness(sim, context)
