"""LIMIT_REACHED: an active import adding nothing new because of the contact limit says so,
and says so no longer the moment the limit is raised."""

from __future__ import annotations

from typing import Any

from app.accounts.service import set_contact_limit
from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import import_state, problem, sync_again

STATUSES = "{ autoImports { id status } }"


async def _status(account: AccountUnderTest, import_id: str) -> str:
    state = await import_state(account.api, import_id)
    return str(state["status"])


async def _at_the_limit(make_account: Any, feed: CsvFeedSimulator, sync: Sync) -> tuple[AccountUnderTest, str]:
    small = await make_account("Small", contact_limit=1000)
    feed.set_rows(HEADER, rows(1234))
    import_id = await create_feed_import(small.api, await connect_feed(small.api))
    await sync.due()
    await sync_again(sync, import_id)
    # at the limit, but nothing was deferred yet: a backlog, not a blocked import
    assert await Contact.filter(account_id=small.account.id).count() == 1000
    assert await _status(small, import_id) == "BACKLOG"
    await sync_again(sync, import_id)
    return small, import_id


async def test_an_import_whose_new_contacts_wait_for_room_is_limit_reached(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small, import_id = await _at_the_limit(make_account, feed, sync)

    state = await import_state(small.api, import_id)
    assert state["status"] == "LIMIT_REACHED"
    assert problem(state, "CONTACT_LIMIT_REACHED")["count"] == 234  # type: ignore[index]
    # another import of the account, with nothing waiting, is not held by the limit
    other = await create_feed_import(small.api, await connect_feed(small.api, url="http://other.test/feed.csv"))
    listed = {item["id"]: item["status"] for item in (await small.api(STATUSES))["autoImports"]}
    assert listed == {import_id: "LIMIT_REACHED", other: "ACTIVE"}


async def test_raising_the_limit_ends_limit_reached_at_once_and_the_waiting_contacts_arrive_next(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small, import_id = await _at_the_limit(make_account, feed, sync)

    await set_contact_limit("Small", 1100)  # room for 100 of the 234 waiting
    state = await import_state(small.api, import_id)
    assert state["status"] == "ACTIVE"  # no sync has run yet: the status follows the room
    assert problem(state, "CONTACT_LIMIT_REACHED")["count"] == 234  # type: ignore[index]

    await sync.due()  # the raise made the import due
    assert await Contact.filter(account_id=small.account.id).count() == 1100
    assert await _status(small, import_id) == "LIMIT_REACHED"  # 134 still wait and the room is used up

    await set_contact_limit("Small", 5000)
    assert await _status(small, import_id) == "ACTIVE"
    await sync.due()
    state = await import_state(small.api, import_id)
    assert await Contact.filter(account_id=small.account.id).count() == 1234
    assert state["status"] == "ACTIVE" and problem(state, "CONTACT_LIMIT_REACHED") is None
