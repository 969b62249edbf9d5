"""HubSpot against its own generated client (hubspot-api-client): every request the connector
sends and every answer the simulator gives are checked against the client's OpenAPI models and
parsed by the client's own deserializer, and the client drives the simulator through the same
calls and errors.

Not checkable with this client (its 12.0.0 has no model for them): `GET /account-info/v3/details`,
and the date-versioned OAuth API's own fields (`token_use`, `active`...): the 2026-03 OAuth answers
are parsed with the client's v1 OAuth models, which they extend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import hubspot.crm.contacts as contacts_api
import hubspot.crm.properties as properties_api
import hubspot.oauth as oauth_api
import pytest

from app.connectors.base import SourceContext
from app.connectors.hubspot import HubSpotConnector, Position, time_search
from app.connectors.hubspot_mapping import SEARCH_PROPERTIES
from app.errors import RateLimited
from tests.connectors.contract import EngineLike
from tests.connectors.hubspot_support import Harness, make_context
from tests.connectors.official.openapi_models import Models, query_parameters
from tests.connectors.official.recording import Exchange, Recorder, count
from tests.simulators.csv_feed import serve_in_thread
from tests.simulators.hubspot import CLIENT_ID, CLIENT_SECRET, PRIVATE_APP_TOKEN, SEARCH_PATH, HubSpotSimulator

CONTACTS = Models(contacts_api.models, contacts_api.ApiClient())
PROPERTIES = Models(properties_api.models, properties_api.ApiClient())
OAUTH = Models(oauth_api.models, oauth_api.ApiClient())
LIST_PARAMETERS = query_parameters(contacts_api.BasicApi.get_page_with_http_info)
TOKEN_FORM = {"grant_type", "code", "redirect_uri", "client_id", "client_secret", "refresh_token"}
SORT_DIRECTIONS = {"ASCENDING", "DESCENDING"}


def configured(package: Any, host: str, token: str) -> Any:
    """An `ApiClient` of one of the client's packages, pointed at the simulator."""
    configuration = package.Configuration(host=host)
    configuration.access_token = token
    return package.ApiClient(configuration)


@pytest.fixture
def hubspot() -> HubSpotSimulator:
    sim = HubSpotSimulator()
    sim.seed_demo(120)
    sim.seed(30, modified_ms=sim.tick(), domain="ties.example")  # one timestamp: the group step
    return sim


@pytest.fixture
def recorder(hubspot: HubSpotSimulator) -> Recorder:
    return Recorder(hubspot)


@pytest.fixture
async def context(recorder: Recorder) -> AsyncIterator[SourceContext]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=recorder), base_url="http://hubspot.test") as c:
        yield make_context(c)


def check_search_request(body: dict[str, Any]) -> int:
    """The search body against `PublicObjectSearchRequest`. Its `sorts` is `list[str]` in the
    generated model while HubSpot's search guide (and the connector) send sort objects
    `{propertyName, direction}`: those are checked for that documented shape instead."""
    sorts = body.get("sorts", [])
    assert all(set(s) == {"propertyName", "direction"} and s["direction"] in SORT_DIRECTIONS for s in sorts), sorts
    checked = CONTACTS.check("PublicObjectSearchRequest", {k: v for k, v in body.items() if k != "sorts"})
    checked.ok()
    return checked.values + 2 * len(sorts)


def check_exchange(exchange: Exchange) -> None:
    """One exchange against the client's models (see the module docstring for what is left out)."""
    request_values, answer = 0, None
    if exchange.path == SEARCH_PATH:
        request_values, answer = (check_search_request(exchange.request_json()),
                                  "CollectionResponseWithTotalSimplePublicObjectForwardPaging")
    elif exchange.path == "/crm/v3/objects/contacts":
        assert set(exchange.query) <= LIST_PARAMETERS, exchange.query
        request_values, answer = (len(exchange.query),
                                  "CollectionResponseSimplePublicObjectWithAssociationsForwardPaging")
    elif exchange.path.startswith("/crm/v3/properties/contacts/"):
        answer = "ModelProperty"
    elif exchange.path == "/oauth/2026-03/token":
        assert set(exchange.form()) <= TOKEN_FORM, exchange.form()
        request_values, answer = len(exchange.form()), "TokenResponseIF"
    elif exchange.path == "/oauth/2026-03/token/introspect":
        assert set(exchange.form()) == {"client_id", "client_secret", "token", "token_type_hint"}
        request_values, answer = 4, "AccessTokenInfoResponse"
    elif exchange.path == "/oauth/2026-03/token/revoke":
        assert set(exchange.form()) == {"client_id", "client_secret", "token", "token_type_hint"}
        request_values = 4
    else:
        return
    count("hubspot", requests=1, request_fields=request_values)
    oauth = exchange.path.startswith("/oauth/")
    if exchange.status >= 400:
        answer = "Error"
    if answer is None or not exchange.response_body:
        return
    models = OAUTH if oauth else PROPERTIES if answer == "ModelProperty" else CONTACTS
    # The service sends keys beyond its models in errors (`status`, `policyName`) and in the
    # date-versioned OAuth answers: those are parsed, not refused for what they add.
    checked = models.check(answer, exchange.json(), strict=not (oauth or answer == "Error"))
    checked.ok()
    count("hubspot", responses=1, fields=checked.values)


async def test_every_request_and_answer_of_a_connector_life_matches_the_client_models(
        hubspot: HubSpotSimulator, recorder: Recorder, context: SourceContext) -> None:
    connector = HubSpotConnector(index_lag_ms=0)
    await connector.connect({"private_app_token": PRIVATE_APP_TOKEN}, context)
    tokens = hubspot.oauth.issue_tokens()
    connected = await connector.connect({"access_token": tokens["access_token"],
                                         "refresh_token": tokens["refresh_token"], "expires_at": 0}, context)
    engine = EngineLike(Harness(context, connected.settings, connector))  # type: ignore[arg-type]
    await connector.criterion_choices("lifecycle_stage", connected.settings, context, engine.save_settings)
    assert len(await engine.sync(500)) == 150
    hubspot.rate_limit_next("120")
    with pytest.raises(RateLimited):
        await engine.sync(500)
    hubspot.oauth.revoke_refresh_tokens()
    engine.harness.settings = {**engine.harness.settings, "expires_at": 0}
    with pytest.raises(Exception):  # noqa: B017 - the refusal itself is tested elsewhere; here its answer is checked
        await engine.sync(500)
    await connector.revoke_credentials(connected.settings, context)

    for exchange in recorder.exchanges:
        check_exchange(exchange)
    paths = {e.path for e in recorder.exchanges}
    assert {SEARCH_PATH, "/oauth/2026-03/token", "/oauth/2026-03/token/introspect",
            "/crm/v3/properties/contacts/lifecyclestage"} <= paths
    assert any(e.status == 429 for e in recorder.exchanges) and any(e.status == 400 for e in recorder.exchanges)


@pytest.fixture
def served(hubspot: HubSpotSimulator) -> Iterator[str]:
    with serve_in_thread(hubspot) as url:
        yield url


def test_the_official_client_drives_the_simulator_through_the_connector_calls(
        hubspot: HubSpotSimulator, served: str) -> None:
    client = configured(contacts_api, served, PRIVATE_APP_TOKEN)
    search = contacts_api.SearchApi(client)
    body = time_search(Position(), 2**62, {}, 200)  # the connector's first search, as it sends it

    page = search.do_search(public_object_search_request=body)
    listed = contacts_api.BasicApi(client).get_page(limit=5, properties=list(SEARCH_PROPERTIES))
    stage = properties_api.CoreApi(configured(properties_api, served, PRIVATE_APP_TOKEN)).get_by_name(
        "contacts", "lifecyclestage")

    assert page.total == 150 and len(page.results) == 150
    assert all(isinstance(c, contacts_api.SimplePublicObject) and c.properties["lastmodifieddate"]
               for c in page.results)
    assert len(listed.results) == 5 and listed.paging.next.after
    assert {o.value for o in stage.options} >= {"lead", "customer"}
    count("hubspot", responses=3, fields=len(page.results) * len(SEARCH_PROPERTIES))


def test_the_official_client_reads_the_errors_the_connector_handles(
        hubspot: HubSpotSimulator, served: str) -> None:
    def search_with(token: str) -> contacts_api.ApiException:
        client = configured(contacts_api, served, token)
        with pytest.raises(contacts_api.ApiException) as raised:
            contacts_api.SearchApi(client).do_search(public_object_search_request={"limit": 1})
        return raised.value

    hubspot.rate_limit_next("1")
    limited = search_with(PRIVATE_APP_TOKEN)
    unknown = search_with("pat-na1-unknown")
    unscoped = search_with(hubspot.oauth.issue_tokens(scope="oauth")["access_token"])

    deserialize = contacts_api.ApiClient().deserialize
    errors = [deserialize(type("R", (), {"data": e.body})(), "Error") for e in (limited, unknown, unscoped)]
    assert [e.status for e in (limited, unknown, unscoped)] == [429, 401, 403]
    assert [e.category for e in errors] == ["RATE_LIMITS", "INVALID_AUTHENTICATION", "MISSING_SCOPES"]
    assert errors[2].errors[0].message and errors[2].errors[0].context["requiredGranularScopes"]


def test_the_token_answers_parse_as_the_client_oauth_models(hubspot: HubSpotSimulator, served: str) -> None:
    tokens = hubspot.oauth.issue_tokens()
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET}
    refreshed = httpx.post(f"{served}/oauth/2026-03/token", data=form).json()
    refused = httpx.post(f"{served}/oauth/2026-03/token", data={**form, "refresh_token": "unknown"}).json()
    info = httpx.post(f"{served}/oauth/2026-03/token/introspect", data={
        "token": refreshed["access_token"], "token_type_hint": "access_token", "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET}).json()

    for model, body in (("TokenResponseIF", refreshed), ("Error", refused), ("AccessTokenInfoResponse", info)):
        checked = OAUTH.check(model, body, strict=False)
        checked.ok()
        count("hubspot", responses=1, fields=checked.values)
    assert refreshed["refresh_token"] and refreshed["token_use"] == "access_token"
    assert info["active"] is True and info["token_use"] == "access_token" and info["hub_id"] == 12345678
