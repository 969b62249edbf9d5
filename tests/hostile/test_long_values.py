"""Over-long values: user errors (or null for a query), and never echoed or logged unbounded."""

from __future__ import annotations

import logging

import pytest

from app.contacts.models import ContactList
from tests.conftest import CONNECT, AccountUnderTest
from tests.simulators.csv_feed import CsvFeedSimulator

LONG_EMAIL = "a" * 400 + "@example.com"
HUGE = 200_000


async def test_contact_by_an_email_over_320_characters_is_null(acme: AccountUnderTest) -> None:
    data = await acme.api("query($e: String!) { contact(email: $e) { id } }", e=LONG_EMAIL)

    assert data == {"contact": None}


@pytest.mark.parametrize("argument", ["email", "tag"])
async def test_contacts_filtered_by_an_over_long_value_is_an_empty_page(acme: AccountUnderTest, argument: str) -> None:
    data = await acme.api(f"query($v: String) {{ contacts({argument}: $v) {{ edges {{ node {{ id }} }} }} }}",
                          v="x" * 5000)

    assert data["contacts"]["edges"] == []


async def test_unsubscribing_an_email_over_320_characters_is_not_found(acme: AccountUnderTest) -> None:
    query = "mutation($e: String!) { unsubscribeContact(email: $e) { contact { id } userErrors { field code } } }"

    payload = (await acme.api(query, e=LONG_EMAIL))["unsubscribeContact"]

    assert payload == {"contact": None, "userErrors": [{"field": ["email"], "code": "NOT_FOUND"}]}


async def test_create_contact_does_not_repeat_a_huge_email(acme: AccountUnderTest) -> None:
    query = "mutation($e: String!) { createContact(input: {email: $e}) { contact { id } userErrors { code message } } }"

    payload = (await acme.api(query, e="b" * HUGE + "@"))["createContact"]

    [error] = payload["userErrors"]
    assert error["code"] == "INVALID" and "is not a valid email address" in error["message"]
    assert len(error["message"]) < 300


async def test_a_header_without_email_is_named_in_a_bounded_message(
    acme: AccountUnderTest, feed: CsvFeedSimulator
) -> None:
    feed.set_rows([f"column number {n}" for n in range(20_000)], [["x"] * 20_000])

    payload = (await acme.api(CONNECT, settings={"url": "http://feed.test/feed.csv"}))["connectService"]

    [error] = payload["userErrors"]
    assert "no email column" in error["message"] and "'column number 0'" in error["message"]
    assert len(error["message"]) < 1000


async def test_a_huge_invalid_value_is_neither_echoed_nor_logged_whole(
    acme: AccountUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    query = "mutation($i: CreateListInput!) { createList(input: $i) { list { id } } }"

    response = await acme.api.raw(query, {"i": {"nmae": "y" * HUGE}})

    errors = response.json()["errors"]
    assert errors and all(len(e["message"]) < 1000 for e in errors), [len(e["message"]) for e in errors]
    logged = sum(len(r.getMessage()) + len(r.exc_text or "") for r in caplog.records)
    assert logged < 20_000, logged
    assert await ContactList.all().count() == 0


async def test_a_long_argument_that_reaches_the_database_is_logged_bounded(
    acme: AccountUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # Tortoise logs each statement with its values at DEBUG

    data = await acme.api("query($e: String) { contacts(email: $e) { edges { node { id } } } }", e="z" * HUGE)

    assert data["contacts"]["edges"] == []
    longest = max(len(r.getMessage()) for r in caplog.records)
    assert longest <= 2100, longest
