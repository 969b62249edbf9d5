"""Defect 10, second half: a feed with 100,000 columns created 100,004 custom fields.

An account gets at most `AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE` fields from one service; the
contacts still arrive, with the values of the fields that exist, and troubleshooting names the
fields that were not created and says what to do. Raising the cap lifts the problem, and records
that change afterwards bring the values.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.config import MAX_CUSTOM_FIELDS_PER_SERVICE, Settings
from app.contacts.models import CustomField
from tests.conftest import AccountUnderTest, Sync, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, import_state, last_run, problem, sync_again

COLUMNS = 1000


def wide_feed(feed: CsvFeedSimulator, columns: int, note: str = "x") -> None:
    header = ["email", "first name", *(f"Column {n}" for n in range(columns))]
    feed.set_rows(header, [[f"p{n}@example.com", f"P{n}", *(f"{note}{n}-{c}" for c in range(columns))]
                           for n in range(3)])


async def test_a_feed_with_a_thousand_columns_creates_at_most_the_cap_and_reports_the_rest(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    assert settings.max_custom_fields_per_service == 200  # the default
    wide_feed(feed, COLUMNS)
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))

    await sync.due()

    assert await CustomField.filter(service_id="csv_feed").count() == 200
    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED", last_run(state)
    assert last_run(state)["counts"]["added"] == 3
    found = problem(state, "CUSTOM_FIELD_LIMIT")
    assert found is not None, state["troubleshooting"]
    assert found["count"] == COLUMNS - 200
    assert "800 fields at the source have no custom field" in found["message"]
    assert "200 CSV Feed custom fields" in found["message"]
    assert "AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE" in found["action"]
    assert [s["externalId"] for s in found["samples"]] == [f"field:Column {n}" for n in range(200, 205)]
    person = await contact(acme.api, "p1@example.com")
    assert person is not None and len(person["fieldValues"]) == 200
    assert {v["field"]["title"] for v in person["fieldValues"]} == {f"CSV Feed Column {n}" for n in range(200)}


async def test_raising_the_cap_lifts_the_problem_and_changed_records_bring_their_values(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, settings: Settings
) -> None:
    settings.max_custom_fields_per_service = 5  # the API and the worker share this object here
    wide_feed(feed, 8)
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    await sync.due()
    assert problem(await import_state(acme.api, import_id), "CUSTOM_FIELD_LIMIT")["count"] == 3  # type: ignore[index]

    settings.max_custom_fields_per_service = 10
    wide_feed(feed, 8, note="edited")
    await sync_again(sync, import_id)

    state = await import_state(acme.api, import_id)
    assert problem(state, "CUSTOM_FIELD_LIMIT") is None, state["troubleshooting"]
    assert await CustomField.filter(service_id="csv_feed").count() == 8
    person = await contact(acme.api, "p2@example.com")
    assert person is not None
    assert sorted(v["value"] for v in person["fieldValues"]) == sorted(f"edited2-{c}" for c in range(8))


async def test_a_feed_with_more_columns_than_one_statement_binds_still_syncs(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    """40,000 columns: more than asyncpg's 32,767 parameters if every column's field were looked up
    in one statement (the sync failed with "Unexpected error (InterfaceError)" on PostgreSQL)."""
    wide_feed(feed, 40_000)
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))

    await sync.due()

    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED", last_run(state)
    assert last_run(state)["counts"]["added"] == 3
    assert await CustomField.filter(service_id="csv_feed").count() == 200
    assert problem(state, "CUSTOM_FIELD_LIMIT")["count"] == 40_000 - 200  # type: ignore[index]


def test_the_cap_has_a_ceiling_the_statements_are_sized_for() -> None:
    at_ceiling = Settings(AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE=MAX_CUSTOM_FIELDS_PER_SERVICE)  # type: ignore[call-arg]
    assert at_ceiling.max_custom_fields_per_service == MAX_CUSTOM_FIELDS_PER_SERVICE
    with pytest.raises(ValidationError, match="AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE"):
        Settings(AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE=MAX_CUSTOM_FIELDS_PER_SERVICE + 1)  # type: ignore[call-arg]
