"""Defect 16: the OAuth state was bound to the account but not to the browser that started the
consent (RFC 6749 §10.12), so a consent started by someone else could be completed in this
user's session. `connectService` now sets a short-lived HttpOnly, SameSite=Lax cookie with the
consent URL, and the callback refuses a state arriving without it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.connections.models import Connection, OAuthState
from app.web import Services, create_app
from tests.conftest import AccountUnderTest, Api
from tests.connections.flow import callback, connect, consent, start
from tests.connections.support import SERVICE_ID, ExampleCrm

pytestmark = pytest.mark.usefixtures("db_ready")


@pytest.fixture
async def other_browser(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser on the same app: its own cookie jar."""
    app = create_app(services=services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as c:
        yield c


async def test_connect_service_sets_a_short_lived_http_only_lax_cookie_for_the_callbacks_only(
        acme: AccountUnderTest, crm: ExampleCrm) -> None:
    response = await acme.api.raw(
        f'mutation {{ connectService(input: {{serviceId: "{SERVICE_ID}", settings: {{}}}}) {{ authorizeUrl }} }}')
    assert response.json()["data"]["connectService"]["authorizeUrl"]
    (cookie,) = response.headers.get_list("set-cookie")
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0].startswith("autoimport_oauth_")
    assert {"httponly", "samesite=lax", "max-age=600", "path=/oauth/"} <= set(attributes)
    assert "secure" not in attributes  # the public URL here is http://api.test


async def test_a_consent_started_in_another_browser_is_refused_and_changes_nothing(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        other_browser: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))  # started by `client`, acme's browser

    page = await callback(other_browser, location)  # e.g. an attacker's link opened by a victim

    assert page.status_code == 400, page.text
    assert "started in another browser or session" in page.text
    assert await Connection.all().count() == 0
    assert crm.auth.count("/token") == 0  # the code was never exchanged
    assert (await OAuthState.get(account_id=acme.account.id)).used_at is None
    # The browser that started it still completes it.
    assert (await callback(client, location)).status_code == 200
    assert await Connection.all().count() == 1


async def test_another_browser_signed_in_to_the_same_account_cannot_complete_it_either(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient,
        other_browser: httpx.AsyncClient) -> None:
    location = await consent(browser, await start(acme.api))
    await start(Api(other_browser, acme.token))  # its own consent, its own cookie

    page = await callback(other_browser, location)

    assert page.status_code == 400 and "started in another browser or session" in page.text


async def test_two_consents_in_one_browser_each_complete(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    first = await consent(browser, await start(acme.api, name="First"))
    second = await consent(browser, await start(acme.api, name="Second"))

    assert (await callback(client, second)).status_code == 200
    assert (await callback(client, first)).status_code == 200


async def test_an_unknown_state_without_a_cookie_is_still_called_not_valid(
        acme: AccountUnderTest, crm: ExampleCrm, other_browser: httpx.AsyncClient) -> None:
    assert (await connect(acme.api))["authorizeUrl"]
    page = await callback(other_browser, httpx.URL(f"http://api.test/oauth/{SERVICE_ID}/callback?code=c&state=nope"))
    assert page.status_code == 400 and "This sign-in link is not valid" in page.text
