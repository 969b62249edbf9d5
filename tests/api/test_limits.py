"""Query limits (depth, aliases, tokens, page size) and error masking: refused clearly, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from tortoise import connections

from app.contacts.models import Contact
from tests.api.conftest import error_messages
from tests.conftest import AccountUnderTest, connect_feed, create_feed_import


async def _errors(acme: AccountUnderTest, query: str, **variables: Any) -> list[str]:
    response = await acme.api.raw(query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("data") in (None, {}) or all(v is None for v in body["data"].values()), body
    return error_messages(body)


def _nested(depth: int) -> str:
    """`autoImports { connection { autoImports { connection { ... } } } }`, `depth` levels deep."""
    fields = ["autoImports", "connection"]
    opening = " { ".join(fields[i % 2] for i in range(depth))
    return "{ " + opening + " { id }" + " }" * depth


async def test_depth_10_is_served_and_depth_11_refused(acme: AccountUnderTest) -> None:
    await create_feed_import(acme.api, await connect_feed(acme.api))
    # the innermost `id` is one level below the last nested field
    assert "autoImports" in await acme.api(_nested(9))

    messages = await _errors(acme, _nested(11))

    assert any("exceeds maximum operation depth" in m for m in messages), messages


async def test_more_than_30_aliases_refused(acme: AccountUnderTest) -> None:
    thirty = " ".join(f"a{i}: me {{ id }}" for i in range(30))
    assert len(await acme.api("{ " + thirty + " }")) == 30

    messages = await _errors(acme, "{ " + thirty + " a30: me { id } }")

    assert any("aliases" in m.lower() for m in messages), messages


async def test_a_huge_query_is_refused_by_the_token_limit(acme: AccountUnderTest) -> None:
    # a flat query (depth 2, no aliases) that only the token limit can catch
    huge = "{ me { " + " ".join(["id"] * 2500) + " } }"

    messages = await _errors(acme, huge)

    assert any("token" in m.lower() for m in messages), messages


async def _add_contacts(account_id: int, count: int) -> None:
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    await Contact.bulk_create([
        Contact(account_id=account_id, email=f"p{n}@example.com", email_key=f"p{n}@example.com", created_at=now,
                updated_at=now)
        for n in range(count)
    ])


PAGE = """query($first: Int, $after: String) {
  contacts(first: $first, after: $after) {
    edges { cursor node { email } } pageInfo { hasNextPage endCursor } totalCount
  }
}"""


async def test_contacts_page_is_capped_at_200(acme: AccountUnderTest) -> None:
    await _add_contacts(acme.account.id, 205)

    page = (await acme.api(PAGE, first=10000))["contacts"]

    assert len(page["edges"]) == 200 and page["totalCount"] == 205 and page["pageInfo"]["hasNextPage"]
    rest = (await acme.api(PAGE, first=10000, after=page["pageInfo"]["endCursor"]))["contacts"]
    assert [e["node"]["email"] for e in rest["edges"]] == [f"p{n}@example.com" for n in range(200, 205)]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_default_page_is_50_when_first_is_omitted_or_null(acme: AccountUnderTest) -> None:
    await _add_contacts(acme.account.id, 60)

    omitted = (await acme.api("{ contacts { edges { node { email } } pageInfo { hasNextPage } } }"))["contacts"]
    null = (await acme.api(PAGE, first=None))["contacts"]

    assert len(omitted["edges"]) == 50 and omitted["pageInfo"]["hasNextPage"]
    assert len(null["edges"]) == 50


async def test_negative_first_is_a_clear_error(acme: AccountUnderTest) -> None:
    messages = await _errors(acme, PAGE, first=-1)

    assert messages == ["`first` cannot be negative."]


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "!!!", "Y29udGFjdDphYmM=", "AAAA", "Y29udGFjdDo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "Y29udGFjdDotNQ=="],
    ids=["word", "not-base64", "contact:abc", "binary", "contact:huge", "contact:-5"],
)
async def test_a_garbage_cursor_is_a_clear_error(acme: AccountUnderTest, cursor: str) -> None:
    await _add_contacts(acme.account.id, 3)

    messages = await _errors(acme, PAGE, first=5, after=cursor)

    assert messages == ["The cursor is not one this API gave."]


async def test_an_unexpected_exception_is_masked_and_logged(
    acme: AccountUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    """A row the code cannot read (a status no enum knows), written straight into the database."""
    await _add_contacts(acme.account.id, 1)
    await connections.get("default").execute_query(
        f'UPDATE "contact" SET "status" = \'GONE_WEIRD\' WHERE "account_id" = {int(acme.account.id)}'
    )

    with caplog.at_level(logging.ERROR, logger="app.graphql"):
        response = await acme.api.raw("{ contacts { edges { node { email status } } } }")

    assert response.status_code == 200
    body = response.json()
    assert error_messages(body) == ["Unexpected error."]
    assert "GONE_WEIRD" not in response.text and "Traceback" not in response.text
    assert any(r.name == "app.graphql" and r.exc_info for r in caplog.records)
