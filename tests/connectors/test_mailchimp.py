"""Mailchimp: API key with its data centre or OAuth with the metadata endpoint, the `last_changed`
watermark with ties neither skipped nor looped (whether `since_last_changed` is inclusive or not),
merge fields as custom fields, statuses kept, archived members skipped, tags, the connection limit,
choices, and the classifier."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.http import SourceResponse
from app.connectors.mailchimp import MailchimpConnector
from app.connectors.mailchimp_api import ResponseAction, classify_mailchimp_response, mailchimp_verdict
from app.errors import Invalid, NeedsReauth, RateLimited, SourceRejected
from tests.connectors.contract import EngineLike, emails
from tests.connectors.mailchimp_support import AUDIENCE, KEY_SETTINGS, MailchimpHarness, make_client, make_context
from tests.simulators.mailchimp import ACCOUNT_ID, API_KEY, MailchimpSimulator

REDIRECT_URI = "http://api.test/oauth/mailchimp/callback"


@pytest.fixture(params=[False, True], ids=["since-exclusive", "since-inclusive"])
def sim(request: pytest.FixtureRequest) -> MailchimpSimulator:
    return MailchimpSimulator(since_inclusive=request.param)


@pytest.fixture
async def http(sim: MailchimpSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(sim) as client:
        yield client


@pytest.fixture
def context(http: httpx.AsyncClient) -> SourceContext:
    return make_context(http)


def engine(sim: MailchimpSimulator, context: SourceContext, **criteria: Any) -> EngineLike:
    return EngineLike(MailchimpHarness(sim, context), criteria={"audience": AUDIENCE, **criteria})  # type: ignore[arg-type]


async def test_an_api_key_connects_to_its_data_centre(sim: MailchimpSimulator, context: SourceContext) -> None:
    connected = await MailchimpConnector().connect({"api_key": f" {API_KEY} "}, context)
    assert connected.external_account == f"Mailchimp account {ACCOUNT_ID}"
    assert connected.settings == KEY_SETTINGS
    assert sim.requests[0][1] == "/us21/3.0/"


@pytest.mark.parametrize("key, message", [("0123456789abcdef", "data centre"), ("0123-us21x9", "data centre"),
                                          ("ffffffffffffffffffffffffffffffff-us21", "refused"),
                                          ("0123456789abcdef0123456789abcdef-us9", "refused")])
async def test_a_key_without_its_data_centre_or_refused_is_invalid(context: SourceContext, key: str,
                                                                   message: str) -> None:
    with pytest.raises(Invalid, match=message) as refused:
        await MailchimpConnector().connect({"api_key": key}, context)
    assert refused.value.field == ["settings", "api_key"] and key not in refused.value.message


async def test_the_consent_gives_a_token_whose_data_centre_comes_from_the_metadata(
        sim: MailchimpSimulator, http: httpx.AsyncClient, context: SourceContext) -> None:
    connector = MailchimpConnector()
    url = connector.authorize_url(context, REDIRECT_URI, "state-1")
    assert url.startswith("http://mailchimp.test/oauth2/authorize?")
    redirect = await http.get(url)
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]

    tokens = await connector.exchange_code(code, REDIRECT_URI, context)
    connected = await connector.connect(tokens, context)

    assert set(tokens) == {"access_token"}  # Mailchimp's tokens neither expire nor refresh
    assert connected.external_account == f"Mailchimp account {ACCOUNT_ID}"  # as with the API key
    assert connected.settings["dc"] == "us21" and "api_key" not in connected.settings
    sim.add_member("ann@example.com")
    driver = engine(sim, context)
    driver.harness.settings = connected.settings
    assert emails(await driver.sync(10)) == ["ann@example.com"]
    assert sim.requests[-1][1] == "/us21/3.0/lists/a1b2c3d4e5/members"


async def test_2500_members_sharing_one_timestamp_arrive_once_each(sim: MailchimpSimulator,
                                                                   context: SourceContext) -> None:
    for n in range(5):
        sim.add_member(f"early{n}@example.com")
    sim.seed(2500, same_time=True)
    sim.add_member("after@example.com")
    driver = engine(sim, context)

    taken = [await driver.sync(300) for _ in range(12)]

    everything = [e for sync in taken for e in emails(sync)]
    assert len(everything) == len(set(everything)) == 2506
    assert [len(s) for s in taken][-2:] == [0, 0]
    calls = len(sim.member_calls())
    last = await driver.fetch(300)
    assert not last.records and not last.has_more and len(sim.member_calls()) - calls <= 2
    assert any("before_last_changed" in call for call in sim.member_calls())


async def test_merge_fields_are_custom_fields_named_by_the_audience(sim: MailchimpSimulator,
                                                                    context: SourceContext) -> None:
    sim.audiences[AUDIENCE].merge_fields.append(("COMPANY", "Company", "text"))
    sim.add_member("ann@example.com", tags=("vip", "webinar"), FNAME="Ann", LNAME="Lee", PHONE="+1 555 0100",
                   COMPANY="Acme", BIRTHDAY="04/17", ADDRESS={"addr1": "1 Main St", "addr2": "", "city": "Rome",
                                                               "state": "", "zip": "00100", "country": "IT"})

    [record] = await engine(sim, context).sync(10)

    assert (record.first_name, record.last_name, record.phone) == ("Ann", "Lee", "+1 555 0100")
    assert record.fields == {"company": "Acme", "birthday": "04/17", "address": "1 Main St, Rome, 00100, IT",
                             "tags": "vip, webinar", "status": "subscribed"}
    assert record.field_labels["company"] == "Company" and record.field_labels["tags"] == "Tags"


async def test_unsubscribed_and_cleaned_stay_so_and_archived_members_are_skipped(
        sim: MailchimpSimulator, context: SourceContext) -> None:
    for status in ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived"):
        sim.add_member(f"{status}@example.com", status=status)

    records = await engine(sim, context).sync(10)

    assert {r.email: r.unsubscribed for r in records} == {
        "subscribed@example.com": False, "unsubscribed@example.com": True, "cleaned@example.com": True,
        "pending@example.com": False, "transactional@example.com": False}


async def test_status_is_asked_of_mailchimp_and_tags_are_matched(sim: MailchimpSimulator,
                                                                 context: SourceContext) -> None:
    sim.add_member("vip@example.com", tags=("VIP",))
    sim.add_member("plain@example.com")
    sim.add_member("gone-vip@example.com", status="unsubscribed", tags=("vip",))

    vips = await engine(sim, context, tag="vip").sync(10)
    subscribed_vips = await engine(sim, context, tag="vip", status="subscribed").sync(10)

    assert emails(vips) == ["vip@example.com", "gone-vip@example.com"]
    assert emails(subscribed_vips) == ["vip@example.com"]
    assert sim.member_calls()[-1]["status"] == "subscribed"


async def test_the_connection_limit_is_a_short_rate_limit_and_a_fetch_holds_one_connection(
        sim: MailchimpSimulator, context: SourceContext, http: httpx.AsyncClient) -> None:
    sim.seed(1500)
    assert len(await engine(sim, context).sync(1500)) == 1500
    assert sim.peak_in_flight == 1

    release = sim.hold_requests()
    auth = {"Authorization": "Basic " + __import__("base64").b64encode(f"x:{API_KEY}".encode()).decode()}
    held = [asyncio.create_task(http.get("/us21/3.0/lists", headers=auth)) for _ in range(10)]
    await asyncio.sleep(0.05)
    try:
        with pytest.raises(RateLimited) as limited:
            await engine(sim, context).sync(10)
    finally:
        release.set()
        await asyncio.gather(*held)
    assert limited.value.retry_after == 10
    assert "Too Many Requests" in str(limited.value)


async def test_a_deleted_audience_is_refused_and_a_disabled_key_needs_reauthorisation(
        sim: MailchimpSimulator, context: SourceContext) -> None:
    sim.seed(3)
    with pytest.raises(SourceRejected, match="Resource Not Found"):
        await EngineLike(MailchimpHarness(sim, context), criteria={"audience": "ffffffffff"}).sync(10)  # type: ignore[arg-type]
    sim.api_keys.clear()
    with pytest.raises(NeedsReauth, match="API Key Invalid"):
        await engine(sim, context).sync(10)


async def test_choices_are_the_accounts_audiences_tags_and_statuses(sim: MailchimpSimulator,
                                                                    context: SourceContext) -> None:
    sim.add_audience("f6e5d4c3b2", "Customers")
    sim.add_member("ann@example.com", tags=("vip",))
    sim.add_member("bob@example.com", audience="f6e5d4c3b2", tags=("vip", "shop"))
    connector = MailchimpConnector()

    async def discard(new: dict[str, Any]) -> None:
        return None
    audiences = await connector.criterion_choices("audience", dict(KEY_SETTINGS), context, discard)
    tags = await connector.criterion_choices("tag", dict(KEY_SETTINGS), context, discard)
    statuses = await connector.criterion_choices("status", dict(KEY_SETTINGS), context, discard)

    assert [(c.value, c.label) for c in audiences] == [(AUDIENCE, "Newsletter"), ("f6e5d4c3b2", "Customers")]
    assert [(c.value, c.label) for c in tags] == [("vip", "vip (Newsletter)"), ("shop", "shop (Customers)")]
    assert [c.value for c in statuses] == ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"]
    for choice in audiences:
        assert connector.validate_criteria({"audience": choice.value, "tag": tags[0].value})


@pytest.mark.parametrize("status, body, action", [
    (200, b'{"members": []}', ResponseAction.OK),
    (200, b'{"members": [{"id": "', ResponseAction.RETRY),
    (401, b'{"title": "API Key Invalid", "status": 401}', ResponseAction.REAUTH),
    (403, b'{"title": "User Disabled", "status": 403}', ResponseAction.REAUTH),
    (429, b'{"title": "Too Many Requests", "status": 429}', ResponseAction.RATE_LIMITED),
    (404, b'{"title": "Resource Not Found", "status": 404}', ResponseAction.REJECT),
    (400, b'{"title": "Invalid Resource", "status": 400}', ResponseAction.REJECT),
    (500, b"<html>oops</html>", ResponseAction.RETRY),
    (503, b"", ResponseAction.RETRY),
])
def test_the_classifier_reads_the_status_and_the_body(status: int, body: bytes, action: ResponseAction) -> None:
    assert classify_mailchimp_response(status, {}, body) is action


@pytest.mark.parametrize("status, body, headers, message, wait", [
    (404, b'{"title": "Resource Not Found", "status": 404}', {},
     "Mailchimp refused the request (HTTP 404 Resource Not Found from https://us21.api.mailchimp.com/3.0/lists).",
     None),
    (401, b"", {}, "Mailchimp refused the credentials (HTTP 401 from https://us21.api.mailchimp.com/3.0/lists); "
     "reconnect the account.", None),
    (429, b'{"title": "Too Many Requests"}', {"Retry-After": "30"},
     "Mailchimp asked us to slow down (HTTP 429 Too Many Requests from https://us21.api.mailchimp.com/3.0/lists).",
     30.0),
    (429, b"", {}, "Mailchimp asked us to slow down (HTTP 429 from https://us21.api.mailchimp.com/3.0/lists).", 10.0),
])
def test_the_verdict_words_the_answer_and_waits_what_mailchimp_asks(
        status: int, body: bytes, headers: dict[str, str], message: str, wait: float | None) -> None:
    answer = SourceResponse(status, httpx.Headers(headers), body, url="https://us21.api.mailchimp.com/3.0/lists")
    verdict = mailchimp_verdict(answer)
    assert (verdict.message, verdict.retry_after) == (message, wait)
