"""The contact limit: at the limit an import adds nothing new, still updates, and loses nothing."""

from __future__ import annotations

from typing import Any

from app.accounts.service import set_contact_limit
from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, import_state, last_run, problem, sync_again

SOURCE = rows(1234)


async def _count(account: AccountUnderTest) -> int:
    return await Contact.filter(account_id=account.account.id).count()


async def _fill_to_the_limit(account: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync) -> str:
    feed.set_rows(HEADER, SOURCE)
    import_id = await create_feed_import(account.api, await connect_feed(account.api))
    taken = [sum(s.records for s in await sync.due())]
    taken += [await sync_again(sync, import_id) for _ in range(2)]
    assert taken == [500, 500, 234]
    return import_id


async def test_at_the_limit_new_contacts_are_not_added_and_the_problem_says_so(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small = await make_account("Small", contact_limit=1000)
    import_id = await _fill_to_the_limit(small, feed, sync)

    assert await _count(small) == 1000
    state = await import_state(small.api, import_id)
    assert [run["counts"]["added"] for run in reversed(state["syncs"])] == [500, 500, 0]
    assert last_run(state)["counts"]["notAddedContactLimit"] == 234
    assert state["totals"]["notAddedContactLimit"] == 234
    limit = problem(state, "CONTACT_LIMIT_REACHED")
    assert limit is not None and limit["count"] == 234
    assert "234" in limit["message"] and "1000" in limit["message"]
    # the ones left out are the last of the file, in file order
    assert await contact(small.api, "person999@example.com") is not None
    assert await contact(small.api, "person1000@example.com") is None


async def test_existing_contacts_are_still_updated_at_the_limit(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small = await make_account("Small", contact_limit=1000)
    import_id = await _fill_to_the_limit(small, feed, sync)

    edited = [[r[0], "Edited", *r[2:]] if r[0] == "person7@example.com" else r for r in SOURCE]
    feed.set_rows(HEADER, edited + rows(10, start=5000))
    await sync_again(sync, import_id)

    assert (await contact(small.api, "person7@example.com"))["firstName"] == "Edited"  # type: ignore[index]
    counts = last_run(await import_state(small.api, import_id))["counts"]
    assert (counts["updated"], counts["added"], counts["notAddedContactLimit"]) == (1, 0, 10)
    assert await _count(small) == 1000


async def test_raising_the_limit_brings_every_deferred_contact_and_clears_the_problem(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small = await make_account("Small", contact_limit=1000)
    import_id = await _fill_to_the_limit(small, feed, sync)
    # a deferred contact edited at the source while it waits arrives in its latest version
    edited = [[r[0], "Latest", *r[2:]] if r[0] == "person1100@example.com" else r for r in SOURCE]
    edited.append(["", "No", "Email", "", "Pro"])
    feed.set_rows(HEADER, edited)
    await sync_again(sync, import_id)
    assert await _count(small) == 1000

    await set_contact_limit("Small", 5000)
    # raising the limit makes the import due at once: no need to wait for its next slot
    assert sum(s.records for s in await sync.due()) == 234

    assert await _count(small) == 1234
    found = await contact(small.api, "person1100@example.com")
    assert found is not None and found["firstName"] == "Latest"
    state = await import_state(small.api, import_id)
    assert last_run(state)["counts"]["added"] == 234
    assert problem(state, "CONTACT_LIMIT_REACHED") is None
    assert problem(state, "MISSING_EMAIL") is not None  # the one skipped row is all that is missing
    assert await sync_again(sync, import_id) == 0


async def test_a_limit_raised_a_little_lets_in_only_what_fits_then_the_rest(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small = await make_account("Small", contact_limit=1000)
    import_id = await _fill_to_the_limit(small, feed, sync)

    await set_contact_limit("Small", 1100)
    await sync.due()
    assert await _count(small) == 1100
    limit = problem(await import_state(small.api, import_id), "CONTACT_LIMIT_REACHED")
    assert limit is not None and limit["count"] == 134

    await set_contact_limit("Small", 2000)
    await sync.due()
    assert await _count(small) == 1234
    assert problem(await import_state(small.api, import_id), "CONTACT_LIMIT_REACHED") is None
