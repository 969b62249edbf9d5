"""Control characters from a source or in a GraphQL argument: the same outcome on SQLite and
PostgreSQL (which refuses NUL in text), never a failed sync nor "Unexpected error."."""

from __future__ import annotations

from typing import Any

import pytest

from app.autoimports.models import AutoImport
from app.connections.models import Connection
from app.contacts.models import Contact, ContactList, CustomField
from app.text import clean_text
from tests.conftest import CONNECT, HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import contact, contact_emails, import_state, last_run


def test_clean_text_removes_what_no_field_should_hold_and_keeps_the_rest() -> None:
    assert clean_text("A\x00n\x01n\x7f\x9b\ud800") == "Ann"
    assert clean_text("line one\nline two\tcell\r\n") == "line one\nline two\tcell\r\n"
    assert clean_text("Zoë 東京 🙂") == "Zoë 東京 🙂"


async def test_a_nul_in_csv_cells_and_header_is_removed_and_the_page_arrives(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    header = [*HEADER, "no\x00tes"]
    feed.set_rows(header, [
        ["ann@example.com", "A\x00nn", "Able\x01", "+1555\x00000", "Pro", "x\x00y"],
        ["bob@exa\x00mple.com", "Bob", "Baker", "", "Pro", "ok"],
        ["carl@example.com", "Carl", "Crane", "", "Pro", "fine"],
    ])
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))

    await sync.due()

    state = await import_state(acme.api, import_id)
    assert last_run(state)["outcome"] == "COMPLETED", last_run(state)
    assert sorted(await contact_emails(acme.api)) == ["ann@example.com", "bob@example.com", "carl@example.com"]
    ann = await contact(acme.api, "ann@example.com")
    assert ann is not None and (ann["firstName"], ann["lastName"], ann["phone"]) == ("Ann", "Able", "+1555000")
    assert [(v["field"]["title"], v["value"]) for v in ann["fieldValues"] if v["value"] == "xy"] == [
        ("CSV Feed notes", "xy")]
    assert not any("\x00" in title for title in await CustomField.all().values_list("title", flat=True))
    assert (await AutoImport.get(id=int(import_id))).failure_streak == 0


async def test_a_control_character_in_a_feed_url_is_refused_before_fetching(
    acme: AccountUnderTest, feed: CsvFeedSimulator
) -> None:
    payload = (await acme.api(CONNECT, settings={"url": "http://feed.test/feed.csv\x00"}))["connectService"]

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", ["settings", "url"])]
    assert payload["connection"] is None and feed.requests == []
    assert await Connection.all().count() == 0


CREATE_LIST = """mutation($name: String!) {
  createList(input: {name: $name}) { list { id } userErrors { field code message } } }"""
CREATE_CONTACT = """mutation($email: String!, $firstName: String, $tags: [String!]) {
  createContact(input: {email: $email, firstName: $firstName, tags: $tags}) {
    contact { id } userErrors { field code message } } }"""
UNSUBSCRIBE = """mutation($email: String!) {
  unsubscribeContact(email: $email) { contact { id } userErrors { field code message } } }"""


@pytest.mark.parametrize(
    "query, variables, payload_name, field",
    [
        (CREATE_LIST, {"name": "Cust\x00omers"}, "createList", ["name"]),
        (CREATE_CONTACT, {"email": "ann@example.com", "firstName": "A\x00nn"}, "createContact", ["firstName"]),
        (CREATE_CONTACT, {"email": "ann@example.com", "tags": ["vip", "b\x00ad"]}, "createContact", ["tags"]),
        (CREATE_CONTACT, {"email": "ann\x00@example.com"}, "createContact", ["email"]),
        (UNSUBSCRIBE, {"email": "ann@example.com\x00"}, "unsubscribeContact", ["email"]),
        (CONNECT, {"settings": {"url": "http://feed.test/feed.csv"}, "name": "n\x00"}, "connectService", ["name"]),
    ],
    ids=["list-name", "first-name", "tag", "email", "unsubscribe", "connect-name"],
)
async def test_a_nul_in_a_mutation_argument_is_an_invalid_user_error(
    acme: AccountUnderTest, query: str, variables: dict[str, Any], payload_name: str, field: list[str]
) -> None:
    response = await acme.api.raw(query, variables)

    assert response.status_code == 200
    body = response.json()
    assert not body.get("errors"), body
    payload = body["data"][payload_name]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", field)]
    assert "control character" in payload["userErrors"][0]["message"]
    assert (await ContactList.all().count(), await Contact.all().count(), await Connection.all().count()) == (0, 0, 0)


async def test_a_nul_in_a_literal_argument_is_an_invalid_user_error(acme: AccountUnderTest) -> None:
    query = 'mutation { createList(input: {name: "Cust\\u0000omers"}) { list { id } userErrors { field code } } }'

    payload = (await acme.api(query))["createList"]

    assert payload == {"list": None, "userErrors": [{"field": ["name"], "code": "INVALID"}]}


@pytest.mark.parametrize(
    "query, variables",
    [
        ("query($e: String!) { contact(email: $e) { id } }", {"e": "ann@example.com\x00"}),
        ("query($e: String) { contacts(email: $e) { edges { node { id } } } }", {"e": "\x00"}),
        ("query($t: String) { contacts(tag: $t) { edges { node { id } } } }", {"t": "v\x00ip"}),
        ("query($a: String) { contacts(after: $a) { edges { node { id } } } }", {"a": "\x00"}),
    ],
    ids=["contact", "contacts-email", "contacts-tag", "contacts-after"],
)
async def test_a_nul_in_a_query_argument_is_an_invalid_error_not_an_unexpected_one(
    acme: AccountUnderTest, query: str, variables: dict[str, Any]
) -> None:
    response = await acme.api.raw(query, variables)

    assert response.status_code == 200
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["INVALID"], errors
    assert "control character" in errors[0]["message"] and "Unexpected" not in errors[0]["message"]



async def test_a_nul_in_a_preview_argument_is_an_invalid_user_error_with_no_records(acme: AccountUnderTest) -> None:
    """A payload whose result is a list (previewAutoImport's records) answers it empty, not null."""
    query = """mutation($criteria: JSON) {
      previewAutoImport(input: {serviceId: "csv_feed", connectionId: "1", criteria: $criteria}) {
        records { externalId } userErrors { code field } } }"""
    response = await acme.api.raw(query, {"criteria": {"a": "x\u0000"}})

    body = response.json()
    assert not body.get("errors"), body
    payload = body["data"]["previewAutoImport"]
    assert payload["records"] == []
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID"]
