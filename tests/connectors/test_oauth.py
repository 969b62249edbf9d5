"""The shared OAuth 2.0 helpers against a generic authorization server (tests/simulators/oauth.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.connectors.base import FetchRequest, OAuthClient, SourceContext
from app.connectors.oauth import (
    REFRESH_AHEAD,
    OAuthEndpoints,
    build_authorize_url,
    exchange_code,
    fresh_access_token,
    oauth_client,
)
from app.errors import Invalid, NeedsReauth, SourceUnavailable
from tests.connectors.csv_feed_support import KnownFingerprints
from tests.simulators.oauth import OAuthSimulator

BASE = "http://auth.test"
ENDPOINTS = OAuthEndpoints(authorize_url=f"{BASE}/authorize", token_url=f"{BASE}/token",
                           scopes=("contacts.read", "profile"), extra_authorize_params={"access_type": "offline"})
REDIRECT_URI = "http://api.test/oauth/example/callback"


@pytest.fixture
def auth() -> OAuthSimulator:
    return OAuthSimulator()


@pytest.fixture
def client(auth: OAuthSimulator) -> OAuthClient:
    return OAuthClient(auth.client_id, auth.client_secret)


@pytest.fixture
async def context(auth: OAuthSimulator, client: OAuthClient) -> AsyncIterator[SourceContext]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=auth), base_url=BASE) as http:
        yield SourceContext(http=http, production=False, max_bytes=100_000, retries=2,
                            oauth_clients={"example": client})


class SavedSettings:
    """Records what `save_settings` persisted, and the order of events."""

    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []

    async def __call__(self, settings: dict[str, Any]) -> None:
        self.saved.append(dict(settings))


def fetch_request(context: SourceContext, settings: dict[str, Any], saver: SavedSettings) -> FetchRequest:
    return FetchRequest(settings=settings, criteria={}, cursor={}, limit=10, fingerprints=KnownFingerprints(),
                        context=context, save_settings=saver)


async def consent(context: SourceContext, client: OAuthClient, state: str = "s1") -> str:
    """Follows the consent page like a browser; returns the code the redirect carries."""
    response = await context.http.get(build_authorize_url(ENDPOINTS, client, REDIRECT_URI, state))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    assert query["state"] == [state]
    return query["code"][0]


def test_the_consent_url_carries_the_client_scopes_state_and_extras(client: OAuthClient) -> None:
    url = build_authorize_url(ENDPOINTS, client, REDIRECT_URI, "st/ate+1")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{BASE}/authorize?")
    assert query == {"response_type": ["code"], "client_id": [client.client_id], "redirect_uri": [REDIRECT_URI],
                     "scope": ["contacts.read profile"], "state": ["st/ate+1"], "access_type": ["offline"]}
    assert client.client_secret not in url


def test_a_service_without_a_configured_client_is_refused_by_name(context: SourceContext) -> None:
    assert oauth_client(context, "example", "Example").client_id == "test-client-id"
    with pytest.raises(Invalid, match=r"Google Contacts is not configured on this server \(set AUTOIMPORT_GOOGLE"):
        oauth_client(context, "google_contacts", "Google Contacts")
    with pytest.raises(Invalid, match="AUTOIMPORT_HUBSPOT_CLIENT_ID/SECRET"):
        oauth_client(context, "hubspot", "HubSpot")


async def test_a_code_is_exchanged_for_an_expiring_token_set(auth: OAuthSimulator, context: SourceContext,
                                                              client: OAuthClient) -> None:
    code = await consent(context, client)
    before = time.time()
    tokens = await exchange_code(context, ENDPOINTS, client, code, REDIRECT_URI)
    assert set(tokens) == {"access_token", "refresh_token", "expires_at"}
    assert before + 3600 - 1 <= tokens["expires_at"] <= time.time() + 3600
    assert auth.account_for(tokens["access_token"]) == "ann@example.com"
    _, path, form = auth.requests[-1]
    assert path == "/token"
    assert form == {"grant_type": "authorization_code", "code": "***", "redirect_uri": REDIRECT_URI,
                    "client_id": client.client_id, "client_secret": "***"}


@pytest.mark.parametrize("reuse", ["replayed", "wrong_redirect", "unknown"])
async def test_a_refused_code_is_invalid_and_names_no_secret(context: SourceContext, client: OAuthClient,
                                                              reuse: str) -> None:
    code = await consent(context, client)
    redirect = REDIRECT_URI
    if reuse == "replayed":
        await exchange_code(context, ENDPOINTS, client, code, REDIRECT_URI)
    elif reuse == "wrong_redirect":
        redirect = "http://api.test/elsewhere"
    else:
        code = "made-up"
    with pytest.raises(Invalid, match=r"refused the authorization \(invalid_grant\)") as raised:
        await exchange_code(context, ENDPOINTS, client, code, redirect)
    assert code not in str(raised.value)


async def test_a_wrong_client_secret_is_invalid_client(context: SourceContext, client: OAuthClient) -> None:
    code = await consent(context, client)
    with pytest.raises(Invalid, match="invalid_client") as raised:
        await exchange_code(context, ENDPOINTS, OAuthClient(client.client_id, "wrong"), code, REDIRECT_URI)
    assert "wrong" not in str(raised.value)


async def test_a_valid_token_is_used_as_it_is(auth: OAuthSimulator, context: SourceContext,
                                              client: OAuthClient) -> None:
    tokens = auth.issue_tokens()
    settings = {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                "expires_at": time.time() + REFRESH_AHEAD + 60}
    saver = SavedSettings()
    assert await fresh_access_token(fetch_request(context, settings, saver), ENDPOINTS, client) == (
        tokens["access_token"])
    assert auth.count("/token") == 0 and saver.saved == []


@pytest.mark.parametrize("rotate", [False, True])
async def test_a_token_about_to_expire_is_refreshed_and_saved_before_use(
        auth: OAuthSimulator, context: SourceContext, client: OAuthClient, rotate: bool) -> None:
    auth.rotate_refresh_tokens = rotate
    tokens = auth.issue_tokens()
    settings = {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
                "expires_at": time.time() + REFRESH_AHEAD - 1, "portal": "kept"}
    saver = SavedSettings()
    request = fetch_request(context, settings, saver)

    access = await fresh_access_token(request, ENDPOINTS, client)

    assert access != tokens["access_token"] and auth.account_for(access) == "ann@example.com"
    assert saver.saved == [request.settings]  # persisted once, and the request sees the same set
    assert request.settings is settings and settings["access_token"] == access
    assert settings["expires_at"] > time.time() + 3000 and settings["portal"] == "kept"
    if rotate:
        assert settings["refresh_token"] != tokens["refresh_token"]
        assert auth.live_refresh_tokens == [settings["refresh_token"]]
    else:
        assert settings["refresh_token"] == tokens["refresh_token"]
    assert auth.count("/token", "refresh_token") == 1
    # The next call uses the fresh token without asking again.
    assert await fresh_access_token(request, ENDPOINTS, client) == access
    assert auth.count("/token", "refresh_token") == 1


async def test_the_rotated_refresh_token_is_saved_before_the_access_token_is_returned(
        auth: OAuthSimulator, context: SourceContext, client: OAuthClient) -> None:
    auth.rotate_refresh_tokens = True
    tokens = auth.issue_tokens()
    settings = {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"], "expires_at": 0}

    async def crash_on_save(new: dict[str, Any]) -> None:
        raise RuntimeError("database down")

    request = FetchRequest(settings=settings, criteria={}, cursor={}, limit=10, fingerprints=KnownFingerprints(),
                           context=context, save_settings=crash_on_save)
    with pytest.raises(RuntimeError):
        await fresh_access_token(request, ENDPOINTS, client)
    assert settings["refresh_token"] == tokens["refresh_token"]  # nothing used that was not saved


@pytest.mark.parametrize(("status", "body"), [(400, {"error": "invalid_grant"}), (401, {"error": "invalid_grant"}),
                                              (401, {"error": "invalid_client"})])
async def test_a_refused_refresh_needs_reauth_without_retries(auth: OAuthSimulator, context: SourceContext,
                                                              client: OAuthClient, status: int,
                                                              body: dict[str, str]) -> None:
    auth.fail_next(status, body=body)
    saver = SavedSettings()
    settings = {"access_token": "at-old", "refresh_token": "rt-secret-value", "expires_at": 0}
    with pytest.raises(NeedsReauth, match=r"access was revoked.*reconnect") as raised:
        await fresh_access_token(fetch_request(context, settings, saver), ENDPOINTS, client)
    assert "rt-secret-value" not in str(raised.value) and "at-old" not in str(raised.value)
    assert auth.count("/token") == 1 and saver.saved == []


async def test_a_revoked_grant_needs_reauth(auth: OAuthSimulator, context: SourceContext, client: OAuthClient) -> None:
    tokens = auth.issue_tokens()
    auth.revoke_refresh_tokens()
    settings = {**tokens, "expires_at": 0}
    with pytest.raises(NeedsReauth, match=r"\(invalid_grant\)"):
        await fresh_access_token(fetch_request(context, settings, SavedSettings()), ENDPOINTS, client)


async def test_without_a_refresh_token_an_expired_access_needs_reauth(context: SourceContext,
                                                                       client: OAuthClient) -> None:
    with pytest.raises(NeedsReauth, match="reconnect"):
        await fresh_access_token(fetch_request(context, {"access_token": "a", "expires_at": 0}, SavedSettings()),
                                 ENDPOINTS, client)


async def test_server_errors_on_refresh_are_retried_then_transient(auth: OAuthSimulator, context: SourceContext,
                                                                   client: OAuthClient) -> None:
    tokens = auth.issue_tokens()
    auth.fail_next(503, times=2)
    saver = SavedSettings()
    settings = {**tokens, "expires_at": 0}
    access = await fresh_access_token(fetch_request(context, settings, saver), ENDPOINTS, client)
    assert auth.account_for(access) and auth.count("/token") == 3 and len(saver.saved) == 1

    auth.fail_next(500, times=3)
    settings["expires_at"] = 0
    with pytest.raises(SourceUnavailable):
        await fresh_access_token(fetch_request(context, settings, saver), ENDPOINTS, client)


async def test_a_timeout_on_refresh_is_transient(client: OAuthClient) -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(time_out)) as http:
        context = SourceContext(http=http, production=False, max_bytes=1000, retries=1)
        settings = {"access_token": "a", "refresh_token": "r", "expires_at": 0}
        with pytest.raises(SourceUnavailable, match="ReadTimeout"):
            await fresh_access_token(fetch_request(context, settings, SavedSettings()), ENDPOINTS, client)


async def test_an_answer_without_an_access_token_is_transient(auth: OAuthSimulator, context: SourceContext,
                                                              client: OAuthClient) -> None:
    auth.fail_next(200, times=3, body={"token_type": "Bearer"})
    settings = {"access_token": "a", "refresh_token": "r", "expires_at": 0}
    with pytest.raises(SourceUnavailable):
        await fresh_access_token(fetch_request(context, settings, SavedSettings()), ENDPOINTS, client)


async def test_no_token_reaches_the_logs(auth: OAuthSimulator, context: SourceContext, client: OAuthClient,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    code = await consent(context, client)
    tokens = await exchange_code(context, ENDPOINTS, client, code, REDIRECT_URI)
    settings = {**tokens, "expires_at": 0}
    await fresh_access_token(fetch_request(context, settings, SavedSettings()), ENDPOINTS, client)
    logged = caplog.text
    for secret in (code, tokens["access_token"], tokens["refresh_token"], settings["access_token"],
                   client.client_secret):
        assert secret not in logged
