"""An import's lists and tags are applied to the contacts it brings, new and existing."""

from __future__ import annotations

from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, contact_emails

CREATE_LIST = 'mutation($name: String!) { createList(input: {name: $name}) { list { id } userErrors { code } } }'
CREATE_CONTACT = """
mutation($email: String!) { createContact(input: {email: $email}) { contact { id } userErrors { code } } }"""
LISTS = "{ lists { id name contactCount } }"


async def _new_list(api: object, name: str) -> str:
    return (await api(CREATE_LIST, name=name))["createList"]["list"]["id"]  # type: ignore[operator]


async def test_lists_and_tags_of_an_import_are_applied_to_its_contacts(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    customers, newsletter, other = [await _new_list(acme.api, n) for n in ("Customers", "Newsletter", "Other")]
    await acme.api(CREATE_CONTACT, email="person1@example.com")  # already there before the import
    feed.set_rows(HEADER, rows(3))
    await create_feed_import(acme.api, await connect_feed(acme.api), listIds=[customers, newsletter],
                             tags=["csv", "vip"])
    await sync.due()

    expected = ["person1@example.com", "person0@example.com", "person2@example.com"]
    assert await contact_emails(acme.api, list_id=customers) == expected
    assert await contact_emails(acme.api, list_id=newsletter) == expected
    assert await contact_emails(acme.api, list_id=other) == []
    assert await contact_emails(acme.api, tag="vip") == expected
    found = await contact(acme.api, "person1@example.com")
    assert found is not None
    assert sorted(found["tags"]) == ["csv", "vip"]
    assert sorted(lst["name"] for lst in found["lists"]) == ["Customers", "Newsletter"]
    counts = {lst["name"]: lst["contactCount"] for lst in (await acme.api(LISTS))["lists"]}
    assert counts == {"Customers": 3, "Newsletter": 3, "Other": 0}


async def test_an_import_only_tags_its_own_contacts(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "", "", "Pro"], ["bob@example.com", "Bob", "", "", "Free"]])
    connection = await connect_feed(acme.api)
    await create_feed_import(acme.api, connection, criteria={"column": "plan", "equals": "Pro"}, tags=["pro"])
    await create_feed_import(acme.api, connection, criteria={"column": "plan", "equals": "Free"}, tags=["free"])
    await sync.due()

    assert await contact_emails(acme.api, tag="pro") == ["ann@example.com"]
    assert await contact_emails(acme.api, tag="free") == ["bob@example.com"]
