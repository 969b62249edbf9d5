"""Provenance: which imports brought or updated each contact, kept when an import is deleted."""

from __future__ import annotations

from typing import Any

from app.accounts.service import set_contact_limit
from app.contacts.models import Contact, ContactSource
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import sync_again

SOURCES = """
query($email: String!) { contact(email: $email) {
  email sources { autoImport { id name } service { id } externalId firstSeenAt lastSeenAt }
} }"""
COUNTS = "{ autoImports { id contactCount } }"
DELETE = "mutation($id: ID!) { deleteAutoImport(id: $id) { deletedId userErrors { code } } }"


def _source_rows() -> list[list[str]]:
    """Fifteen people: ten on the Pro plan, then five on Gold (person10..person14)."""
    return [[*row[:4], "Gold" if n >= 10 else "Pro"] for n, row in enumerate(rows(15))]


async def _sources(account: AccountUnderTest, email: str) -> list[dict[str, Any]]:
    found = (await account.api(SOURCES, email=email))["contact"]
    assert found is not None, email
    return found["sources"]  # type: ignore[no-any-return]


async def _contact_counts(account: AccountUnderTest) -> dict[str, int]:
    return {item["id"]: item["contactCount"] for item in (await account.api(COUNTS))["autoImports"]}


async def _two_overlapping_imports(acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync) -> tuple[str, str]:
    feed.set_rows(HEADER, _source_rows())
    everyone = await create_feed_import(acme.api, await connect_feed(acme.api), name="Everyone")
    gold = await create_feed_import(acme.api, await connect_feed(acme.api), name="Gold",
                                    criteria={"column": "plan", "equals": "Gold"})
    await sync.due()
    return everyone, gold


async def test_two_imports_bringing_overlapping_contacts_each_count_them_and_each_is_a_source(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    everyone, gold = await _two_overlapping_imports(acme, feed, sync)

    assert await Contact.filter(account_id=acme.account.id).count() == 15
    assert await _contact_counts(acme) == {everyone: 15, gold: 5}
    only_everyone = await _sources(acme, "person3@example.com")
    assert [(s["autoImport"]["name"], s["service"]["id"], s["externalId"]) for s in only_everyone] == [
        ("Everyone", "csv_feed", "person3@example.com")]
    both = await _sources(acme, "person12@example.com")
    assert [s["autoImport"]["id"] for s in both] == [gold, everyone]  # newest first
    assert all(s["firstSeenAt"] == s["lastSeenAt"] for s in both)

    # Everyone brings a new version of person12: it becomes the newest source, first seen unchanged
    edited = [[*row[:1], "Renamed", *row[2:]] if row[0] == "person12@example.com" else row for row in _source_rows()]
    feed.set_rows(HEADER, edited)
    await sync_again(sync, everyone)
    after = await _sources(acme, "person12@example.com")
    assert [s["autoImport"]["id"] for s in after] == [everyone, gold]
    assert after[0]["firstSeenAt"] == both[1]["firstSeenAt"] and after[0]["lastSeenAt"] > both[1]["lastSeenAt"]
    assert after[1] == both[0]
    assert await _contact_counts(acme) == {everyone: 15, gold: 5}  # a contact counts once per import


async def test_deleting_an_import_keeps_its_contacts_and_their_history(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    everyone, gold = await _two_overlapping_imports(acme, feed, sync)
    before = await _sources(acme, "person12@example.com")

    deleted = (await acme.api(DELETE, id=everyone))["deleteAutoImport"]
    assert deleted == {"deletedId": everyone, "userErrors": []}

    assert await Contact.filter(account_id=acme.account.id).count() == 15
    assert await ContactSource.all().count() == 20
    orphan = await _sources(acme, "person3@example.com")
    assert [(s["autoImport"], s["service"]["id"], s["externalId"]) for s in orphan] == [
        (None, "csv_feed", "person3@example.com")]
    after = await _sources(acme, "person12@example.com")
    assert [s["autoImport"] and s["autoImport"]["id"] for s in after] == [gold, None]
    assert [(s["externalId"], s["firstSeenAt"], s["lastSeenAt"]) for s in after] == [
        (s["externalId"], s["firstSeenAt"], s["lastSeenAt"]) for s in before]
    assert await _contact_counts(acme) == {gold: 5}


async def test_contacts_deferred_by_the_limit_get_their_source_when_they_arrive(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    small = await make_account("Small", contact_limit=10)
    feed.set_rows(HEADER, _source_rows())
    import_id = await create_feed_import(small.api, await connect_feed(small.api))
    await sync.due()
    assert await _contact_counts(small) == {import_id: 10}

    await set_contact_limit("Small", 100)
    await sync_again(sync, import_id)

    assert await _contact_counts(small) == {import_id: 15}
    assert [s["autoImport"]["id"] for s in await _sources(small, "person14@example.com")] == [import_id]
