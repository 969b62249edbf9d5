"""Fields beyond the standard ones become custom fields named after the service, once per account."""

from __future__ import annotations

from typing import Any

from app.contacts.models import CustomField
from tests.conftest import AccountUnderTest, Sync, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, sync_again

CUSTOM_FIELDS = '{ customFields(serviceId: "csv_feed") { id title perstag service { id } } }'
HEADER = ["Email", "First name", "Plan", "Date of birth"]
PLAN = ("CSV Feed Plan", "%CSV_FEED_PLAN%")


def _values(found: dict[str, Any] | None) -> dict[tuple[str, str], str]:
    assert found is not None
    return {(v["field"]["title"], v["field"]["perstag"]): v["value"] for v in found["fieldValues"]}


async def test_extra_columns_become_custom_fields_with_service_titles_and_perstags(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "Pro", "1990-01-01"], ["bob@example.com", "Bob", "Free", ""]])
    await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    fields = (await acme.api(CUSTOM_FIELDS))["customFields"]
    assert sorted((f["title"], f["perstag"], f["service"]["id"]) for f in fields) == [
        ("CSV Feed Date of birth", "%CSV_FEED_DATE_OF_BIRTH%", "csv_feed"),
        ("CSV Feed Plan", "%CSV_FEED_PLAN%", "csv_feed"),
    ]
    ann, bob = await contact(acme.api, "ann@example.com"), await contact(acme.api, "bob@example.com")
    assert _values(ann) == {PLAN: "Pro", ("CSV Feed Date of birth", "%CSV_FEED_DATE_OF_BIRTH%"): "1990-01-01"}
    assert _values(bob) == {PLAN: "Free"}  # an empty cell writes no value


async def test_a_second_import_reuses_the_fields_and_updates_values(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "Pro", "1990-01-01"]])
    connection = await connect_feed(acme.api)
    first = await create_feed_import(acme.api, connection, name="First")
    await sync.due()
    before = (await acme.api(CUSTOM_FIELDS))["customFields"]

    feed.set_rows(HEADER, [["ann@example.com", "Ann", "Enterprise", "1990-01-01"], ["cy@example.com", "Cy", "Pro", ""]])
    await create_feed_import(acme.api, connection, name="Second")
    await sync_again(sync, first)

    after = (await acme.api(CUSTOM_FIELDS))["customFields"]
    assert sorted(f["id"] for f in after) == sorted(f["id"] for f in before) and len(after) == 2
    assert await CustomField.filter(account_id=acme.account.id).count() == 2
    assert _values(await contact(acme.api, "ann@example.com"))[PLAN] == "Enterprise"
    assert _values(await contact(acme.api, "cy@example.com"))[PLAN] == "Pro"


async def test_custom_fields_are_per_account(
    acme: AccountUnderTest, make_account: object, feed: CsvFeedSimulator, sync: Sync
) -> None:
    other = await make_account("Other")  # type: ignore[operator]
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "Pro", ""]])
    await create_feed_import(acme.api, await connect_feed(acme.api))
    await create_feed_import(other.api, await connect_feed(other.api))
    await sync.due()

    mine, theirs = [(await a.api(CUSTOM_FIELDS))["customFields"] for a in (acme, other)]
    assert [f["perstag"] for f in mine] == [f["perstag"] for f in theirs] == ["%CSV_FEED_PLAN%"]
    assert mine[0]["id"] != theirs[0]["id"]
    assert _values(await contact(other.api, "ann@example.com")) == {PLAN: "Pro"}
