"""The Mailchimp connector passes the shared connector contract, with an API key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.connectors import contract
from tests.connectors.mailchimp_support import AUDIENCE, MailchimpHarness, make_client, make_context
from tests.simulators.mailchimp import MailchimpSimulator


@dataclass
class AudienceEngine(contract.EngineLike):
    """The contract's engine, importing the audience (Mailchimp has no import without one)."""

    def __post_init__(self) -> None:
        self.criteria = self.criteria or {"audience": AUDIENCE}


class TestMailchimpContract(contract.ConnectorContract):
    @pytest.fixture(autouse=True)
    def audience_criteria(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(contract, "EngineLike", AudienceEngine)

    @pytest.fixture
    async def harness(self) -> AsyncIterator[MailchimpHarness]:
        sim = MailchimpSimulator()
        async with make_client(sim) as client:
            yield MailchimpHarness(sim, make_context(client))


def test_the_contract_engine_imports_the_audience() -> None:
    engine: Any = AudienceEngine(None)  # type: ignore[arg-type]
    assert engine.criteria == {"audience": AUDIENCE}
