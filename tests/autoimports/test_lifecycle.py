"""An import's life through the API: create, edit (restarting only when it must), pause, resume,
sync now and delete, checked against the database, the queue and the real sync engine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from app.autoimports.models import AutoImport, RecordFingerprint
from app.contacts.models import Contact
from app.sync.schedule import due_external_accounts
from tests.conftest import HEADER, AccountUnderTest, RecordingQueue, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

SHOW = """query($id: ID!) { autoImport(id: $id) {
  id name status criteria tags nextSyncAt lastSyncAt lists { id } syncs { outcome counts { fetched added } }
} }"""
UPDATE = """mutation($id: ID!, $input: UpdateAutoImportInput!) { updateAutoImport(id: $id, input: $input) {
  autoImport { id name status criteria tags lists { id } nextSyncAt } userErrors { field code message }
} }"""
ACTION = """mutation($id: ID!) {{ {name}(id: $id) {{
  autoImport {{ id status nextSyncAt }} userErrors {{ field code message }}
}} }}"""


def _near_now(value: str) -> bool:
    return abs(datetime.fromisoformat(value) - datetime.now(timezone.utc)) < timedelta(seconds=30)


async def _list(acme: AccountUnderTest, name: str) -> str:
    data = await acme.api('mutation($n: String!) { createList(input: {name: $n}) { list { id } } }', n=name)
    return str(data["createList"]["list"]["id"])


async def _action(acme: AccountUnderTest, name: str, import_id: str) -> dict[str, Any]:
    return dict((await acme.api(ACTION.format(name=name), id=import_id))[name])


async def _row(import_id: str) -> AutoImport:
    return await AutoImport.get(id=int(import_id))


async def _push_next_sync_later(import_id: str) -> None:
    await AutoImport.filter(id=int(import_id)).update(next_sync_at=datetime.now(timezone.utc) + timedelta(hours=1))


@pytest.fixture
async def synced(acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, queue: RecordingQueue) -> str:
    """An import whose first retrieval ran (10 contacts), next sync in an hour, queue emptied."""
    feed.set_rows(HEADER, rows(10))
    lists = [await _list(acme, "A"), await _list(acme, "B")]
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api), name="Sheet", listIds=lists,
                                         tags=["feed"])
    assert [s.records for s in await sync.due()] == [10]
    await _push_next_sync_later(import_id)
    queue.jobs.clear()
    return import_id


async def test_create_enqueues_the_first_retrieval_at_once(
    acme: AccountUnderTest, feed: CsvFeedSimulator, queue: RecordingQueue, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(3))

    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))

    row = await _row(import_id)
    assert [job[0] for job in queue.jobs] == [row.external_account_id]
    shown = (await acme.api(SHOW, id=import_id))["autoImport"]
    assert shown["status"] == "ACTIVE" and _near_now(shown["nextSyncAt"]) and shown["lastSyncAt"] is None
    assert shown["name"] == "CSV Feed import" and shown["criteria"] == {} and shown["syncs"] == []
    assert await due_external_accounts(datetime.now(timezone.utc)) == [row.external_account_id]
    assert [s.records for s in await sync.due()] == [3]
    after = (await acme.api(SHOW, id=import_id))["autoImport"]
    assert after["syncs"] == [{"outcome": "COMPLETED", "counts": {"fetched": 3, "added": 3}}]
    assert after["lastSyncAt"] is not None and not _near_now(after["nextSyncAt"])  # next in 30 minutes


async def test_renaming_does_not_restart(acme: AccountUnderTest, synced: str, queue: RecordingQueue) -> None:
    before = await _row(synced)

    payload = (await acme.api(UPDATE, id=synced, input={"name": "  Renamed  "}))["updateAutoImport"]

    assert payload["userErrors"] == [] and payload["autoImport"]["name"] == "Renamed"
    after = await _row(synced)
    assert after.state_version == before.state_version and after.cursor == before.cursor
    assert after.next_sync_at == before.next_sync_at
    assert await RecordFingerprint.filter(auto_import_id=after.id).count() == 10
    assert queue.jobs == []


async def test_unchanged_values_do_not_restart(acme: AccountUnderTest, synced: str, queue: RecordingQueue) -> None:
    before = await _row(synced)
    shown = (await acme.api(SHOW, id=synced))["autoImport"]
    same = {"criteria": {}, "tags": [" feed ", "feed"], "listIds": [lst["id"] for lst in reversed(shown["lists"])]}

    payload = (await acme.api(UPDATE, id=synced, input=same))["updateAutoImport"]

    assert payload["userErrors"] == []
    assert (await _row(synced)).state_version == before.state_version
    assert queue.jobs == []


@pytest.mark.parametrize(
    "change",
    [{"criteria": {"column": "plan", "equals": "pro"}}, {"tags": ["feed", "vip"]}, {"lists": "drop-one"}],
    ids=["criteria", "tags", "lists"],
)
async def test_criteria_lists_or_tags_change_restarts_the_retrieval(
    acme: AccountUnderTest, synced: str, queue: RecordingQueue, sync: Sync, change: dict[str, Any]
) -> None:
    before = await _row(synced)
    if "lists" in change:
        shown = (await acme.api(SHOW, id=synced))["autoImport"]
        change = {"listIds": [shown["lists"][0]["id"]]}

    payload = (await acme.api(UPDATE, id=synced, input=change))["updateAutoImport"]

    assert payload["userErrors"] == [] and _near_now(payload["autoImport"]["nextSyncAt"])
    after = await _row(synced)
    assert after.state_version == before.state_version + 1 and after.cursor == {}
    assert await RecordFingerprint.filter(auto_import_id=after.id).count() == 0
    assert [job[0] for job in queue.jobs] == [after.external_account_id]
    # a new first retrieval: every row is read again, not only what changed at the source
    assert [s.records for s in await sync.due()] == [10]
    assert await Contact.filter(account_id=acme.account.id).count() == 10


async def test_an_invalid_edit_changes_nothing(acme: AccountUnderTest, synced: str, queue: RecordingQueue) -> None:
    before = await _row(synced)

    payload = (await acme.api(UPDATE, id=synced, input={"name": "New", "criteria": {"column": "plan"}}))
    payload = payload["updateAutoImport"]

    assert payload["autoImport"] is None and payload["userErrors"][0]["code"] == "INVALID"
    after = await _row(synced)
    assert (after.name, after.state_version, after.criteria) == (before.name, before.state_version, before.criteria)
    assert queue.jobs == []


async def test_pause_stops_syncs_and_resume_brings_them_back(
    acme: AccountUnderTest, feed: CsvFeedSimulator, queue: RecordingQueue, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(4))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))
    queue.jobs.clear()

    paused = await _action(acme, "pauseAutoImport", import_id)
    refused = await _action(acme, "syncAutoImportNow", import_id)

    assert paused["userErrors"] == [] and paused["autoImport"]["status"] == "PAUSED"
    assert refused["autoImport"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("INVALID", ["id"])]
    assert "paused" in refused["userErrors"][0]["message"]
    assert await sync.due() == [] and await Contact.all().count() == 0
    assert queue.jobs == []

    resumed = await _action(acme, "resumeAutoImport", import_id)

    assert resumed["userErrors"] == [] and resumed["autoImport"]["status"] == "ACTIVE"
    assert _near_now(resumed["autoImport"]["nextSyncAt"])
    assert [job[0] for job in queue.jobs] == [(await _row(import_id)).external_account_id]
    assert [s.records for s in await sync.due()] == [4]


async def test_resume_before_the_next_sync_is_due_waits_for_it(
    acme: AccountUnderTest, synced: str, queue: RecordingQueue, sync: Sync
) -> None:
    await _action(acme, "pauseAutoImport", synced)
    resumed = await _action(acme, "resumeAutoImport", synced)

    assert resumed["autoImport"]["status"] == "ACTIVE" and not _near_now(resumed["autoImport"]["nextSyncAt"])
    assert queue.jobs == [] and await sync.due() == []


async def test_editing_a_paused_import_restarts_it_without_syncing(
    acme: AccountUnderTest, synced: str, queue: RecordingQueue, sync: Sync
) -> None:
    await _action(acme, "pauseAutoImport", synced)

    payload = (await acme.api(UPDATE, id=synced, input={"tags": ["other"]}))["updateAutoImport"]

    assert payload["autoImport"]["status"] == "PAUSED"
    assert queue.jobs == [] and await sync.due() == []


async def test_sync_now_makes_it_due_now_and_enqueues(
    acme: AccountUnderTest, synced: str, queue: RecordingQueue, sync: Sync, feed: CsvFeedSimulator
) -> None:
    assert await sync.due() == []
    feed.set_rows(HEADER, rows(12))

    payload = await _action(acme, "syncAutoImportNow", synced)

    assert payload["userErrors"] == [] and _near_now(payload["autoImport"]["nextSyncAt"])
    assert [job[0] for job in queue.jobs] == [(await _row(synced)).external_account_id]
    assert [s.records for s in await sync.due()] == [2]  # only the two new rows


async def test_delete_removes_the_import_and_keeps_its_contacts(
    acme: AccountUnderTest, synced: str, sync: Sync
) -> None:
    query = "mutation($id: ID!) { deleteAutoImport(id: $id) { deletedId userErrors { code } } }"

    deleted = (await acme.api(query, id=synced))["deleteAutoImport"]
    again = (await acme.api(query, id=synced))["deleteAutoImport"]

    assert deleted == {"deletedId": synced, "userErrors": []}
    assert again == {"deletedId": None, "userErrors": [{"code": "NOT_FOUND"}]}
    assert (await acme.api(SHOW, id=synced))["autoImport"] is None
    assert (await acme.api("{ autoImports { id } }"))["autoImports"] == []
    assert not await AutoImport.exists(id=int(synced))
    assert await Contact.filter(account_id=acme.account.id).count() == 10
    lists = (await acme.api("{ lists { name contactCount } }"))["lists"]
    assert lists == [{"name": "A", "contactCount": 10}, {"name": "B", "contactCount": 10}]
    assert await sync.due() == []
