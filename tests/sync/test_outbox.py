"""No side effects: imported writes record no contact event; the platform's own paths do."""

from __future__ import annotations

from app.contacts.models import ContactEvent
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, sync_again

CREATE_LIST = 'mutation($name: String!) { createList(input: {name: $name}) { list { id } userErrors { code } } }'
CREATE_CONTACT = """
mutation($email: String!, $listIds: [ID!]) { createContact(input: {email: $email, listIds: $listIds}) {
  contact { id } userErrors { code message } } }"""
UNSUBSCRIBE = """
mutation($email: String!) { unsubscribeContact(email: $email) { contact { status } userErrors { code } } }"""


async def _events(account_id: int) -> list[str]:
    return sorted(await ContactEvent.filter(account_id=account_id).values_list("kind", flat=True))


async def test_imported_contacts_lists_and_updates_record_no_event(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    list_id = (await acme.api(CREATE_LIST, name="Customers"))["createList"]["list"]["id"]
    feed.set_rows(HEADER, rows(20))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api), listIds=[list_id], tags=["csv"])
    await sync.due()
    feed.set_rows(HEADER, [[r[0], "Renamed", *r[2:]] for r in rows(20)])
    await sync_again(sync, import_id)

    assert (await contact(acme.api, "person3@example.com"))["firstName"] == "Renamed"  # type: ignore[index]
    assert await _events(acme.account.id) == []


async def test_the_platforms_own_create_and_unsubscribe_record_events(acme: AccountUnderTest) -> None:
    list_id = (await acme.api(CREATE_LIST, name="Customers"))["createList"]["list"]["id"]
    created = await acme.api(CREATE_CONTACT, email="ann@example.com", listIds=[list_id])
    assert not created["createContact"]["userErrors"]
    assert await _events(acme.account.id) == ["contact_created", "list_subscribed"]

    await acme.api(UNSUBSCRIBE, email="ann@example.com")
    assert await _events(acme.account.id) == ["contact_created", "list_subscribed", "unsubscribed"]
