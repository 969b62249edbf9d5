"""Troubleshooting of the import's load: a backlog with its estimate, too many imports per service."""

from __future__ import annotations

from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import import_state, problem, sync_again

SERVICES = "{ services { id importCount recommendedMaxImports } }"


async def test_a_backlog_is_reported_with_the_contacts_and_syncs_left(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(1234))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()

    state = await import_state(acme.api, import_id)
    assert state["status"] == "BACKLOG"
    backlog = problem(state, "BACKLOG")
    assert backlog is not None and backlog["count"] == 734
    assert "734 contacts are" in backlog["message"] and "2 more syncs," in backlog["message"]
    assert "500" in backlog["message"]

    await sync_again(sync, import_id)
    backlog = problem(await import_state(acme.api, import_id), "BACKLOG")
    assert backlog is not None and backlog["count"] == 234 and "1 more sync," in backlog["message"]

    await sync_again(sync, import_id)
    state = await import_state(acme.api, import_id)
    assert problem(state, "BACKLOG") is None and state["status"] == "ACTIVE"


async def test_a_third_import_of_one_service_earns_a_warning(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(3))
    connection = await connect_feed(acme.api)
    first = await create_feed_import(acme.api, connection, name="One")
    await create_feed_import(acme.api, connection, name="Two")
    await sync.due()
    assert problem(await import_state(acme.api, first), "TOO_MANY_IMPORTS_FOR_SERVICE") is None  # two is fine

    third = await create_feed_import(acme.api, connection, name="Three")
    await sync.due()

    services = {s["id"]: s for s in (await acme.api(SERVICES))["services"]}
    assert (services["csv_feed"]["importCount"], services["csv_feed"]["recommendedMaxImports"]) == (3, 2)
    for import_id in (first, third):
        warning = problem(await import_state(acme.api, import_id), "TOO_MANY_IMPORTS_FOR_SERVICE")
        assert warning is not None and warning["count"] == 3
        assert "3 CSV Feed imports" in warning["message"] and "at most 2" in warning["message"]


async def test_import_counts_are_per_account(
    acme: AccountUnderTest, make_account: object, feed: CsvFeedSimulator
) -> None:
    other = await make_account("Other")  # type: ignore[operator]
    connection = await connect_feed(other.api)
    for name in ("One", "Two", "Three"):
        await create_feed_import(other.api, connection, name=name)
    await create_feed_import(acme.api, await connect_feed(acme.api))

    services = {s["id"]: s["importCount"] for s in (await acme.api(SERVICES))["services"]}
    assert services["csv_feed"] == 1
