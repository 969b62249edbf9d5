"""The largest page size the settings accept is one the engine handles: each of a page's bulk
statements binds at most a page of values (plus the service's custom fields and a few more), far
below asyncpg's 32,767 parameters and SQLite's default 32,766 variables. A larger value stops the
process at start-up with the settings' own error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.accounts.service import set_contact_limit
from app.autoimports.models import AutoImport, DeferredContact, SyncOutcome, SyncRun
from app.config import MAX_SYNC_PAGE_SIZE, Settings
from app.contacts.models import Contact, ContactTag, FieldValue, ListMembership
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import now
from tests.sync.test_progress import RecordingProgress, small_pages

CREATE_LIST = 'mutation($name: String!) { createList(input: {name: $name}) { list { id } userErrors { code } } }'


def test_a_page_size_above_the_largest_is_refused_by_name(settings: Settings) -> None:
    assert Settings(AUTOIMPORT_SYNC_PAGE_SIZE=MAX_SYNC_PAGE_SIZE).sync_page_size == MAX_SYNC_PAGE_SIZE  # type: ignore[call-arg]
    refused = f"AUTOIMPORT_SYNC_PAGE_SIZE\n.*less than or equal to {MAX_SYNC_PAGE_SIZE}"
    with pytest.raises(ValidationError, match=refused):
        Settings(AUTOIMPORT_SYNC_PAGE_SIZE=MAX_SYNC_PAGE_SIZE + 1)  # type: ignore[call-arg]


def test_the_command_line_stops_at_start_up_on_a_page_size_too_large(repo_root: Path, tmp_path: Path) -> None:
    """`autoimport` in a process of its own (its settings are read once per process), on this tree."""
    env = {"PATH": os.environ.get("PATH", ""), "AUTOIMPORT_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite://{tmp_path / 'never.sqlite3'}",  # where it would migrate, had it started
           "AUTOIMPORT_SYNC_PAGE_SIZE": str(MAX_SYNC_PAGE_SIZE + 1)}
    done = subprocess.run([sys.executable, "-c", "from app.cli import main; main(['migrate'])"], cwd=repo_root,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Invalid settings: ") and "AUTOIMPORT_SYNC_PAGE_SIZE" in done.stderr
    assert not (tmp_path / "never.sqlite3").exists()


async def test_pages_of_the_largest_size_go_through_every_bulk_statement(
    make_account: object, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    size = MAX_SYNC_PAGE_SIZE
    # a budget of two pages: the deferred contacts and then the whole page fit in the second sync
    sync.env.settings = settings.model_copy(update={"sync_page_size": size, "sync_limit": 2 * size})
    small: AccountUnderTest = await make_account("Small", contact_limit=size // 2)  # type: ignore[operator]
    list_id = (await small.api(CREATE_LIST, name="Customers"))["createList"]["list"]["id"]
    invalid = [[f"not-an-email-{n}", "", "", "", "Pro"] for n in range(size // 10)]
    feed.set_rows(HEADER, rows(size - len(invalid)) + invalid)
    import_id = int(await create_feed_import(small.api, await connect_feed(small.api), listIds=[list_id],
                                             tags=["csv", "vip"]))
    await sync.due()  # half added, the rest deferred at the limit, a tenth skipped

    await set_contact_limit("Small", 2 * size)
    changed = [[email, first, last, phone, "Enterprise"] for email, first, last, phone, _ in rows(size)]
    feed.set_rows(HEADER, changed)  # every record changed, the skipped ones now valid
    await AutoImport.filter(id=import_id).update(next_sync_at=now())
    await sync.due()  # the deferred ones, then the whole page again

    assert await Contact.filter(account_id=small.account.id).count() == size
    assert await DeferredContact.filter(auto_import_id=import_id).count() == 0
    assert await ContactTag.filter(contact__account_id=small.account.id).count() == 2 * size
    assert await ListMembership.filter(list_id=int(list_id)).count() == size
    assert await FieldValue.filter(contact__account_id=small.account.id, value="Enterprise").count() == size
    runs = await SyncRun.filter(auto_import_id=import_id).order_by("id")
    assert [r.outcome for r in runs] == [SyncOutcome.COMPLETED, SyncOutcome.COMPLETED]


async def test_deferred_contacts_come_back_a_page_at_a_time(
    make_account: object, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    """The budget may hold many pages (AUTOIMPORT_SYNC_LIMIT has no upper bound): the deferred
    contacts it brings back are still written a page at a time, each page's statements bounded."""
    small: AccountUnderTest = await make_account("Small", contact_limit=100)  # type: ignore[operator]
    feed.set_rows(HEADER, rows(400))
    import_id = int(await create_feed_import(small.api, await connect_feed(small.api)))
    small_pages(sync, settings, RecordingProgress(), page_size=400, limit=1000)
    await sync.due()  # 100 added, 300 deferred
    await set_contact_limit("Small", 1000)
    await AutoImport.filter(id=import_id).update(next_sync_at=now())
    progress = RecordingProgress()
    small_pages(sync, settings, progress, page_size=120, limit=1000)

    await sync.due()

    pages = [e.counts.added for e in progress.events if e.outcome is SyncOutcome.RUNNING]
    assert pages[:4] == [0, 120, 240, 300]  # the start, the deferred ones in pages of 120, then the feed's pages
    assert await Contact.filter(account_id=small.account.id).count() == 400
