"""Edits: new criteria mean a new first retrieval; contacts brought earlier stay."""

from __future__ import annotations

from typing import Any

import pytest

from app.connectors.csv_feed import CsvFeedConnector
from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, import_state, last_run, sync_again

UPDATE = """
mutation($id: ID!, $criteria: JSON) { updateAutoImport(id: $id, input: {criteria: $criteria}) {
  autoImport { criteria status } userErrors { code message } } }"""
PRO_ONLY = {"column": "plan", "equals": "Pro"}


def _mixed(count: int, name: str = "First") -> list[list[str]]:
    """Even rows on the Pro plan, odd rows on Free."""
    return [[f"p{n}@example.com", f"{name}{n}", "", "", "Pro" if n % 2 == 0 else "Free"] for n in range(count)]


async def _emails(account: AccountUnderTest) -> set[str]:
    return set(await Contact.filter(account_id=account.account.id).values_list("email", flat=True))


async def test_new_criteria_restart_the_retrieval_with_only_matching_rows(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, _mixed(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    assert len(await _emails(acme)) == 10

    updated = (await acme.api(UPDATE, id=import_id, criteria=PRO_ONLY))["updateAutoImport"]
    assert not updated["userErrors"] and updated["autoImport"]["criteria"] == PRO_ONLY
    feed.set_rows(HEADER, _mixed(12, name="Second"))
    assert sum(s.records for s in await sync.due()) == 6  # due at once, and a full pass over Pro rows

    counts = last_run(await import_state(acme.api, import_id))["counts"]
    assert (counts["fetched"], counts["added"], counts["updated"]) == (6, 1, 5)
    assert len(await _emails(acme)) == 11  # the Free contacts brought earlier stay; new Free rows do not come
    assert (await contact(acme.api, "p2@example.com"))["firstName"] == "Second2"  # type: ignore[index]
    assert (await contact(acme.api, "p3@example.com"))["firstName"] == "First3"  # type: ignore[index]
    assert await contact(acme.api, "p11@example.com") is None
    assert await sync_again(sync, import_id) == 0


async def test_an_edit_during_a_sync_discards_that_sync_and_the_next_uses_the_new_criteria(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed.set_rows(HEADER, _mixed(10))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    real_fetch = CsvFeedConnector.fetch_page

    async def fetch_while_the_user_edits(self: CsvFeedConnector, request: Any) -> Any:
        page = await real_fetch(self, request)
        await acme.api(UPDATE, id=import_id, criteria=PRO_ONLY)
        return page

    monkeypatch.setattr(CsvFeedConnector, "fetch_page", fetch_while_the_user_edits)
    await sync.due()
    monkeypatch.undo()

    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "FAILED" and "edited" in last_run(state)["error"]
    assert await _emails(acme) == set()  # the page read with the old criteria was not applied

    await sync.due()  # the edit made the import due at once
    assert await _emails(acme) == {f"p{n}@example.com" for n in range(0, 10, 2)}
    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED" and state["status"] == "ACTIVE"
