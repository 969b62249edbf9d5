"""previewAutoImport refuses bad input and reports a failing source as user errors, writing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.autoimports.preview_support import dump_database
from tests.conftest import HEADER, AccountUnderTest, connect_feed, rows
from tests.simulators.csv_feed import CsvFeedSimulator

PREVIEW = """
mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON) {
  previewAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria}) {
    records { externalId } matchedEstimate userErrors { field code message }
  }
}"""


async def _errors(account: AccountUnderTest, **variables: Any) -> list[dict[str, Any]]:
    payload = (await account.api(PREVIEW, **variables))["previewAutoImport"]
    assert payload["records"] == [] and payload["matchedEstimate"] is None
    return payload["userErrors"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("variables", "expected"), [
    ({"serviceId": "nope"}, ("NOT_FOUND", ["serviceId"])),
    ({"connectionId": "abc"}, ("NOT_FOUND", ["connectionId"])),
    ({"connectionId": "999999"}, ("NOT_FOUND", ["connectionId"])),
    ({"serviceId": "shopify"}, ("INVALID", ["connectionId"])),
    ({"criteria": {"column": "plan"}}, ("INVALID", ["criteria", "equals"])),
    ({"criteria": {"colour": "red"}}, ("INVALID", ["criteria", "colour"])),
    ({"criteria": ["not", "an", "object"]}, ("INVALID", ["criteria"])),
], ids=["unknown-service", "bad-id", "unknown-connection", "other-service", "half-a-criterion",
        "unknown-criterion", "criteria-not-an-object"])
async def test_bad_input_is_a_user_error_and_reads_nothing(
    acme: AccountUnderTest, feed: CsvFeedSimulator, variables: dict[str, Any], expected: tuple[str, list[str]]
) -> None:
    feed.set_rows(HEADER, rows(3))
    connection_id = await connect_feed(acme.api)
    requests = len(feed.requests)

    [error] = await _errors(acme, **{"serviceId": "csv_feed", "connectionId": connection_id, **variables})

    assert (error["code"], error["field"]) == expected and error["message"]
    assert len(feed.requests) == requests


async def test_another_accounts_connection_looks_missing(
    acme: AccountUnderTest, make_account: Any, feed: CsvFeedSimulator
) -> None:
    feed.set_rows(HEADER, rows(3))
    globex = await make_account("Globex")
    theirs = await connect_feed(globex.api)

    [error] = await _errors(acme, serviceId="csv_feed", connectionId=theirs)
    [missing] = await _errors(acme, serviceId="csv_feed", connectionId="999999")

    assert error == missing


@pytest.mark.parametrize(("fault", "code", "words"), [
    ({"status": 503, "times": 2}, "SOURCE_ERROR", "could not be read"),
    ({"status": 429, "headers": {"Retry-After": "120"}}, "RATE_LIMITED", "wait about 120 s"),
    ({"status": 200, "body": b"<html>sign in</html>", "headers": {"Content-Type": "text/html"}},
     "SOURCE_ERROR", "web page"),
], ids=["unavailable", "rate-limited", "not-a-csv"])
async def test_a_failing_source_is_a_clear_user_error_and_writes_nothing(
    acme: AccountUnderTest, feed: CsvFeedSimulator, fault: dict[str, Any], code: str, words: str
) -> None:
    feed.set_rows(HEADER, rows(3))
    connection_id = await connect_feed(acme.api)
    before = await dump_database()
    feed.fail_next(**fault)

    [error] = await _errors(acme, serviceId="csv_feed", connectionId=connection_id)

    assert (error["code"], error["field"]) == (code, ["connectionId"])
    assert words in error["message"] and error["message"].startswith("CSV Feed")
    assert await dump_database() == before
