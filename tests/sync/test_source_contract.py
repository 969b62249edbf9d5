"""A connector that breaks its contract (more records than the engine asked for) loses nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun
from app.config import Settings
from app.connectors.base import FetchRequest, Page, SourceRecord
from app.connectors.registry import CONNECTORS
from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import make_due


class OverDelivering:
    """The real CSV connector, whose pages carry `extra` more records than asked for once `on`."""

    def __init__(self, real: Any, extra: int) -> None:
        self.real, self.extra, self.on = real, extra, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def fetch_page(self, request: FetchRequest) -> Page:
        page: Page = await self.real.fetch_page(request)
        if self.on:
            more = [SourceRecord(external_id=f"extra-{n}", email=f"extra{n}@example.com") for n in range(self.extra)]
            page = replace(page, records=[*page.records, *more])
        return page


async def test_a_page_over_the_limit_is_refused_whole_and_the_cursor_stays(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed.set_rows(HEADER, rows(300))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api)))
    source = OverDelivering(CONNECTORS["csv_feed"], extra=5)
    monkeypatch.setitem(CONNECTORS, "csv_feed", source)  # type: ignore[arg-type]
    sync.env = replace(sync.env, settings=settings.model_copy(update={"sync_page_size": 100, "sync_limit": 500}))
    source.on = True
    cursor = (await AutoImport.get(id=import_id)).cursor

    await sync.due()

    run = await SyncRun.get(auto_import_id=import_id)
    assert run.outcome is SyncOutcome.FAILED
    assert run.error is not None and "105 records where at most 100 were asked" in run.error
    assert await Contact.filter(account_id=acme.account.id).count() == 0  # nothing of the page
    assert (await AutoImport.get(id=import_id)).cursor == cursor  # every record is read again next time

    source.on = False  # the connector fixed: the next syncs bring every row
    for _ in range(3):
        await make_due(str(import_id))
        await sync.due()
    assert await Contact.filter(account_id=acme.account.id).count() == 300
