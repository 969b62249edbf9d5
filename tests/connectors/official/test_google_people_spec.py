"""Google Contacts against the People API's own discovery document (people.v1.json, shipped in
google-api-python-client): every request the connector sends and every answer the simulator gives
are checked against it, and the official client drives the simulator through the same calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import google_auth_httplib2
import httplib2
import httpx
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from app.connectors.base import SourceContext
from app.connectors.google_contacts import GoogleContactsConnector
from app.connectors.google_contacts_cursor import PAGE_SIZE, PERSON_FIELDS
from app.errors import CursorExpired, RateLimited
from tests.connectors.google_contacts_support import Fetcher, make_context
from tests.connectors.official.discovery import Discovery, load
from tests.connectors.official.recording import Exchange, Recorder, count
from tests.simulators.csv_feed import serve_in_thread
from tests.simulators.google_contacts import GoogleContactsSimulator

PEOPLE = Discovery(load("people.v1.json"))


@pytest.fixture
def google() -> GoogleContactsSimulator:
    sim = GoogleContactsSimulator()
    sim.seed_demo(260)
    return sim


@pytest.fixture
def recorder(google: GoogleContactsSimulator) -> Recorder:
    return Recorder(google)


@pytest.fixture
async def context(recorder: Recorder) -> AsyncIterator[SourceContext]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=recorder)) as client:
        yield make_context(client)


def check_exchanges(exchanges: list[Exchange]) -> tuple[int, int]:
    """Checks every People API exchange against the document (the OAuth endpoints are not in it);
    an error answer is parsed by the official client's `HttpError`. Returns (requests, errors)."""
    api = [e for e in exchanges if e.path.startswith("/v1/")]
    errors = 0
    for exchange in api:
        request = PEOPLE.check_request(exchange.method, exchange.path, exchange.query)
        request.ok()
        count("google_contacts", requests=1, request_fields=request.values)
        if exchange.status == 200:
            response = PEOPLE.check_response(exchange.method, exchange.path, exchange.json())
            response.ok()
            count("google_contacts", responses=1, fields=response.values)
        elif exchange.status >= 400 and exchange.response_body.startswith(b"{"):
            error = HttpError(httplib2.Response({"status": exchange.status}), exchange.response_body)
            assert error.status_code == exchange.status and error.reason and error.reason != "Unknown Error"
            count("google_contacts", responses=1, fields=len(exchange.json()["error"]))
            errors += 1
    return len(api), errors


async def test_every_request_and_answer_of_a_connector_life_matches_the_discovery_document(
        google: GoogleContactsSimulator, recorder: Recorder, context: SourceContext) -> None:
    connector = GoogleContactsConnector()
    consent = await context.http.get(connector.authorize_url(context, "http://app.test/cb", "s"))
    code = httpx.URL(consent.headers["Location"]).params["code"]
    connected = await connector.connect(await connector.exchange_code(code, "http://app.test/cb", context), context)
    f = Fetcher(context, connected.settings)
    await connector.criterion_choices("label", f.settings, context, f.save_settings)
    for budget in (130, 130, 500):  # a budget ending mid-page, then the rest
        await f.fetch(budget)
    names = list(google._people)
    google.edit_person(names[3], given="Edited")
    google.delete_person(names[4])
    await f.fetch(500)
    await Fetcher(context, f.settings, criteria={"label": "Clients"}).drain(40)
    google.expire_access_tokens()
    await f.fetch(500)  # a 401, a refresh, the call again
    google.rate_limit_next("30")
    with pytest.raises(RateLimited):
        await f.fetch(500)
    google.expire_sync_tokens()
    with pytest.raises(CursorExpired):
        await f.fetch(500)

    requests, errors = check_exchanges(recorder.exchanges)
    assert requests >= 15 and errors == 3
    assert {e.query["pageSize"][0] for e in recorder.exchanges if e.path.endswith("/connections")} == {str(PAGE_SIZE)}


@pytest.fixture
def served(google: GoogleContactsSimulator) -> Iterator[str]:
    with serve_in_thread(Recorder(google)) as url:
        yield url


def people_client(url: str, token: str) -> Any:
    credentials = Credentials(token)
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=10))
    return build_from_document(PEOPLE.document, http=http, client_options={"api_endpoint": url})


def test_the_official_client_drives_the_simulator_through_the_connector_calls(
        google: GoogleContactsSimulator, served: str) -> None:
    service = people_client(served, google.issue_token_set()["access_token"])
    connections = service.people().connections()
    request = connections.list(resourceName="people/me", personFields=PERSON_FIELDS, pageSize=PAGE_SIZE,
                               requestSyncToken=True)
    pages: list[dict[str, Any]] = []
    while request is not None:
        pages.append(request.execute())
        request = connections.list_next(request, pages[-1])
    people = [p for page in pages for p in page.get("connections", [])]
    assert len(people) == 260 and pages[-1]["nextSyncToken"] and pages[0]["totalItems"] == 260
    names = [p["resourceName"] for p in people]

    google.edit_person(names[0], given="Edited")
    changed = connections.list(resourceName="people/me", personFields=PERSON_FIELDS, pageSize=PAGE_SIZE,
                               requestSyncToken=True, syncToken=pages[-1]["nextSyncToken"]).execute()
    me = service.people().get(resourceName="people/me", personFields="emailAddresses").execute()
    groups = service.contactGroups().list(pageSize=1000).execute()

    assert [p["resourceName"] for p in changed["connections"]] == [names[0]]
    assert me["emailAddresses"][0]["value"] == "owner@example.com"
    assert {g["formattedName"] for g in groups["contactGroups"]} >= {"Clients", "Partners"}
    for path, body in [("/v1/people/me/connections", page) for page in pages] + [
            ("/v1/people/me/connections", changed), ("/v1/people/me", me), ("/v1/contactGroups", groups)]:
        checked = PEOPLE.check_response("GET", path, body)
        checked.ok()
        count("google_contacts", responses=1, fields=checked.values)


def test_the_official_client_reads_the_errors_the_connector_handles(
        google: GoogleContactsSimulator, served: str) -> None:
    service = people_client(served, google.issue_token_set()["access_token"])
    connections = service.people().connections()

    def listing(**params: Any) -> Any:
        return connections.list(resourceName="people/me", personFields=PERSON_FIELDS, pageSize=PAGE_SIZE,
                                requestSyncToken=True, **params)

    def refusal(call: Any) -> HttpError:
        with pytest.raises(HttpError) as raised:
            call.execute()
        return raised.value

    first = last = listing().execute()
    while "nextSyncToken" not in last:
        last = listing(pageToken=last["nextPageToken"]).execute()
    resized = refusal(connections.list(resourceName="people/me", personFields=PERSON_FIELDS, pageSize=PAGE_SIZE - 1,
                                       requestSyncToken=True, pageToken=first["nextPageToken"]))
    google.rate_limit_next()
    limited = refusal(listing())
    google.expire_sync_tokens()
    expired = refusal(listing(syncToken=last["nextSyncToken"]))
    anonymous = build_from_document(PEOPLE.document, http=httplib2.Http(timeout=10),
                                    client_options={"api_endpoint": served})
    unknown_token = anonymous.people().get(resourceName="people/me", personFields="names")
    unknown_token.headers["authorization"] = "Bearer at-unknown"
    refused = refusal(unknown_token)

    assert resized.status_code == 400 and "must match" in str(resized.reason)
    assert limited.status_code == 429
    assert expired.status_code == 400 and expired.error_details[0]["reason"] == "EXPIRED_SYNC_TOKEN"
    assert refused.status_code == 401 and refused.error_details[0]["reason"] == "ACCESS_TOKEN_EXPIRED"


def test_google_auth_refreshes_at_the_simulated_token_endpoint_after_a_401(
        google: GoogleContactsSimulator, served: str) -> None:
    tokens = google.issue_token_set()
    google.expire_access_tokens()
    credentials = Credentials(tokens["access_token"], refresh_token=tokens["refresh_token"],
                              token_uri=f"{served}/token", client_id="sim-client-id",
                              client_secret="sim-client-secret")
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=10))
    service = build_from_document(PEOPLE.document, http=http, client_options={"api_endpoint": served})

    me = service.people().get(resourceName="people/me", personFields="emailAddresses").execute()

    assert me["emailAddresses"][0]["value"] == "owner@example.com"
    assert credentials.token != tokens["access_token"]
    assert [form["grant_type"] for form in google.token_requests] == ["refresh_token"]


def test_the_checker_refuses_what_the_document_does_not_declare() -> None:
    path = "/v1/people/me/connections"
    wrong = {"connections": [{"resourceName": "people/c1", "names": [{"givenName": 5}], "nickname": "x",
                              "metadata": {"sources": [{"type": "SOMEWHERE"}]}}], "nextCursor": "y"}
    problems = PEOPLE.check_response("GET", path, wrong).problems
    refused = PEOPLE.check_request("GET", path, {"personFields": ["names,shoeSize"], "pageSize": ["ten"],
                                                 "limit": ["5"]}).problems

    assert len(problems) == 4 and any("nextCursor" in p for p in problems) and any("SOMEWHERE" in p for p in problems)
    assert len(refused) == 3 and any("shoeSize" in p for p in refused)
