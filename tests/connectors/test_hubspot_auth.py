"""HubSpot credentials: connect (private app token or OAuth token set, named by portal), the consent
round trip, refresh ahead of expiry with the new token saved before use, and revocation."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.hubspot import HubSpotConnector
from app.errors import Invalid, NeedsReauth
from tests.connectors.hubspot_support import (  # noqa: F401
    REDIRECT_URI,
    hubspot,
    hubspot_context,
    hubspot_http,
    oauth_engine,
    private_app_engine,
)
from tests.simulators.hubspot import PRIVATE_APP_TOKEN, SEARCH_PATH, HubSpotSimulator


def token_set(sim: HubSpotSimulator, expires_in: float | None = None, scope: str = "") -> dict[str, Any]:
    tokens = sim.oauth.issue_tokens(scope=scope)
    lifetime = tokens["expires_in"] if expires_in is None else expires_in
    return {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
            "expires_at": int(time.time() + lifetime)}


async def test_a_private_app_token_connects_and_names_the_portal(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    connected = await HubSpotConnector().connect({"private_app_token": f" {PRIVATE_APP_TOKEN} "}, hubspot_context)

    assert connected.external_account == "portal 12345678"
    assert connected.settings == {"private_app_token": PRIVATE_APP_TOKEN, "hub_id": 12345678}


@pytest.mark.parametrize("settings, key", [
    ({"private_app_token": "pat-na1-wrong"}, "private_app_token"),
    ({"private_app_token": ""}, "private_app_token"),
    ({"private_app_token": PRIVATE_APP_TOKEN, "access_token": "x"}, None),
    ({"access_token": "x", "expires_at": 1}, "refresh_token"),
    ({}, "access_token"),
])
async def test_refused_or_malformed_settings_are_invalid(
    settings: dict[str, Any], key: str | None, hubspot_context: SourceContext
) -> None:
    with pytest.raises(Invalid) as refused:
        await HubSpotConnector().connect(settings, hubspot_context)
    assert refused.value.field == (["settings", key] if key else ["settings"])
    assert "pat-na1-wrong" not in refused.value.message


async def test_a_private_app_without_the_contacts_scope_is_refused(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.private_app_tokens["pat-na1-no-scope"] = ("crm.objects.companies.read",)
    with pytest.raises(Invalid, match=r"crm\.objects\.contacts\.read"):
        await HubSpotConnector().connect({"private_app_token": "pat-na1-no-scope"}, hubspot_context)


async def test_an_oauth_token_set_connects_and_names_the_portal_and_domain(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    tokens = token_set(hubspot)
    connected = await HubSpotConnector().connect(tokens, hubspot_context)

    assert connected.external_account == "portal 12345678"
    assert connected.settings == {**tokens, "hub_id": 12345678}


async def test_the_consent_round_trip_gives_a_token_set_that_connects(
    hubspot: HubSpotSimulator, hubspot_http: httpx.AsyncClient, hubspot_context: SourceContext
) -> None:
    connector = HubSpotConnector()
    url = connector.authorize_url(hubspot_context, REDIRECT_URI, "state-1")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("http://hubspot.test/oauth/authorize?")
    assert query["scope"] == ["crm.objects.contacts.read"] and query["client_id"] == ["hubspot-client-id"]

    redirect = await hubspot_http.get(url)
    answer = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert answer["state"] == ["state-1"]
    tokens = await connector.exchange_code(answer["code"][0], REDIRECT_URI, hubspot_context)
    connected = await connector.connect(tokens, hubspot_context)

    assert connected.external_account == "portal 12345678"
    with pytest.raises(Invalid):  # a code works once
        await connector.exchange_code(answer["code"][0], REDIRECT_URI, hubspot_context)


async def test_an_expiring_token_set_is_refreshed_at_connect(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    tokens = token_set(hubspot, expires_in=-10)
    hubspot.oauth.expire_access_tokens()

    connected = await HubSpotConnector().connect(tokens, hubspot_context)

    assert connected.settings["access_token"] != tokens["access_token"]
    assert connected.settings["expires_at"] > time.time() + 600
    assert hubspot.oauth.count("/oauth/2026-03/token", "refresh_token") == 1


async def test_a_revoked_or_unscoped_token_set_does_not_connect(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    unscoped = token_set(hubspot, scope="oauth")
    with pytest.raises(Invalid, match=r"crm\.objects\.contacts\.read"):
        await HubSpotConnector().connect(unscoped, hubspot_context)

    tokens = token_set(hubspot)
    hubspot.oauth.revoke_refresh_tokens()
    with pytest.raises(Invalid) as refused:
        await HubSpotConnector().connect(tokens, hubspot_context)
    assert tokens["access_token"] not in refused.value.message


async def test_without_an_oauth_client_configured_oauth_is_refused(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    bare = SourceContext(http=hubspot_context.http, production=False, max_bytes=1000,
                         endpoints=hubspot_context.endpoints)
    with pytest.raises(Invalid, match="AUTOIMPORT_HUBSPOT_CLIENT_ID"):
        HubSpotConnector().authorize_url(bare, REDIRECT_URI, "s")
    with pytest.raises(Invalid, match="not configured"):
        await HubSpotConnector().connect(token_set(hubspot), bare)


async def test_an_expired_access_token_is_refreshed_and_saved_before_it_is_used(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(3)
    hubspot.oauth.rotate_refresh_tokens = True
    tokens = token_set(hubspot, expires_in=60)  # within the 5 minutes ahead of expiry
    engine = oauth_engine(hubspot_context, tokens)
    searches_when_saved: list[int] = []
    save = engine.save_settings

    async def save_and_note(settings: dict[str, Any]) -> None:
        searches_when_saved.append(hubspot.search_count)
        await save(settings)
    engine.save_settings = save_and_note  # type: ignore[method-assign]

    assert len(await engine.sync(500)) == 3

    saved = engine.saved_settings
    assert len(saved) == 1 and searches_when_saved == [0]
    assert saved[0]["access_token"] != tokens["access_token"]
    assert saved[0]["refresh_token"] != tokens["refresh_token"]  # rotated, and kept
    assert [token for _, path, token, _ in hubspot.requests if path == SEARCH_PATH] == [saved[0]["access_token"]]


async def test_a_revoked_refresh_token_needs_reauthorisation(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(3)
    tokens = token_set(hubspot, expires_in=-1)
    hubspot.oauth.revoke_refresh_tokens()

    with pytest.raises(NeedsReauth) as refused:
        await oauth_engine(hubspot_context, tokens).sync(500)

    assert tokens["refresh_token"] not in str(refused.value)
    assert hubspot.search_count == 0  # HubSpot answers 400 BAD_REFRESH_TOKEN; nothing else is tried


async def test_a_private_app_token_is_used_as_it_is(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(2)
    assert len(await private_app_engine(hubspot_context).sync(500)) == 2
    assert hubspot.oauth.count() == 0


# -- HubSpot's date-versioned OAuth API (the v1 paths are deprecated in its spec) ---------------


def oauth_calls(sim: HubSpotSimulator) -> list[tuple[str, str]]:
    api = [(method, path) for method, path, _, _ in sim.requests if path.startswith("/oauth")]
    return api + [(method, path) for method, path, _ in sim.oauth.requests]


async def test_connect_introspects_the_token_with_the_client_credentials_in_the_form(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    tokens = token_set(hubspot)
    await HubSpotConnector().connect(tokens, hubspot_context)

    forms = [form for _, path, _, form in hubspot.requests if path == "/oauth/2026-03/token/introspect"]
    assert forms == [{"token": "***", "token_type_hint": "access_token", "client_id": "hubspot-client-id",
                      "client_secret": "***"}]
    assert not any("/oauth/v1/" in path for _, path in oauth_calls(hubspot))


async def test_a_refresh_connect_and_revocation_never_use_a_deprecated_v1_path(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    tokens = token_set(hubspot, expires_in=-10)
    connected = await HubSpotConnector().connect(tokens, hubspot_context)
    await HubSpotConnector().revoke_credentials(connected.settings, hubspot_context)

    assert hubspot.oauth.revoked == [tokens["refresh_token"]]
    assert sorted(set(oauth_calls(hubspot))) == [("POST", "/oauth/2026-03/token"),
                                                  ("POST", "/oauth/2026-03/token/introspect"),
                                                  ("POST", "/oauth/2026-03/token/revoke")]


async def test_an_introspection_that_does_not_say_active_does_not_connect(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    tokens = token_set(hubspot)
    info = hubspot.oauth.token_info
    hubspot.oauth.token_info = lambda token, app_id=0: {**(info(token) or {}), "active": False}  # type: ignore[method-assign]

    with pytest.raises(Invalid, match="refused this access token") as refused:
        await HubSpotConnector().connect(tokens, hubspot_context)
    assert tokens["access_token"] not in refused.value.message


async def test_the_simulated_oauth_api_answers_what_its_spec_declares(
    hubspot: HubSpotSimulator, hubspot_http: httpx.AsyncClient
) -> None:
    tokens = hubspot.oauth.issue_tokens()
    client = {"client_id": "hubspot-client-id", "client_secret": "hubspot-client-secret"}
    refreshed = (await hubspot_http.post("/oauth/2026-03/token", data={
        **client, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})).json()
    refused = await hubspot_http.post("/oauth/2026-03/token", data={
        **client, "grant_type": "refresh_token", "refresh_token": "unknown"})
    unscoped = await hubspot_http.post(SEARCH_PATH, json={}, headers={
        "Authorization": f"Bearer {hubspot.oauth.issue_tokens(scope='oauth')['access_token']}"})

    assert refreshed["refresh_token"] == tokens["refresh_token"] and refreshed["token_use"] == "access_token"
    assert refused.status_code == 400
    assert {"category", "correlationId", "message", "error", "error_description"} <= set(refused.json())
    assert refused.json()["error"] == "invalid_grant" and refused.json()["status"] == "BAD_REFRESH_TOKEN"
    assert unscoped.status_code == 403 and unscoped.json()["category"] == "MISSING_SCOPES"
    assert all(entry["message"] for entry in unscoped.json()["errors"])
