"""The Google Contacts connector passes the shared connector contract."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from app.connectors.base import SourceContext
from app.connectors.google_contacts import GoogleContactsConnector
from tests.connectors.contract import ConnectorContract
from tests.connectors.google_contacts_support import google, google_context, google_http  # noqa: F401
from tests.simulators.google_contacts import GoogleContactsSimulator


class GoogleContactsHarness:
    api_page_size = 1000
    valid_criteria: ClassVar[list[dict[str, Any]]] = [{}, {"label": "Clients"}, {"label": "contactGroups/abc123"},
                                            {"label": "  "}, {"label": None}]
    invalid_criteria: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"label": 5}, "label"), ({"group": "Clients"}, "group"),
        ({"label": "contactGroups/has space"}, "label"), ({"label": "x" * 201}, "label")]

    def __init__(self, sim: GoogleContactsSimulator, context: SourceContext) -> None:
        self.sim, self.context = sim, context
        self.connector = GoogleContactsConnector()
        self.settings = sim.issue_token_set()
        self.names: list[str] = []

    async def seed(self, count: int) -> None:
        self.names = self.sim.seed(count)

    async def edit(self, index: int) -> str:
        self.sim.edit_person(self.names[index], given="Edited")
        return str(self.sim.person(self.names[index])["emailAddresses"][0]["value"]).lower()

    def rate_limit_next(self, retry_after: str | None) -> None:
        self.sim.rate_limit_next(retry_after)

    def reject_credentials(self) -> None:
        self.sim.revoke_refresh_tokens()

    def malform_next(self) -> None:
        self.sim.truncate_next()


class TestGoogleContactsContract(ConnectorContract):
    @pytest.fixture
    def harness(self, google: GoogleContactsSimulator, google_context: SourceContext) -> GoogleContactsHarness:
        return GoogleContactsHarness(google, google_context)
