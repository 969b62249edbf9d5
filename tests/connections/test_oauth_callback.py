"""Connecting an OAuth service through the consent page and our callback, and every way the
callback refuses (altered, replayed, expired, foreign state; consent denied; code refused)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from app.connections.models import Connection, OAuthState
from app.connections.oauth_flow import STATE_LIFETIME
from tests.conftest import AccountUnderTest, Api
from tests.connections.flow import CONNECTIONS, callback, connect, connect_through_consent, consent, start
from tests.connections.support import BASE, SERVICE_ID, ExampleCrm

pytestmark = pytest.mark.usefixtures("db_ready")


async def test_a_user_connects_through_the_consent_page(acme: AccountUnderTest, crm: ExampleCrm,
                                                        browser: httpx.AsyncClient,
                                                        client: httpx.AsyncClient) -> None:
    url = await start(acme.api, name="Sales CRM")
    query = httpx.URL(url).params
    assert url.startswith(f"{BASE}/authorize?")
    assert query["redirect_uri"] == f"http://api.test/oauth/{SERVICE_ID}/callback"
    assert query["client_id"] == crm.auth.client_id and len(query["state"]) >= 43  # 32 random bytes
    stored = await OAuthState.get(account_id=acme.account.id)
    assert stored.state_hash != query["state"] and stored.used_at is None
    assert timedelta(minutes=9) < stored.expires_at - datetime.now(timezone.utc) <= STATE_LIFETIME

    location = await consent(browser, url)
    page = await callback(client, location)

    assert page.status_code == 200
    assert "Connected Example CRM account ann@example.com. You can close this window." in page.text
    listed = await acme.api(CONNECTIONS)
    assert listed["connections"] == [{"id": listed["connections"][0]["id"], "name": "Sales CRM",
                                      "externalAccount": "ann@example.com", "status": "ACTIVE",
                                      "service": {"id": SERVICE_ID, "name": "Example CRM", "auth": "OAUTH2"},
                                      "autoImports": []}]
    secrets = crm.auth.access_tokens + crm.auth.live_refresh_tokens + [location.params["code"]]
    for secret in secrets:
        assert secret not in json.dumps(listed) and secret not in page.text
    assert (await OAuthState.get(account_id=acme.account.id)).used_at is not None


async def test_without_a_name_the_connection_is_named_after_the_external_account(
        acme: AccountUnderTest, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    assert (await connect_through_consent(acme.api, browser, client)).status_code == 200
    assert (await acme.api(CONNECTIONS))["connections"][0]["name"] == "ann@example.com"


async def test_a_server_without_an_oauth_client_says_how_to_configure_it(
        acme: AccountUnderTest, services: object, source: object) -> None:
    source.oauth_clients = {}  # type: ignore[attr-defined]
    payload = await connect(acme.api)
    assert payload["connection"] is None and payload["authorizeUrl"] is None
    assert payload["userErrors"] == [{
        "field": ["serviceId"], "code": "INVALID",
        "message": "Example CRM is not configured on this server (set AUTOIMPORT_EXAMPLE_CRM_CLIENT_ID/SECRET).",
    }]
    assert await OAuthState.all().count() == 0


async def test_credentials_given_directly_connect_without_the_browser(acme: AccountUnderTest,
                                                                      crm: ExampleCrm) -> None:
    tokens = crm.auth.issue_tokens("bob@example.com")
    payload = await connect(acme.api, {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                                       "expires_at": 2_000_000_000})
    assert payload["userErrors"] == [] and payload["authorizeUrl"] is None
    assert payload["connection"]["externalAccount"] == "bob@example.com"
    assert await OAuthState.all().count() == 0


async def refused(client: httpx.AsyncClient, location: httpx.URL, expected: str) -> httpx.Response:
    page = await callback(client, location)
    assert page.status_code == 400, page.text
    assert "was not connected" in page.text and expected in page.text, page.text
    return page


async def test_an_altered_state_is_refused_and_nothing_is_stored(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    state = location.params["state"]
    altered = location.copy_set_param("state", ("A" if state[0] != "A" else "B") + state[1:])
    await refused(client, altered, "This sign-in link is not valid")
    await refused(client, location.copy_remove_param("state"), "This sign-in link is not valid")
    assert await Connection.all().count() == 0
    assert crm.auth.count("/token") == 0  # the code was never exchanged
    # The genuine state still works: an attacker guessing cannot burn it.
    assert (await callback(client, location)).status_code == 200


async def test_a_replayed_callback_is_refused(acme: AccountUnderTest, crm: ExampleCrm,
                                              browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    assert (await callback(client, location)).status_code == 200
    await refused(client, location, "already used")
    assert await Connection.all().count() == 1 and crm.auth.count("/token") == 1


async def test_an_expired_state_is_refused(acme: AccountUnderTest, crm: ExampleCrm,
                                           browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    await OAuthState.all().update(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    await refused(client, location, "has expired")
    assert await Connection.all().count() == 0 and crm.auth.count("/token") == 0


async def test_the_state_of_another_service_is_refused(acme: AccountUnderTest, crm: ExampleCrm,
                                                       browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    elsewhere = location.copy_with(path="/oauth/other_crm/callback")
    await refused(client, elsewhere, "started for another service")
    assert await Connection.all().count() == 0 and crm.auth.count("/token") == 0


async def test_a_denied_consent_says_so_and_uses_the_state_up(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    crm.auth.deny_next()
    location = await consent(browser, await start(acme.api))
    assert location.params["error"] == "access_denied" and "code" not in location.params
    await refused(client, location, "Nothing was connected: you did not allow access.")
    forged = location.copy_remove_param("error").copy_set_param("code", "guessed")
    await refused(client, forged, "already used")
    assert await Connection.all().count() == 0


async def test_a_refused_code_is_explained(acme: AccountUnderTest, crm: ExampleCrm,
                                           browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    crm.auth.fail_next(400, body={"error": "invalid_grant"})
    page = await refused(client, location, "refused the authorization (invalid_grant)")
    assert location.params["code"] not in page.text
    assert await Connection.all().count() == 0


async def test_an_unreachable_service_is_explained(acme: AccountUnderTest, crm: ExampleCrm,
                                                   browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    crm.auth.fail_next(503, times=5)
    await refused(client, location, "could not be reached")
    assert await Connection.all().count() == 0


async def test_page_text_from_the_query_string_is_escaped(acme: AccountUnderTest, browser: httpx.AsyncClient,
                                                          client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    hostile = location.copy_remove_param("code").copy_set_param("error", "<script>alert(1)</script>")
    page = await refused(client, hostile, "&lt;script&gt;")
    assert "<script>" not in page.text


async def test_an_unknown_service_has_no_callback(client: httpx.AsyncClient) -> None:
    page = await callback(client, httpx.URL("http://api.test/oauth/nothing/callback?code=a&state=b"))
    assert page.status_code == 404 and "no such service" in page.text


@pytest.fixture
async def page_client(services: object, settings: object, tmp_path: object) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the import page built: the callback then returns the browser to the page."""
    from app.web import Services, create_app

    dist = tmp_path / "dist"  # type: ignore[operator]
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><html><head></head><body></body></html>")
    shared = Services(settings=settings.model_copy(update={"web_dist": dist}), cipher=services.cipher,  # type: ignore[attr-defined]
                      source=services.source, queue=services.queue)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(services=shared)),
                                 base_url="http://api.test") as c:
        yield c


def returned_to_the_page(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 303, response.text
    for header, value in {"cache-control": "no-store", "referrer-policy": "no-referrer",
                          "x-frame-options": "DENY"}.items():
        assert response.headers[header] == value
    location = httpx.URL(response.headers["location"])
    assert location.path == "/import" and not location.host  # same origin, never elsewhere
    return dict(location.params)


async def test_with_the_page_built_the_browser_returns_to_the_wizard_with_the_connection(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, page_client: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(Api(page_client, acme.token)))  # the page's browser starts it

    params = returned_to_the_page(await page_client.get(str(location)))

    listed = await acme.api(CONNECTIONS)
    assert params == {"service": SERVICE_ID, "connected": listed["connections"][0]["id"]}
    assert location.params["code"] not in json.dumps(params)
    for secret in crm.auth.access_tokens:
        assert secret not in json.dumps(params)


async def test_with_the_page_built_a_refusal_returns_to_the_wizard_saying_why(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, page_client: httpx.AsyncClient) -> None:
    crm.auth.deny_next()
    on_the_page = Api(page_client, acme.token)  # the browser that starts the consent comes back to the page
    denied = await consent(browser, await start(on_the_page))
    params = returned_to_the_page(await page_client.get(str(denied)))
    assert params == {"service": SERVICE_ID, "connectError": "Example CRM was not connected: you did not allow access."}

    location = await consent(browser, await start(on_the_page))
    assert "connected" in returned_to_the_page(await page_client.get(str(location)))
    replayed = returned_to_the_page(await page_client.get(str(location)))
    assert "already used" in replayed["connectError"] and "connected" not in replayed
    assert await Connection.all().count() == 1
