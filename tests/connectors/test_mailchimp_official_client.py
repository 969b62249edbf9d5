"""The Mailchimp simulator, driven by `mailchimp-marketing` (Mailchimp's official client, generated
from its API specification) over a real socket, for every call the connector makes and every error
it handles.

The client ships no response models (3.0.80 returns the JSON as dicts), but each of its operations
lists the parameters the specification allows and refuses any other: so every members call the
connector sent is replayed through `lists.get_list_members_info` with exactly its parameters, which
fails on a parameter the API does not have; each answer is checked for the members the
specification documents (counted in `checked`). OAuth (the token exchange and the metadata
endpoint) is outside the client and covered in test_mailchimp.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import mailchimp_marketing
import pytest
from mailchimp_marketing.api_client import ApiClientError

from app.connectors.mailchimp_api import ResponseAction, classify_mailchimp_response
from tests.connectors.contract import EngineLike
from tests.connectors.mailchimp_support import AUDIENCE, MailchimpHarness, make_context
from tests.connectors.official.recording import MembersChecked
from tests.simulators.csv_feed import serve_in_thread
from tests.simulators.mailchimp import API_KEY, MailchimpSimulator

MEMBER_MEMBERS = ("id", "email_address", "status", "merge_fields", "tags", "last_changed")


@pytest.fixture
def served() -> Iterator[tuple[MailchimpSimulator, str, Any]]:
    sim = MailchimpSimulator()
    with serve_in_thread(sim) as base:
        client = mailchimp_marketing.Client()
        client.set_config({"api_key": API_KEY, "server": "us21"})
        client.api_client.host = f"{base}/server/3.0"  # the client puts the data centre for "server"
        yield sim, base, client


@pytest.fixture
async def connector_calls(served: tuple[MailchimpSimulator, str, Any]) -> AsyncIterator[list[dict[str, str]]]:
    """The members calls the connector makes over a whole drain, ties included."""
    sim, base, _ = served
    for n in range(40):
        sim.add_member(f"early{n}@example.com", tags=("vip",) if n % 2 else (), FNAME=f"E{n}")
    sim.seed(1200, same_time=True)
    async with httpx.AsyncClient(base_url=base) as http:
        context = make_context(http)
        context.endpoints = {"mailchimp": f"{base}/{{dc}}/3.0", "mailchimp_login": base}
        driver = EngineLike(MailchimpHarness(sim, context),  # type: ignore[arg-type]
                            criteria={"audience": AUDIENCE, "status": "subscribed"})
        for _ in range(8):
            await driver.sync(300)
    yield sim.member_calls()


def _as_client_arguments(params: dict[str, str]) -> dict[str, Any]:
    arguments: dict[str, Any] = dict(params)
    arguments["fields"] = params["fields"].split(",")
    for number in ("count", "offset"):
        if number in arguments:
            arguments[number] = int(arguments[number])
    return arguments


def test_every_members_call_of_the_connector_is_one_the_client_allows_and_reads(
        served: tuple[MailchimpSimulator, str, Any], connector_calls: list[dict[str, str]]) -> None:
    sim, _, client = served
    checked = MembersChecked()
    assert len(connector_calls) >= 6 and any("before_last_changed" in c for c in connector_calls)

    for params in connector_calls:
        answer = client.lists.get_list_members_info(AUDIENCE, **_as_client_arguments(params))
        checked.has(answer, "members", "total_items")
        for member in answer["members"]:
            checked.has(member, *MEMBER_MEMBERS)

    checked.has(client.root.get_root(), "account_id", "account_name")
    lists = client.lists.get_all_lists(count=1000, fields=["lists.id", "lists.name"])
    for audience in lists["lists"]:
        checked.has(audience, "id", "name")
    merge_fields = client.lists.get_list_merge_fields(AUDIENCE, count=1000,
                                                      fields=["merge_fields.tag", "merge_fields.name"])
    for merge_field in merge_fields["merge_fields"]:
        checked.has(merge_field, "tag", "name")
    segments = client.lists.list_segments(AUDIENCE, type="static", count=1000, fields=["segments.name"])
    for segment in segments["segments"]:
        checked.has(segment, "name")
    print(f"mailchimp-marketing: {len(sim.requests)} requests ({len(connector_calls)} replayed from the "
          f"connector), {checked.fields} fields checked")


def test_the_errors_the_connector_handles_reach_the_client_as_mailchimp_sends_them(
        served: tuple[MailchimpSimulator, str, Any]) -> None:
    sim, _, client = served
    cases = []
    sim.rate_limit_next()
    with pytest.raises(ApiClientError) as limited:
        client.lists.get_list_members_info(AUDIENCE)
    cases.append((limited.value, 429, "Too Many Requests", ResponseAction.RATE_LIMITED))
    with pytest.raises(ApiClientError) as missing:
        client.lists.get_list_members_info("ffffffffff")
    cases.append((missing.value, 404, "Resource Not Found", ResponseAction.REJECT))
    sim.api_keys.clear()
    with pytest.raises(ApiClientError) as refused:
        client.lists.get_list_members_info(AUDIENCE)
    cases.append((refused.value, 401, "API Key Invalid", ResponseAction.REAUTH))

    fields = 0
    for error, status, title, action in cases:
        problem = json.loads(error.text)
        assert error.status_code == status and problem["status"] == status and problem["title"] == title
        assert problem["type"] and problem["detail"]
        fields += 4
        assert classify_mailchimp_response(error.status_code, {}, error.text.encode()) is action
    print(f"mailchimp-marketing errors: {len(sim.requests)} requests, {fields} fields checked")
