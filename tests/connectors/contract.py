"""The contract every connector passes, against a simulator of its service.

A connector's test module subclasses `ConnectorContract` and provides the `harness` fixture: a
`ContractHarness` that scripts the simulator. The tests drive the connector as the engine does:
the cursor a page returns is the next request's cursor, and the records it returns are
remembered by fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pytest

from app.connectors.base import Connector, FetchRequest, Page, SourceContext, SourceRecord
from app.errors import Invalid, NeedsReauth, RateLimited, SourceError, SourceRejected


class ContractHarness(Protocol):
    connector: Connector
    context: SourceContext
    settings: dict[str, Any]  # connection settings that work against the simulator
    valid_criteria: list[dict[str, Any]]  # each accepted by validate_criteria
    invalid_criteria: list[tuple[dict[str, Any], str]]  # (criteria, the key named in the error)
    api_page_size: int  # the largest page the service's API returns

    async def seed(self, count: int) -> None:
        """`count` contacts at the source, all with distinct valid emails, all matching `{}`."""

    async def edit(self, index: int) -> str:
        """Changes the first name of the index-th seeded contact at the source (and its
        modification time); returns its email, lower-cased."""

    def rate_limit_next(self, retry_after: str | None) -> None:
        """The next API call is rate limited (HTTP 429 or the service's throttled body)."""

    def reject_credentials(self) -> None:
        """From now on the service refuses our credentials (401 / revoked token)."""

    def malform_next(self) -> None:
        """The next API call answers 200 with a truncated, non-JSON (or non-CSV) body."""


class KnownFingerprints:
    """A fake of the engine's fingerprint store: what was applied, by external id."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}

    async def unchanged_ids(self, records: Sequence[SourceRecord]) -> set[str]:
        return {r.external_id for r in records if self.by_id.get(r.external_id) == r.fingerprint()}

    async def known_ids(self, external_ids: Sequence[str]) -> set[str]:
        return {external_id for external_id in external_ids if external_id in self.by_id}

    def mark(self, records: Sequence[SourceRecord]) -> None:
        self.by_id.update({record.external_id: record.fingerprint() for record in records})


@dataclass
class EngineLike:
    """Drives a connector as the sync engine does: saved cursor, remembered fingerprints."""

    harness: ContractHarness
    criteria: dict[str, Any] = field(default_factory=dict)
    cursor: dict[str, Any] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)
    saved_settings: list[dict[str, Any]] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # every id fetched, in order, repeats included

    async def unchanged_ids(self, records: Any) -> set[str]:
        return {r.external_id for r in records if self.seen.get(r.external_id) == r.fingerprint()}

    async def known_ids(self, external_ids: Any) -> set[str]:
        return {external_id for external_id in external_ids if external_id in self.seen}

    async def save_settings(self, settings: dict[str, Any]) -> None:
        self.saved_settings.append(settings)
        self.harness.settings = settings

    async def fetch(self, limit: int) -> Page:
        request = FetchRequest(settings=dict(self.harness.settings), criteria=self.criteria, cursor=self.cursor,
                               limit=limit, fingerprints=self, context=self.harness.context,
                               save_settings=self.save_settings)
        page = await self.harness.connector.fetch_page(request)
        assert len(page.records) <= limit, f"{len(page.records)} records for a limit of {limit}"
        self.cursor = page.cursor
        for record in page.records:
            self.seen[record.external_id] = record.fingerprint()
            self.imported.append(record.external_id)
        return page

    async def sync(self, budget: int) -> list[SourceRecord]:
        """One sync: pages until the budget is spent or the source has nothing more."""
        taken: list[SourceRecord] = []
        while len(taken) < budget:
            page = await self.fetch(budget - len(taken))
            taken += page.records
            if not page.has_more or not page.records:
                break
        return taken


def emails(records: list[SourceRecord]) -> list[str]:
    return [(r.email or "").strip().lower() for r in records]


class ConnectorContract:
    """Shared tests; subclasses provide the `harness` fixture."""

    async def test_describes_itself(self, harness: ContractHarness) -> None:
        description = harness.connector.description
        assert description.id and description.name and description.auth
        assert {f.key for f in description.fields if f.standard} >= {"email"}
        for spec in description.criteria:
            assert spec.key and spec.label and spec.type in {"string", "boolean", "choice"}
            assert spec.type != "choice" or spec.choices
        custom = [f for f in description.fields if not f.standard]
        assert all(description.perstag(f.key).startswith("%") for f in custom)

    async def test_validates_criteria(self, harness: ContractHarness) -> None:
        for criteria in harness.valid_criteria:
            assert isinstance(harness.connector.validate_criteria(criteria), dict)
        for criteria, key in harness.invalid_criteria:
            with pytest.raises(Invalid) as refused:
                harness.connector.validate_criteria(criteria)
            assert refused.value.field and key in refused.value.field, refused.value.field

    async def test_saved_criteria_that_no_longer_pass_the_check_refuse_the_fetch(
            self, harness: ContractHarness) -> None:
        # A rule made stricter after an import was saved: the sync stops as refused, and the
        # error is not `Invalid`, which would read as a mistake in the caller's input.
        await harness.seed(3)
        # Empty criteria are left out: a module's engine may fill in its defaults (Mailchimp's audience).
        for criteria in [criteria for criteria, _ in harness.invalid_criteria if criteria]:
            with pytest.raises(SourceRejected, match="no longer valid"):
                await EngineLike(harness, criteria=criteria).fetch(500)

    async def test_first_retrieval_takes_500_500_234_then_nothing(self, harness: ContractHarness) -> None:
        await harness.seed(1234)
        engine = EngineLike(harness)

        syncs = [await engine.sync(500) for _ in range(4)]

        assert [len(s) for s in syncs] == [500, 500, 234, 0]
        everything = [e for s in syncs for e in emails(s)]
        assert len(everything) == len(set(everything)) == 1234

    async def test_an_edit_at_the_source_arrives_on_the_next_sync(self, harness: ContractHarness) -> None:
        await harness.seed(30)
        engine = EngineLike(harness)
        assert len(await engine.sync(500)) == 30

        edited = await harness.edit(7)
        changed = [r for r in await engine.sync(500) if engine.seen.get(r.external_id)]

        assert edited in emails(changed)
        assert len(changed) <= 3  # only what changed (an inclusive cursor may repeat a boundary record)

    async def test_the_budget_holds_whatever_the_api_page_size(self, harness: ContractHarness) -> None:
        await harness.seed(harness.api_page_size + 7)
        for budget in (1, harness.api_page_size - 1, harness.api_page_size + 3):
            engine = EngineLike(harness)
            taken = await engine.sync(budget)
            assert len(taken) == min(budget, harness.api_page_size + 7)

    async def test_a_rate_limit_is_reported_with_its_delay_and_loses_nothing(self, harness: ContractHarness) -> None:
        await harness.seed(20)
        engine = EngineLike(harness)
        harness.rate_limit_next("120")

        with pytest.raises(RateLimited) as limited:
            await engine.sync(500)
        assert 1 <= limited.value.retry_after <= 24 * 3600
        assert len(await engine.sync(500)) == 20

    async def test_refused_credentials_need_reauthorisation(self, harness: ContractHarness) -> None:
        await harness.seed(5)
        harness.reject_credentials()
        with pytest.raises(NeedsReauth):
            await EngineLike(harness).sync(500)

    async def test_a_malformed_payload_is_a_source_error_and_commits_nothing(self, harness: ContractHarness) -> None:
        await harness.seed(5)
        engine = EngineLike(harness)
        for _ in range(harness.context.retries + 1):
            harness.malform_next()
        before = dict(engine.cursor)
        with pytest.raises(SourceError):
            await engine.sync(500)
        assert engine.cursor == before and not engine.seen
        assert len(await engine.sync(500)) == 5
