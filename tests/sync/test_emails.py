"""Emails: missing and invalid ones skipped and reported; one contact per email whatever its case."""

from __future__ import annotations

from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, contact_emails, import_state, last_run, problem, sync_again

GOOD = ["ann@example.com", "Ann", "Able", "", "Pro"]
NO_EMAIL = ["", "Nobody", "Known", "", "Pro"]
NO_EMAIL_2 = ["   ", "Blank", "Spaces", "", "Pro"]
BAD_EMAIL = ["carl@@example.com", "Carl", "Crooked", "", "Pro"]
BAD_EMAIL_2 = ["dora at example.com", "Dora", "Dots", "", "Pro"]


async def test_missing_and_invalid_emails_are_skipped_counted_and_reported_with_samples(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [GOOD, NO_EMAIL, BAD_EMAIL, NO_EMAIL_2, BAD_EMAIL_2])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    assert await contact_emails(acme.api) == ["ann@example.com"]
    state = await import_state(acme.api, import_id)
    counts = last_run(state)["counts"]
    assert (counts["fetched"], counts["added"]) == (5, 1)
    assert (counts["skippedMissingEmail"], counts["skippedInvalidEmail"]) == (2, 2)
    assert state["troubleshooting"]["healthy"] is False

    missing = problem(state, "MISSING_EMAIL")
    assert missing is not None and missing["count"] == 2 and "2 records" in missing["message"]
    assert sorted((s["externalId"], s["email"], s["reason"]) for s in missing["samples"]) == [
        ("row-3", None, "MISSING_EMAIL"), ("row-5", None, "MISSING_EMAIL")]
    invalid = problem(state, "INVALID_EMAIL")
    assert invalid is not None and invalid["count"] == 2
    # the email exactly as the source gave it, so the user can find the row
    assert sorted((s["email"], s["reason"]) for s in invalid["samples"]) == [
        ("carl@@example.com", "INVALID_EMAIL"), ("dora at example.com", "INVALID_EMAIL")]


async def test_skipped_records_are_counted_per_sync_but_reported_once(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [GOOD, NO_EMAIL, BAD_EMAIL])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    feed.set_rows(HEADER, [GOOD, NO_EMAIL, BAD_EMAIL, ["eve@example.com", "Eve", "", "", "Pro"]])
    await sync_again(sync, import_id)

    state = await import_state(acme.api, import_id)
    counts = last_run(state)["counts"]
    # the same skipped rows, unchanged, cost nothing the second time and are not counted again
    assert (counts["added"], counts["skippedMissingEmail"], counts["skippedInvalidEmail"]) == (1, 0, 0)
    assert state["totals"]["skippedMissingEmail"] == 1 and state["totals"]["skippedInvalidEmail"] == 1
    # but they are still skipped: the problems stay, counting distinct records
    assert problem(state, "MISSING_EMAIL")["count"] == 1  # type: ignore[index]
    assert problem(state, "INVALID_EMAIL")["count"] == 1  # type: ignore[index]


# The CSV feed names a record by its email, or by its row number when it has none: once fixed,
# the record comes back under a new id; the feed reports which ids it saw, so the old skip goes.
async def test_an_invalid_email_fixed_at_the_source_is_imported_and_the_problem_clears(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [GOOD, BAD_EMAIL])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    assert problem(await import_state(acme.api, import_id), "INVALID_EMAIL") is not None

    feed.set_rows(HEADER, [GOOD, ["carl@example.com", "Carl", "Crooked", "", "Pro"]])
    await sync_again(sync, import_id)

    assert await contact_emails(acme.api) == ["ann@example.com", "carl@example.com"]
    state = await import_state(acme.api, import_id)
    assert problem(state, "INVALID_EMAIL") is None
    assert state["troubleshooting"]["healthy"] is True


async def test_a_missing_email_added_at_the_source_is_imported_and_the_problem_clears(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [GOOD, NO_EMAIL])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    assert problem(await import_state(acme.api, import_id), "MISSING_EMAIL") is not None

    feed.set_rows(HEADER, [GOOD, ["nobody@example.com", "Nobody", "Known", "", "Pro"]])
    await sync_again(sync, import_id)

    assert (await contact(acme.api, "nobody@example.com"))["firstName"] == "Nobody"  # type: ignore[index]
    state = await import_state(acme.api, import_id)
    assert problem(state, "MISSING_EMAIL") is None
    assert state["troubleshooting"]["healthy"] is True


async def test_case_variants_in_one_file_are_one_contact(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["Ann@Example.com", "Ann", "", "", "Pro"], ["ann@example.COM", "Annie", "", "", "Pro"]])
    await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    assert await Contact.filter(account_id=acme.account.id).count() == 1
    found = await contact(acme.api, "ANN@EXAMPLE.COM")
    assert found is not None and found["firstName"] == "Annie"  # the later row wins


async def test_case_variants_across_syncs_update_the_same_contact(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["Ann@Example.com", "Ann", "", "", "Pro"]])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    feed.set_rows(HEADER, [["ann@example.COM", "Annie", "", "", "Pro"]])
    await sync_again(sync, import_id)

    assert await Contact.filter(account_id=acme.account.id).count() == 1
    assert (await contact(acme.api, "ann@example.com"))["firstName"] == "Annie"  # type: ignore[index]
    counts = last_run(await import_state(acme.api, import_id))["counts"]
    assert (counts["added"], counts["updated"]) == (0, 1)


async def test_case_variants_across_two_imports_are_one_contact(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [["Ann@Example.com", "Ann", "", "", "Pro"], ["ann@example.COM", "", "Able", "", "Free"]])
    connection = await connect_feed(acme.api)
    pro = await create_feed_import(acme.api, connection, criteria={"column": "plan", "equals": "Pro"})
    free = await create_feed_import(acme.api, connection, criteria={"column": "plan", "equals": "Free"})
    await sync.due()

    assert await Contact.filter(account_id=acme.account.id).count() == 1
    found = await contact(acme.api, "ann@example.com")
    assert found is not None and (found["firstName"], found["lastName"]) == ("Ann", "Able")
    added = [last_run(await import_state(acme.api, i))["counts"]["added"] for i in (pro, free)]
    assert sorted(added) == [0, 1]


async def test_surrounding_whitespace_is_trimmed(acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync) -> None:
    feed.set_rows(HEADER, [["  bob@example.com ", " Bob ", "Baker", "", "Pro"]])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    assert await contact_emails(acme.api) == ["bob@example.com"]
    found = await contact(acme.api, "bob@example.com")
    assert found is not None and found["firstName"] == "Bob"
    assert (await import_state(acme.api, import_id))["troubleshooting"]["healthy"] is True
