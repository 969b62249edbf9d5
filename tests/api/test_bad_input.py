"""Bad input is answered with `userErrors` (never a 500, never a masked error) and writes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.autoimports.models import AutoImport, AutoImportList
from app.connections.models import Connection, ExternalAccount
from app.contacts.models import Contact, ContactEvent, ContactList, ContactTag, ListMembership
from tests.conftest import CONNECT, AccountUnderTest, RecordingQueue, connect_feed
from tests.simulators.csv_feed import CsvFeedSimulator

MODELS = (Connection, ExternalAccount, AutoImport, AutoImportList, ContactList, Contact, ContactTag, ListMembership,
          ContactEvent)


async def _row_counts() -> dict[str, int]:
    return {model.__name__: await model.all().count() for model in MODELS}


def _codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


# --- connectService ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "given, field",
    [
        ("http://feed.test/feed.csv", ["settings"]),
        (["http://feed.test/feed.csv"], ["settings"]),
        (42, ["settings"]),
        ({}, ["settings", "url"]),
        ({"url": ""}, ["settings", "url"]),
        ({"url": 7}, ["settings", "url"]),
        ({"url": "ftp://feed.test/feed.csv"}, ["settings", "url"]),
        ({"url": "feed.test/feed.csv"}, ["settings", "url"]),
        ({"url": "http:///feed.csv"}, ["settings", "url"]),
    ],
    ids=["string", "list", "number", "no-url", "empty-url", "url-not-text", "ftp", "no-scheme", "no-host"],
)
async def test_connect_service_refuses_unusable_settings(
    acme: AccountUnderTest, feed: CsvFeedSimulator, given: Any, field: list[str]
) -> None:
    before = await _row_counts()

    payload = (await acme.api(CONNECT, settings=given))["connectService"]

    assert payload["connection"] is None
    assert _codes(payload) == [("INVALID", field)]
    assert await _row_counts() == before
    assert feed.requests == []  # refused before anything was fetched


async def test_connect_service_refuses_a_file_without_an_email_column(
    acme: AccountUnderTest, feed: CsvFeedSimulator
) -> None:
    feed.set_rows(["name", "phone"], [["Ann", "+1555"]])
    before = await _row_counts()

    payload = (await acme.api(CONNECT, settings={"url": "http://feed.test/feed.csv"}))["connectService"]

    assert payload["connection"] is None
    assert _codes(payload) == [("INVALID", ["settings", "url"])]
    assert "email" in payload["userErrors"][0]["message"].lower()
    assert len(feed.requests) == 1
    assert await _row_counts() == before


async def test_connect_service_refuses_an_unknown_service(acme: AccountUnderTest) -> None:
    query = """mutation { connectService(input: {serviceId: "myspace", settings: {}}) {
      connection { id } userErrors { field code message } } }"""

    payload = (await acme.api(query))["connectService"]

    assert _codes(payload) == [("NOT_FOUND", ["serviceId"])]
    assert await Connection.all().count() == 0


async def test_connect_service_refuses_a_failing_source(acme: AccountUnderTest, feed: CsvFeedSimulator) -> None:
    feed.fail_next(404, times=5)

    payload = (await acme.api(CONNECT, settings={"url": "http://feed.test/feed.csv"}))["connectService"]

    assert _codes(payload) == [("INVALID", ["settings", "url"])] and "404" in payload["userErrors"][0]["message"]
    assert await Connection.all().count() == 0


# --- createAutoImport --------------------------------------------------------------------------

CREATE = """mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON, $listIds: [ID!], $name: String,
                     $tags: [String!]) {
  createAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria, listIds: $listIds,
                           name: $name, tags: $tags}) {
    autoImport { id } userErrors { field code message }
  }
}"""


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"serviceId": "shopify_unknown"}, ("NOT_FOUND", ["serviceId"])),
        ({"connectionId": "abc"}, ("NOT_FOUND", ["connectionId"])),
        ({"connectionId": "-1"}, ("NOT_FOUND", ["connectionId"])),
        ({"connectionId": "0"}, ("NOT_FOUND", ["connectionId"])),
        ({"connectionId": "99999999999"}, ("NOT_FOUND", ["connectionId"])),
        ({"connectionId": "2147483000"}, ("NOT_FOUND", ["connectionId"])),
        ({"criteria": {"column": 5}}, ("INVALID", ["criteria", "column"])),
        ({"criteria": {"column": "Plan", "equals": "Pro", "colour": "red"}}, ("INVALID", ["criteria", "colour"])),
        ({"criteria": {"column": "Plan"}}, ("INVALID", ["criteria", "equals"])),
        ({"criteria": "column=Plan"}, ("INVALID", ["criteria"])),
        ({"criteria": [1, 2]}, ("INVALID", ["criteria"])),
        ({"listIds": ["2147483000"]}, ("NOT_FOUND", ["listIds"])),
        ({"listIds": ["abc"]}, ("NOT_FOUND", ["listIds"])),
        ({"listIds": ["-1"]}, ("NOT_FOUND", ["listIds"])),
        ({"listIds": ["99999999999"]}, ("NOT_FOUND", ["listIds"])),
        ({"name": "n" * 201}, ("INVALID", ["name"])),
        ({"tags": ["  "]}, ("INVALID", ["tags"])),
        ({"tags": ["t" * 201]}, ("INVALID", ["tags"])),
    ],
    ids=["unknown-service", "id-abc", "id-negative", "id-zero", "id-too-big", "id-missing", "criterion-not-text",
         "unknown-criterion", "half-criteria", "criteria-string", "criteria-list", "unknown-list", "list-abc",
         "list-negative", "list-too-big", "long-name", "blank-tag", "long-tag"],
)
async def test_create_auto_import_refuses_bad_input(
    acme: AccountUnderTest, feed: CsvFeedSimulator, queue: RecordingQueue, change: dict[str, Any],
    expected: tuple[str, list[str]],
) -> None:
    connection_id = await connect_feed(acme.api)
    before = await _row_counts()

    payload = (await acme.api(CREATE, **{"serviceId": "csv_feed", "connectionId": connection_id, **change}))
    payload = payload["createAutoImport"]

    assert payload["autoImport"] is None
    assert _codes(payload) == [expected]
    assert await _row_counts() == before
    assert queue.jobs == []


async def test_create_auto_import_refuses_a_connection_to_another_service(
    acme: AccountUnderTest, queue: RecordingQueue
) -> None:
    external = await ExternalAccount.create(account_id=acme.account.id, service_id="other_service", name="shop")
    other = await Connection.create(account_id=acme.account.id, external_account=external, service_id="other_service",
                                    name="Shop", settings_encrypted="")
    before = await _row_counts()

    payload = (await acme.api(CREATE, serviceId="csv_feed", connectionId=str(other.id)))["createAutoImport"]

    assert _codes(payload) == [("INVALID", ["connectionId"])]
    assert "other_service" in payload["userErrors"][0]["message"]
    assert await _row_counts() == before and queue.jobs == []


async def test_criteria_are_stored_normalised(acme: AccountUnderTest) -> None:
    connection_id = await connect_feed(acme.api)

    payload = (await acme.api(CREATE, serviceId="csv_feed", connectionId=connection_id,
                              criteria={"column": "  Plan ", "equals": " Pro  "}))["createAutoImport"]

    assert payload["userErrors"] == []
    shown = await acme.api("query($id: ID!) { autoImport(id: $id) { criteria } }", id=payload["autoImport"]["id"])
    assert shown["autoImport"]["criteria"] == {"column": "Plan", "equals": "Pro"}


# --- lists and contacts ------------------------------------------------------------------------

CREATE_LIST = """mutation($name: String!) {
  createList(input: {name: $name}) { list { id name } userErrors { field code message } }
}"""
CREATE_CONTACT = """mutation($email: String!, $firstName: String, $phone: String, $tags: [String!]) {
  createContact(input: {email: $email, firstName: $firstName, phone: $phone, tags: $tags}) {
    contact { id email } userErrors { field code message }
  }
}"""


async def test_create_list_duplicate_is_a_conflict(acme: AccountUnderTest) -> None:
    await acme.api(CREATE_LIST, name="Customers")

    duplicate = (await acme.api(CREATE_LIST, name="  Customers "))["createList"]
    blank = (await acme.api(CREATE_LIST, name="   "))["createList"]

    assert duplicate["list"] is None and _codes(duplicate) == [("CONFLICT", ["name"])]
    assert _codes(blank) == [("INVALID", ["name"])]
    assert await ContactList.all().count() == 1


async def test_concurrent_duplicate_lists_are_a_conflict_not_an_error(acme: AccountUnderTest) -> None:
    responses = await asyncio.gather(*[acme.api.raw(CREATE_LIST, {"name": "Twice"}) for _ in range(4)])

    payloads = [r.json()["data"]["createList"] for r in responses]
    assert sorted(len(p["userErrors"]) for p in payloads) == [0, 1, 1, 1]
    assert all(_codes(p) == [("CONFLICT", ["name"])] for p in payloads if p["userErrors"])
    assert await ContactList.all().count() == 1


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@example.com", "", "   ", "a b@example.com"])
async def test_create_contact_with_an_invalid_email_is_invalid(acme: AccountUnderTest, email: str) -> None:
    payload = (await acme.api(CREATE_CONTACT, email=email))["createContact"]

    assert payload["contact"] is None and _codes(payload) == [("INVALID", ["email"])]
    assert await Contact.all().count() == 0 and await ContactEvent.all().count() == 0


@pytest.mark.parametrize(
    "fields, field", [({"firstName": "f" * 201}, "firstName"), ({"phone": "1" * 101}, "phone"),
                      ({"tags": ["ok", ""]}, "tags")],
)
async def test_create_contact_with_an_overlong_or_blank_value_is_invalid(
    acme: AccountUnderTest, fields: dict[str, Any], field: str
) -> None:
    payload = (await acme.api(CREATE_CONTACT, email="ann@example.com", **fields))["createContact"]

    assert _codes(payload) == [("INVALID", [field])]
    assert await _row_counts() == {m.__name__: 0 for m in MODELS}


async def test_create_contact_duplicate_in_another_case_is_a_conflict(acme: AccountUnderTest) -> None:
    created = (await acme.api(CREATE_CONTACT, email="Ann@Example.com"))["createContact"]
    before = await _row_counts()

    duplicate = (await acme.api(CREATE_CONTACT, email="  aNN@example.COM "))["createContact"]

    assert created["userErrors"] == []
    assert duplicate["contact"] is None and _codes(duplicate) == [("CONFLICT", ["email"])]
    assert await _row_counts() == before


async def test_concurrent_duplicate_contacts_are_a_conflict_not_an_error(acme: AccountUnderTest) -> None:
    responses = await asyncio.gather(*[acme.api.raw(CREATE_CONTACT, {"email": "twin@example.com"}) for _ in range(4)])

    payloads = [r.json()["data"]["createContact"] for r in responses]
    assert sorted(len(p["userErrors"]) for p in payloads) == [0, 1, 1, 1]
    assert await Contact.all().count() == 1 and await ContactEvent.all().count() == 1


async def test_create_contact_at_the_limit_is_invalid_naming_the_limit(make_account: Any) -> None:
    small = await make_account("Small", contact_limit=2)
    for email in ("a@example.com", "b@example.com"):
        assert (await small.api(CREATE_CONTACT, email=email))["createContact"]["userErrors"] == []
    before = await _row_counts()

    payload = (await small.api(CREATE_CONTACT, email="c@example.com"))["createContact"]

    assert payload["contact"] is None and _codes(payload) == [("INVALID", ["email"])]
    assert "2" in payload["userErrors"][0]["message"] and "limit" in payload["userErrors"][0]["message"]
    assert await _row_counts() == before
