"""Another account's objects look exactly like missing ones, to queries and to mutations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.autoimports.models import AutoImport, AutoImportList
from app.connections.models import Connection
from app.contacts.models import Contact, ContactEvent, ContactList, ListMembership
from tests.conftest import HEADER, AccountUnderTest, RecordingQueue, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

MISSING_ID = "2147483000"


@dataclass
class Owned:
    """What account A owns, by GraphQL id."""

    import_id: str
    connection_id: str
    list_id: str
    email: str


@pytest.fixture
async def a_and_b(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> tuple[AccountUnderTest, AccountUnderTest, Owned]:
    a, b = await make_account("A"), await make_account("B")
    feed.set_rows(HEADER, rows(3))
    list_id = (await a.api('mutation { createList(input: {name: "Customers"}) { list { id } } }'))[
        "createList"]["list"]["id"]
    connection_id = await connect_feed(a.api)
    import_id = await create_feed_import(a.api, connection_id, listIds=[list_id], tags=["feed"])
    await sync.due()
    return a, b, Owned(import_id, connection_id, list_id, "person0@example.com")


async def _snapshot() -> dict[str, Any]:
    """Everything a foreign mutation could change."""
    imports = await AutoImport.all().order_by("id").values(
        "id", "account_id", "name", "criteria", "tags", "paused", "next_sync_at", "state_version", "connection_id"
    )
    return {
        "imports": imports,
        "import_lists": await AutoImportList.all().order_by("id").values("auto_import_id", "list_id"),
        "connections": await Connection.all().order_by("id").values("id", "account_id", "name"),
        "lists": await ContactList.all().order_by("id").values("id", "account_id", "name"),
        "contacts": await Contact.all().order_by("id").values("id", "account_id", "email", "status"),
        "memberships": await ListMembership.all().order_by("id").values("contact_id", "list_id"),
        "events": await ContactEvent.all().count(),
    }


async def test_b_sees_nothing_of_a(a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned]) -> None:
    a, b, owned = a_and_b
    query = """query($importId: ID!, $missing: ID!, $email: String!, $listId: ID!) {
      mine: autoImport(id: $importId) { id }  missing: autoImport(id: $missing) { id }
      autoImports { id }  csv: autoImports(serviceId: "csv_feed") { id }
      connections { id }  lists { id }  customFields { id }
      contacts { totalCount edges { node { email } } }
      inList: contacts(listId: $listId) { totalCount }
      contact(email: $email) { id }
      services { id importCount }
      me { contactCount }
    }"""
    variables = {"importId": owned.import_id, "missing": MISSING_ID, "email": owned.email, "listId": owned.list_id}

    seen_by_a = await a.api(query, **variables)
    seen_by_b = await b.api(query, **variables)

    assert seen_by_a["mine"] == {"id": owned.import_id} and seen_by_a["contacts"]["totalCount"] == 3
    assert seen_by_a["inList"]["totalCount"] == 3 and seen_by_a["contact"] is not None
    assert {s["importCount"] for s in seen_by_b.pop("services")} == {0}
    assert seen_by_b == {
        "mine": None, "missing": None, "autoImports": [], "csv": [], "connections": [], "lists": [],
        "customFields": [], "contacts": {"totalCount": 0, "edges": []}, "inList": {"totalCount": 0},
        "contact": None, "me": {"contactCount": 0},
    }


async def test_foreign_and_missing_import_answer_alike_to_every_mutation(
    a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned], queue: RecordingQueue
) -> None:
    _a, b, owned = a_and_b
    mutations = {
        "updateAutoImport": 'updateAutoImport(id: $id, input: {name: "Stolen", criteria: {}, tags: ["x"]})',
        "deleteAutoImport": "deleteAutoImport(id: $id)",
        "pauseAutoImport": "pauseAutoImport(id: $id)",
        "resumeAutoImport": "resumeAutoImport(id: $id)",
        "syncAutoImportNow": "syncAutoImportNow(id: $id)",
    }
    before, jobs_before = await _snapshot(), len(queue.jobs)

    for name, call in mutations.items():
        payload = "deletedId" if name == "deleteAutoImport" else "autoImport { id name }"
        query = f"mutation($id: ID!) {{ {call} {{ {payload} userErrors {{ field code message }} }} }}"
        foreign = (await b.api(query, id=owned.import_id))[name]
        missing = (await b.api(query, id=MISSING_ID))[name]
        assert foreign == missing, name
        assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"], name
        assert foreign.get("autoImport", foreign.get("deletedId")) is None

    assert await _snapshot() == before
    assert len(queue.jobs) == jobs_before


CREATE_IMPORT = """mutation($connectionId: ID!, $listIds: [ID!]) {
  createAutoImport(input: {serviceId: "csv_feed", connectionId: $connectionId, listIds: $listIds}) {
    autoImport { id } userErrors { field code message }
  }
}"""


async def test_b_cannot_import_through_a_connection_or_into_a_list_of_a(
    a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned], queue: RecordingQueue
) -> None:
    _a, b, owned = a_and_b
    b_connection = await connect_feed(b.api)
    before, jobs_before = await _snapshot(), len(queue.jobs)

    with_a_connection = (await b.api(CREATE_IMPORT, connectionId=owned.connection_id))["createAutoImport"]
    with_missing_connection = (await b.api(CREATE_IMPORT, connectionId=MISSING_ID))["createAutoImport"]
    into_a_list = (await b.api(CREATE_IMPORT, connectionId=b_connection, listIds=[owned.list_id]))["createAutoImport"]
    into_missing_list = (
        await b.api(CREATE_IMPORT, connectionId=b_connection, listIds=[MISSING_ID]))["createAutoImport"]

    assert with_a_connection == with_missing_connection
    assert with_a_connection["userErrors"][0]["code"] == "NOT_FOUND" and with_a_connection["autoImport"] is None
    assert into_a_list == into_missing_list
    assert into_a_list["userErrors"] == [{"field": ["listIds"], "code": "NOT_FOUND",
                                          "message": "One of the lists does not exist."}]
    assert await _snapshot() == before
    assert len(queue.jobs) == jobs_before


async def test_b_cannot_move_its_import_into_a_list_of_a(
    a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned], queue: RecordingQueue
) -> None:
    _a, b, owned = a_and_b
    b_import = await create_feed_import(b.api, await connect_feed(b.api))
    before, jobs_before = await _snapshot(), len(queue.jobs)

    query = """mutation($id: ID!, $listIds: [ID!]) {
      updateAutoImport(id: $id, input: {name: "Moved", listIds: $listIds}) {
      autoImport { id } userErrors { code } } }"""
    result = (await b.api(query, id=b_import, listIds=[owned.list_id]))["updateAutoImport"]

    assert result == {"autoImport": None, "userErrors": [{"code": "NOT_FOUND"}]}
    assert await _snapshot() == before  # not even the name changed
    assert len(queue.jobs) == jobs_before


async def test_b_cannot_add_a_contact_to_a_list_of_a(a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned]) -> None:
    _a, b, owned = a_and_b
    before = await _snapshot()

    query = """mutation($listIds: [ID!]) { createContact(input: {email: "new@example.com", listIds: $listIds}) {
      contact { id } userErrors { field code message } } }"""
    foreign = (await b.api(query, listIds=[owned.list_id]))["createContact"]
    missing = (await b.api(query, listIds=[MISSING_ID]))["createContact"]

    assert foreign == missing
    assert foreign["contact"] is None and [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]
    assert await _snapshot() == before


async def test_b_cannot_unsubscribe_a_contact_of_a(a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned]) -> None:
    _a, b, owned = a_and_b
    before = await _snapshot()

    query = "mutation($email: String!) { unsubscribeContact(email: $email) { contact { id } userErrors { code } } }"
    result = (await b.api(query, email=owned.email))["unsubscribeContact"]

    assert result == {"contact": None, "userErrors": [{"code": "NOT_FOUND"}]}
    assert await _snapshot() == before


async def test_same_list_name_and_email_in_two_accounts_do_not_collide(
    a_and_b: tuple[AccountUnderTest, AccountUnderTest, Owned],
) -> None:
    _a, b, owned = a_and_b

    created = await b.api('mutation { createList(input: {name: "Customers"}) { list { id } userErrors { code } } }')
    contact = await b.api(
        'mutation($e: String!) { createContact(input: {email: $e}) { contact { id } userErrors { code } } }',
        e=owned.email.upper(),
    )

    assert created["createList"]["userErrors"] == [] and created["createList"]["list"]["id"] != owned.list_id
    assert contact["createContact"]["userErrors"] == []
    assert await Contact.filter(email_key=owned.email).count() == 2
