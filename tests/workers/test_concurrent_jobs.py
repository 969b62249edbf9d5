"""Two jobs for one external account at once (two workers, or one worker's two jobs): one syncs."""

from __future__ import annotations

import asyncio

from app.autoimports.models import AutoImport, SyncRun
from app.contacts.models import Contact
from app.sync.engine import sync_external_account
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator


async def test_two_jobs_of_one_worker_never_sync_one_external_account_together(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(300))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    sync.env.settings.sync_page_size = 50  # several pages, so the two jobs overlap

    external_account_id = (await AutoImport.get(id=int(import_id))).external_account_id

    summaries = await asyncio.gather(*(sync_external_account(external_account_id, sync.env) for _ in range(2)))

    assert sorted(s.leased for s in summaries) == [False, True]
    assert await SyncRun.filter(auto_import_id=int(import_id)).count() == 1
    assert await Contact.filter(account_id=acme.account.id).count() == 300
