"""The Salesforce simulator, driven by `simple-salesforce` (the widely used REST client) over a real
socket, for every call the connector makes and every error it handles: if the simulator answered
in a shape the client does not know, these tests fail.

simple-salesforce ships no response models: it returns the JSON as dicts, and its own
`query_all_iter` follows `nextRecordsUrl` until `done`, and its exceptions are chosen by status.
So the checks are: the client's paging reaches every record, its exception types and parsed
error bodies match what the connector's classifier expects, and each answer has the members
Salesforce documents (counted in `checked`). It has no OAuth web-server flow: the token exchange
and refresh are covered against the generic OAuth simulator, not by this client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest, SalesforceRefusedRequest

from app.connectors.salesforce_api import DEFAULT_API_VERSION, ResponseAction, classify_salesforce_response
from app.connectors.salesforce_mapping import select_query
from tests.connectors.official.recording import MembersChecked
from tests.simulators.csv_feed import serve_in_thread
from tests.simulators.salesforce import SalesforceSimulator

RECORD_MEMBERS = ("attributes", "Id", "Email", "FirstName", "LastName", "Phone", "MobilePhone", "HasOptedOutOfEmail",
                  "SystemModstamp")


class PlainHttp(requests.Session):
    """simple-salesforce always says https://; the local simulator speaks plain HTTP."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        return super().request(method, str(url).replace("https://", "http://", 1), *args, **kwargs)


@pytest.fixture
def served() -> Iterator[tuple[SalesforceSimulator, Salesforce]]:
    sim = SalesforceSimulator(batch_size=200)
    with serve_in_thread(sim) as base:
        sim.login_url = sim.instance_url = base
        token = sim.oauth.issue_tokens(scope="api refresh_token")["access_token"]
        yield sim, Salesforce(instance_url=base, session_id=token, version=DEFAULT_API_VERSION, session=PlainHttp())


def test_the_client_reads_what_the_connector_reads(served: tuple[SalesforceSimulator, Salesforce]) -> None:
    sim, sf = served
    sim.seed(450)
    lead = sim.add("Lead", "lead@example.com", Status="Working - Contacted")
    checked = MembersChecked()

    versions = sf.session.get(f"{sim.instance_url}/services/data/").json()
    assert DEFAULT_API_VERSION in [v["version"] for v in versions]
    for version in versions:
        checked.has(version, "version", "label", "url")

    soql = select_query({"object": "contact"}, None, None, 1000)
    records = list(sf.query_all_iter(soql))  # the client follows nextRecordsUrl itself
    assert len(records) == 450 and len({r["Id"] for r in records}) == 450
    for record in records:
        checked.has(record, *RECORD_MEMBERS, "Account")
        checked.has(record["attributes"], "type", "url")
    first = sf.query(soql)
    checked.has(first, "totalSize", "done", "records", "nextRecordsUrl")
    assert first["done"] is False and first["totalSize"] == 450

    leads = sf.query(select_query({"object": "lead", "lead_status": "Working - Contacted"}, None, None, 10))
    assert [r["Id"] for r in leads["records"]] == [lead]
    checked.has(leads["records"][0], "Status", "Company", "City", "PostalCode")

    status = next(f for f in sf.Lead.describe()["fields"] if f["name"] == "Status")
    for value in status["picklistValues"]:
        checked.has(value, "value", "label", "active")
    views = sf.restful("sobjects/Lead/listviews")
    checked.has(views, "listviews", "done", "size")
    for view in views["listviews"]:
        checked.has(view, "id", "label", "describeUrl")
        checked.has(sf.restful(f"sobjects/Lead/listviews/{view['id']}/describe"), "query", "id", "sobjectType")

    assert checked.fields >= 4900
    print(f"simple-salesforce: {len(sim.requests)} requests, {checked.fields} fields checked")


def test_the_errors_the_connector_handles_reach_the_client_as_salesforce_sends_them(
        served: tuple[SalesforceSimulator, Salesforce]) -> None:
    sim, sf = served
    sim.seed(450)
    soql = select_query({"object": "contact"}, None, None, 1000)
    cases: list[tuple[type[Exception], str, ResponseAction]] = []

    first = sf.query(soql)
    sim.expire_locators()
    with pytest.raises(SalesforceMalformedRequest) as expired:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    cases.append((SalesforceMalformedRequest, "INVALID_QUERY_LOCATOR", ResponseAction.RESUME_FROM_CURSOR))

    sim.rate_limit_next()
    with pytest.raises(SalesforceRefusedRequest) as limited:
        sf.query(soql)
    cases.append((SalesforceRefusedRequest, "REQUEST_LIMIT_EXCEEDED", ResponseAction.RATE_LIMITED))

    with pytest.raises(SalesforceMalformedRequest) as malformed:
        sf.query("SELECT Id, Nickname__c FROM Contact")
    cases.append((SalesforceMalformedRequest, "INVALID_FIELD", ResponseAction.REJECT))

    sim.end_sessions()
    with pytest.raises(SalesforceExpiredSession) as ended:
        sf.query(soql)
    cases.append((SalesforceExpiredSession, "INVALID_SESSION_ID", ResponseAction.REFRESH_SESSION))

    for raised, (kind, code, action) in zip((expired, limited, malformed, ended), cases, strict=True):
        error = raised.value
        assert isinstance(error, kind)
        assert error.content[0]["errorCode"] == code and error.content[0]["message"]
        body = ("[" + ",".join(json.dumps({"errorCode": e["errorCode"], "message": "m"}) for e in error.content) + "]")
        assert classify_salesforce_response(error.status, {}, body.encode()) is action
    print(f"simple-salesforce errors: {len(sim.requests)} requests, {len(cases) * 3} fields checked")
