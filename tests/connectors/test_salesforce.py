"""Salesforce: the consent keeps `instance_url`, connect names the org and pins the API version,
the `(SystemModstamp, Id)` keyset through `nextRecordsUrl`, expired locators, sessions ended early,
the API request limit, opted-out people, leads, list views, choices, revocation, and the classifier."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.http import SourceResponse
from app.connectors.salesforce import SalesforceConnector
from app.connectors.salesforce_api import ResponseAction, classify_salesforce_response, salesforce_verdict
from app.errors import Invalid, NeedsReauth, RateLimited, SourceRejected
from tests.connectors.contract import EngineLike, emails
from tests.connectors.salesforce_support import (
    REDIRECT_URI,
    SalesforceHarness,
    connection_settings,
    make_client,
    make_context,
)
from tests.simulators.salesforce import ORG_ID, USER_ID, SalesforceSimulator


@pytest.fixture
def sim() -> SalesforceSimulator:
    return SalesforceSimulator()


@pytest.fixture
async def http(sim: SalesforceSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(sim) as client:
        yield client


@pytest.fixture
def context(http: httpx.AsyncClient) -> SourceContext:
    return make_context(http)


def engine(sim: SalesforceSimulator, context: SourceContext, criteria: dict[str, Any] | None = None) -> EngineLike:
    return EngineLike(SalesforceHarness(sim, context), criteria=criteria or {})  # type: ignore[arg-type]


def queries(sim: SalesforceSimulator) -> list[str]:
    return [params["q"] for _, path, params in sim.requests if path.endswith("/query")]


async def test_the_consent_keeps_instance_url_and_connect_names_the_org_and_pins_the_version(
        sim: SalesforceSimulator, http: httpx.AsyncClient, context: SourceContext) -> None:
    connector = SalesforceConnector()
    url = connector.authorize_url(context, REDIRECT_URI, "state-1")
    assert url.startswith("http://salesforce.test/services/oauth2/authorize?")
    assert parse_qs(urlsplit(url).query)["scope"] == ["api refresh_token"]
    redirect = await http.get(url)
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]

    tokens = await connector.exchange_code(code, REDIRECT_URI, context)
    connected = await connector.connect(tokens, context)

    assert tokens["instance_url"] == "http://salesforce.test" and tokens["id"].endswith(f"/id/{ORG_ID}/{USER_ID}")
    assert connected.external_account == f"Salesforce org {ORG_ID}"
    assert connected.settings["api_version"] == "68.0"
    assert (connected.settings["org_id"], connected.settings["user_id"]) == (ORG_ID, USER_ID)


async def test_an_org_without_the_default_version_gets_its_newest(sim: SalesforceSimulator,
                                                                  context: SourceContext) -> None:
    sim.versions = ("63.0", "64.0", "65.0")
    settings = connection_settings(sim)
    connected = await SalesforceConnector().connect(settings, context)
    assert connected.settings["api_version"] == "65.0"
    assert any(path == "/services/data/v65.0/query" for _, path, _ in sim.requests)


@pytest.mark.parametrize("missing", ["instance_url", "id", "refresh_token"])
async def test_a_token_set_without_where_the_org_lives_is_invalid(sim: SalesforceSimulator, context: SourceContext,
                                                                  missing: str) -> None:
    settings = connection_settings(sim)
    del settings[missing]
    with pytest.raises(Invalid, match="sign-in page"):
        await SalesforceConnector().connect(settings, context)
    assert not sim.requests


async def test_450_records_sharing_one_modstamp_arrive_once_each_100_at_a_time(
        sim: SalesforceSimulator, context: SourceContext) -> None:
    sim.seed(450, same_stamp=True)
    driver = engine(sim, context)

    syncs = [await driver.sync(100) for _ in range(6)]

    assert [len(s) for s in syncs] == [100, 100, 100, 100, 50, 0]
    everything = [e for s in syncs for e in emails(s)]
    assert len(everything) == len(set(everything)) == 450
    assert "ORDER BY SystemModstamp ASC, Id ASC LIMIT 101" in queries(sim)[0]
    assert "SystemModstamp = " in queries(sim)[1] and "Id > '" in queries(sim)[1]


async def test_a_page_follows_next_records_url_through_smaller_batches(sim: SalesforceSimulator,
                                                                        context: SourceContext) -> None:
    sim.batch_size = 200
    sim.seed(700)

    page = await engine(sim, context).fetch(500)

    assert len(page.records) == 500 and page.has_more
    assert sim.count("/query/01g") == 2 and len(queries(sim)) == 1


async def test_an_expired_locator_is_replaced_by_a_query_from_the_last_record(
        sim: SalesforceSimulator, context: SourceContext, http: httpx.AsyncClient) -> None:
    sim.batch_size = 200
    sim.seed(500)
    driver = engine(sim, context)
    first = await driver.fetch(250)  # follows one locator, leaves another behind (never saved)
    sim.expire_locators()
    rest = await driver.sync(500)
    assert len(first.records) == 250 and len(rest) == 250
    assert len(set(emails(first.records) + emails(rest))) == 500

    sim.seed(450)
    original = sim._batch  # the next locator expires between its creation and its use

    def expiring(*args: Any) -> Any:
        answer = original(*args)
        sim.expire_locators()
        return answer
    sim._batch = expiring  # type: ignore[method-assign, assignment]
    resumed = await driver.sync(450)
    assert len(resumed) == 450 and len(set(emails(resumed))) == 450
    assert len(queries(sim)) > 3  # new queries from the last record instead of the dead locator


async def test_a_session_ended_early_is_refreshed_once_and_saved(sim: SalesforceSimulator,
                                                                 context: SourceContext) -> None:
    sim.seed(3)
    driver = engine(sim, context)
    sim.end_sessions()  # the org's session timeout is shorter than the token's expected life

    assert len(await driver.sync(10)) == 3
    assert sim.oauth.count(grant_type="refresh_token") == 1
    assert driver.saved_settings and driver.saved_settings[-1]["instance_url"] == "http://salesforce.test"
    assert driver.saved_settings[-1]["refresh_token"] == driver.harness.settings["refresh_token"]


async def test_a_refused_session_after_a_refresh_needs_reauthorisation(sim: SalesforceSimulator,
                                                                      context: SourceContext) -> None:
    sim.seed(3)
    sim.fail_next(401, "INVALID_SESSION_ID", "Session expired or invalid", times=2)
    with pytest.raises(NeedsReauth):
        await engine(sim, context).sync(10)
    assert sim.oauth.count(grant_type="refresh_token") == 1


async def test_the_api_request_limit_is_a_rate_limit_of_an_hour(sim: SalesforceSimulator,
                                                                context: SourceContext) -> None:
    sim.seed(3)
    sim.rate_limit_next()
    with pytest.raises(RateLimited) as limited:
        await engine(sim, context).sync(10)
    assert limited.value.retry_after == 3600


async def test_a_malformed_query_is_refused_with_salesforces_code(sim: SalesforceSimulator,
                                                                  context: SourceContext) -> None:
    sim.seed(3)
    sim.fail_next(400, "INVALID_FIELD", "No such column 'MobilePhone' on entity 'Contact'.")
    with pytest.raises(SourceRejected, match="INVALID_FIELD"):
        await engine(sim, context).sync(10)


async def test_records_read_before_a_failure_are_kept_and_the_error_comes_next(
        sim: SalesforceSimulator, context: SourceContext) -> None:
    sim.batch_size = 200
    sim.seed(300)
    driver = engine(sim, context)
    original = sim._batch

    def failing_after_first(*args: Any) -> Any:
        sim._batch = original  # type: ignore[method-assign, assignment]
        answer = original(*args)
        sim.fail_next(400, "MALFORMED_QUERY", "scripted")
        return answer
    sim._batch = failing_after_first  # type: ignore[method-assign, assignment]

    page = await driver.fetch(300)
    assert len(page.records) == 200 and page.has_more
    assert len(await driver.sync(300)) == 100


async def test_opted_out_people_are_unsubscribed(sim: SalesforceSimulator, context: SourceContext) -> None:
    sim.add("Contact", "out@example.com", HasOptedOutOfEmail=True, Account={"Name": "Acme"}, Title="CTO")
    sim.add("Contact", "in@example.com")

    records = await engine(sim, context).sync(10)

    assert [(r.email, r.unsubscribed) for r in records] == [("out@example.com", True), ("in@example.com", False)]
    assert records[0].fields == {"company": "Acme", "title": "CTO"}


async def test_leads_leave_out_converted_ones_and_filter_by_status(sim: SalesforceSimulator,
                                                                   context: SourceContext) -> None:
    sim.add("Lead", "open@example.com", Status="Open - Not Contacted")
    sim.add("Lead", "working@example.com", Status="Working - Contacted", City="Rome")
    sim.add("Lead", "converted@example.com", IsConverted=True, Status="Closed - Converted")
    sim.add("Contact", "contact@example.com")

    every_lead = await engine(sim, context, {"object": "lead"}).sync(10)
    working = await engine(sim, context, {"object": "lead", "lead_status": "Working - Contacted"}).sync(10)

    assert emails(every_lead) == ["open@example.com", "working@example.com"]
    assert emails(working) == ["working@example.com"]
    assert working[0].fields["lead_status"] == "Working - Contacted" and working[0].fields["city"] == "Rome"


async def test_a_list_view_filters_with_its_own_condition_and_scope(sim: SalesforceSimulator,
                                                                    context: SourceContext) -> None:
    sim.add("Lead", "open@example.com")
    sim.add("Lead", "closed@example.com", Status="Closed - Not Converted")
    sim.add("Lead", "someone-elses@example.com", owner="0055g00000ZzZzZAAV")

    open_leads = await engine(sim, context, {"object": "lead", "list_view": "00B5g00000AllLdAAA"}).sync(10)
    mine = await engine(sim, context, {"object": "lead", "list_view": "00B5g00000MyLdsAAA"}).sync(10)

    assert emails(open_leads) == ["open@example.com", "someone-elses@example.com"]
    assert emails(mine) == ["open@example.com", "closed@example.com"]
    with pytest.raises(SourceRejected, match="NOT_FOUND"):
        await engine(sim, context, {"object": "contact", "list_view": "00B5g00000AllLdAAA"}).sync(10)


async def test_choices_are_read_from_the_org(sim: SalesforceSimulator, context: SourceContext) -> None:
    connector, settings = SalesforceConnector(), connection_settings(sim)

    async def discard(new: dict[str, Any]) -> None:
        return None
    statuses = await connector.criterion_choices("lead_status", settings, context, discard)
    views = await connector.criterion_choices("list_view", settings, context, discard)
    objects = await connector.criterion_choices("object", settings, context, discard)

    assert [c.value for c in statuses] == ["Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                                           "Closed - Not Converted"]  # the inactive one left out
    assert [c.label for c in views] == ["Contacts: All Contacts", "Leads: All Open Leads", "Leads: My Leads"]
    assert all(connector.validate_criteria({"object": "lead", "list_view": c.value}) for c in views)
    assert [c.value for c in objects] == ["contact", "lead"]


async def test_revoking_ends_the_grant_and_an_unknown_token_counts_as_revoked(
        sim: SalesforceSimulator, context: SourceContext) -> None:
    settings = connection_settings(sim)
    await SalesforceConnector().revoke_credentials(settings, context)
    assert sim.oauth.revoked == [settings["refresh_token"]] and not sim.oauth.live_refresh_tokens
    await SalesforceConnector().revoke_credentials(settings, context)  # 400 invalid_token: already gone


async def test_edits_arrive_after_the_cursor_with_millisecond_modstamps(sim: SalesforceSimulator,
                                                                        context: SourceContext) -> None:
    ids = sim.seed(3)
    driver = engine(sim, context)
    await driver.sync(10)
    sim.tick(timedelta(milliseconds=-999))  # the edit lands within the same second as the cursor
    sim.edit(ids[0], LastName="Edited")
    assert [r.last_name for r in await driver.sync(10)] == ["Edited"]


@pytest.mark.parametrize("status, body, action", [
    (200, b'{"done": true, "records": []}', ResponseAction.OK),
    (200, b'{"done": true, "rec', ResponseAction.RETRY),
    (401, b'[{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]',
     ResponseAction.REFRESH_SESSION),
    (403, b'[{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]',
     ResponseAction.RATE_LIMITED),
    (403, b'[{"errorCode": "API_DISABLED_FOR_ORG", "message": "API is not enabled for this Organization"}]',
     ResponseAction.REAUTH),
    (400, b'[{"errorCode": "INVALID_QUERY_LOCATOR", "message": "invalid query locator"}]',
     ResponseAction.RESUME_FROM_CURSOR),
    (400, b'[{"errorCode": "QUERY_TIMEOUT", "message": "Your query request was running for too long."}]',
     ResponseAction.RETRY),
    (400, b'[{"errorCode": "MALFORMED_QUERY", "message": "unexpected token"}]', ResponseAction.REJECT),
    (503, b'[{"errorCode": "SERVER_UNAVAILABLE", "message": "busy"}]', ResponseAction.RETRY),
    (429, b"", ResponseAction.RATE_LIMITED),
    (404, b"<html>not json</html>", ResponseAction.REJECT),
])
def test_the_classifier_reads_the_status_and_the_error_code(status: int, body: bytes,
                                                            action: ResponseAction) -> None:
    assert classify_salesforce_response(status, {}, body) is action


@pytest.mark.parametrize("status, body, headers, message, wait", [
    (400, b'[{"errorCode": "INVALID_FIELD", "message": "No such column"}]', {},
     "Salesforce refused the request (HTTP 400 INVALID_FIELD from https://acme.my.salesforce.com/query).", None),
    (404, b"<html>gone</html>", {}, "Salesforce refused the request (HTTP 404 from https://acme.my.salesforce.com/query).",
     None),
    (403, b'[{"errorCode": "REQUEST_LIMIT_EXCEEDED"}]', {"Retry-After": "120"},
     "Salesforce's API request limit is used up (HTTP 403 REQUEST_LIMIT_EXCEEDED from "
     "https://acme.my.salesforce.com/query).", 120.0),
    (429, b"", {}, "Salesforce's API request limit is used up (HTTP 429 from https://acme.my.salesforce.com/query).",
     3600.0),
])
def test_the_verdict_words_the_answer_and_waits_what_salesforce_asks(
        status: int, body: bytes, headers: dict[str, str], message: str, wait: float | None) -> None:
    answer = SourceResponse(status, httpx.Headers(headers), body, url="https://acme.my.salesforce.com/query")
    verdict = salesforce_verdict(answer)
    assert (verdict.message, verdict.retry_after) == (message, wait)
