"""Never reactivate: unsubscribed and bounced contacts keep their status, their fields still update."""

from __future__ import annotations

from app.contacts.models import Contact, ContactStatus
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, import_state, last_run, sync_again

UNSUBSCRIBE = """
mutation($email: String!) { unsubscribeContact(email: $email) {
  contact { status } userErrors { code message } } }"""


async def test_an_unsubscribed_contact_stays_unsubscribed_but_its_fields_are_updated(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "Able", "+15550001", "Pro"]])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    data = await acme.api(UNSUBSCRIBE, email="Ann@Example.com")
    assert data["unsubscribeContact"]["contact"]["status"] == "UNSUBSCRIBED"

    feed.set_rows(HEADER, [["ann@example.com", "Annabel", "Archer", "+15550002", "Pro"]])
    await sync_again(sync, import_id)

    found = await contact(acme.api, "ann@example.com")
    assert found is not None and found["status"] == "UNSUBSCRIBED"
    assert (found["firstName"], found["lastName"], found["phone"]) == ("Annabel", "Archer", "+15550002")
    counts = last_run(await import_state(acme.api, import_id))["counts"]
    assert (counts["updated"], counts["keptUnsubscribed"], counts["added"]) == (1, 1, 0)


async def test_a_bounced_contact_stays_bounced_and_active_ones_are_not_counted_as_kept(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "", "", "Pro"], ["bob@example.com", "Bob", "", "", "Pro"]])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    await Contact.filter(account_id=acme.account.id, email_key="ann@example.com").update(status=ContactStatus.BOUNCED)

    feed.set_rows(HEADER, [["ann@example.com", "Anna", "", "", "Pro"], ["bob@example.com", "Bobby", "", "", "Pro"]])
    await sync_again(sync, import_id)

    ann, bob = await contact(acme.api, "ann@example.com"), await contact(acme.api, "bob@example.com")
    assert ann is not None and (ann["status"], ann["firstName"]) == ("BOUNCED", "Anna")
    assert bob is not None and (bob["status"], bob["firstName"]) == ("ACTIVE", "Bobby")
    counts = last_run(await import_state(acme.api, import_id))["counts"]
    assert (counts["updated"], counts["keptUnsubscribed"]) == (2, 1)


async def test_a_second_import_does_not_reactivate_an_unsubscribed_contact(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["ann@example.com", "Ann", "", "", "Pro"]])
    connection = await connect_feed(acme.api)
    await create_feed_import(acme.api, connection, name="First")
    await sync.due()
    await acme.api(UNSUBSCRIBE, email="ann@example.com")

    second = await create_feed_import(acme.api, connection, name="Second")
    await sync.due()

    assert (await contact(acme.api, "ann@example.com"))["status"] == "UNSUBSCRIBED"  # type: ignore[index]
    assert last_run(await import_state(acme.api, second))["counts"]["keptUnsubscribed"] == 1


async def test_an_empty_source_value_never_erases_a_stored_one(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    header = [*HEADER, "Birthday"]
    feed.set_rows(header, [["ann@example.com", "Ann", "Able", "+15550001", "Pro", "1990-01-01"]])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    feed.set_rows(header, [["ann@example.com", "", "  ", "", "", ""]])
    await sync_again(sync, import_id)

    found = await contact(acme.api, "ann@example.com")
    assert found is not None
    assert (found["firstName"], found["lastName"], found["phone"]) == ("Ann", "Able", "+15550001")
    assert {v["field"]["perstag"]: v["value"] for v in found["fieldValues"]} == {
        "%CSV_FEED_PLAN%": "Pro", "%CSV_FEED_BIRTHDAY%": "1990-01-01"}
    assert last_run(await import_state(acme.api, import_id))["counts"]["updated"] == 0
