"""HubSpot through the real engine and database: 12,000 contacts sharing one lastmodifieddate, the
500 budget, token refresh and rotation saved with the connection, revocation, connect, fields."""

from __future__ import annotations

import time
from typing import Any

import pytest

import app.connectors.registry
from app.autoimports.service import create_auto_import
from app.config import Settings
from app.connections.models import Connection, ConnectionStatus, ExternalAccount
from app.connections.service import connect_service, decrypt_connection_settings, save_connection_settings
from app.connectors.base import OAuthClient, SourceContext
from app.connectors.hubspot import HubSpotConnector
from app.contacts.models import Contact
from app.errors import Invalid
from app.web import Services
from tests.conftest import AccountUnderTest, SourceContexts, Sync
from tests.simulators.hubspot import (
    CLIENT_ID,
    CLIENT_SECRET,
    PRIVATE_APP_TOKEN,
    SEARCH_PATH,
    START,
    HubSpotSimulator,
    to_ms,
)
from tests.sync.helpers import contact, import_state, last_run, make_due, problem

BASE = "http://hubspot.test"
ONE_MOMENT = to_ms(START) + 321


@pytest.fixture(autouse=True)
def hubspot_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.connectors.registry.CONNECTORS, "hubspot", HubSpotConnector())


@pytest.fixture
def sync_limit() -> int:
    return 500


@pytest.fixture
def settings(settings: Settings, sync_limit: int) -> Settings:
    """tests/conftest.py's settings, with the budget a test asks for (500 unless parametrized)."""
    return settings.model_copy(update={"sync_limit": sync_limit})


@pytest.fixture
def hubspot() -> HubSpotSimulator:
    return HubSpotSimulator()


@pytest.fixture
def source(hubspot: HubSpotSimulator, source_for: SourceContexts) -> SourceContext:
    """The engine's source context, pointed at the HubSpot simulator (overrides tests/conftest.py's)."""
    return source_for(hubspot, endpoints={"hubspot": BASE, "hubspot_authorize": f"{BASE}/oauth/authorize"},
                      oauth_clients={"hubspot": OAuthClient(CLIENT_ID, CLIENT_SECRET)})


def token_set(sim: HubSpotSimulator, expires_in: float = 1800) -> dict[str, Any]:
    tokens = sim.oauth.issue_tokens()
    return {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
            "expires_at": int(time.time() + expires_in)}


async def hubspot_import(services: Services, account: AccountUnderTest, settings: dict[str, Any],
                         criteria: dict[str, Any] | None = None) -> tuple[Connection, str]:
    connection = await connect_service(account.account.id, "hubspot", None, settings, services.cipher, services.source)
    auto_import = await create_auto_import(account.account.id, "hubspot", connection.id, None, criteria or {},
                                           None, None, None)
    return connection, str(auto_import.id)


async def run_syncs(sync: Sync, import_id: str, times: int) -> list[int]:
    fetched = []
    for _ in range(times):
        fetched.append(sum(s.records for s in await sync.due()))
        await make_due(import_id)
    return fetched


@pytest.mark.parametrize("sync_limit", [5000])
async def test_12000_contacts_sharing_one_timestamp_all_arrive_once_without_a_loop(
    acme: AccountUnderTest, hubspot: HubSpotSimulator, services: Services, sync: Sync
) -> None:
    hubspot.seed(12_000, modified_ms=ONE_MOMENT)
    _, import_id = await hubspot_import(services, acme, {"private_app_token": PRIVATE_APP_TOKEN})

    assert await run_syncs(sync, import_id, 4) == [5000, 5000, 2000, 0]

    assert await Contact.filter(account_id=acme.account.id).count() == 12_000
    state = await import_state(acme.api, import_id)
    assert state["totals"]["added"] == 12_000 and state["totals"]["unchanged"] == 0  # nothing read twice
    assert [run["outcome"] for run in reversed(state["syncs"])] == ["PARTIAL", "PARTIAL", "COMPLETED", "COMPLETED"]
    assert all("after" not in body for body in hubspot.search_bodies())  # the 10,000 cap is never neared


async def test_the_500_budget_holds_on_contacts_sharing_one_timestamp(
    acme: AccountUnderTest, hubspot: HubSpotSimulator, services: Services, sync: Sync
) -> None:
    hubspot.seed(12_000, modified_ms=ONE_MOMENT)
    _, import_id = await hubspot_import(services, acme, {"private_app_token": PRIVATE_APP_TOKEN})

    assert await run_syncs(sync, import_id, 3) == [500, 500, 500]

    assert await Contact.filter(account_id=acme.account.id).count() == 1500
    state = await import_state(acme.api, import_id)
    assert state["totals"]["unchanged"] == 0 and state["status"] == "BACKLOG"
    assert last_run(state)["backlogEstimate"] > 0


async def test_an_expired_access_token_is_refreshed_and_the_rotated_tokens_saved_with_the_connection(
    acme: AccountUnderTest, hubspot: HubSpotSimulator, services: Services, sync: Sync
) -> None:
    hubspot.seed(5)
    hubspot.oauth.rotate_refresh_tokens = True
    tokens = token_set(hubspot)
    connection, import_id = await hubspot_import(services, acme, tokens)
    # an hour later: the access token has expired
    hubspot.oauth.expire_access_tokens()
    await save_connection_settings(connection, services.cipher, {**tokens, "expires_at": int(time.time()) - 60})

    assert await run_syncs(sync, import_id, 1) == [5]

    stored = decrypt_connection_settings(await Connection.get(id=connection.id), services.cipher)
    assert stored["access_token"] != tokens["access_token"] and stored["refresh_token"] != tokens["refresh_token"]
    assert stored["expires_at"] > time.time() + 600
    assert [token for _, path, token, _ in hubspot.requests if path == SEARCH_PATH] == [stored["access_token"]]
    assert stored["refresh_token"] in hubspot.oauth.live_refresh_tokens


async def test_a_revoked_refresh_token_marks_the_connection_and_the_import_as_needing_reauthorisation(
    acme: AccountUnderTest, hubspot: HubSpotSimulator, services: Services, sync: Sync
) -> None:
    hubspot.seed(5)
    connection, import_id = await hubspot_import(services, acme, token_set(hubspot, expires_in=240))
    hubspot.oauth.revoke_refresh_tokens()  # the user uninstalled the app

    assert await run_syncs(sync, import_id, 1) == [0]

    assert (await Connection.get(id=connection.id)).status is ConnectionStatus.NEEDS_REAUTH
    state = await import_state(acme.api, import_id)
    assert state["status"] == "NEEDS_REAUTH" and problem(state, "NEEDS_REAUTH") is not None
    assert last_run(state)["outcome"] == "FAILED"


async def test_a_portal_is_one_external_account_whichever_way_it_is_connected(
    acme: AccountUnderTest, hubspot: HubSpotSimulator, services: Services
) -> None:
    await hubspot_import(services, acme, {"private_app_token": PRIVATE_APP_TOKEN})
    await hubspot_import(services, acme, token_set(hubspot))
    with pytest.raises(Invalid):
        await connect_service(acme.account.id, "hubspot", None, {"private_app_token": "pat-na1-wrong"},
                              services.cipher, services.source)

    names = sorted(await ExternalAccount.filter(account_id=acme.account.id).values_list("name", flat=True))
    assert names == ["portal 12345678"]  # the private app and the OAuth imports share one budget


async def test_fields_become_hubspot_custom_fields_and_opted_out_contacts_arrive_unsubscribed(
    acme: AccountUnderTest, hubspot: HubSpotSimulator, services: Services, sync: Sync
) -> None:
    hubspot.add_contact("ada@example.com", firstname="Ada", company="Acme", lifecyclestage="customer",
                        jobtitle="CTO", hs_email_optout="true")
    hubspot.add_contact("bob@example.com", firstname="Bob", lifecyclestage="lead")
    _, import_id = await hubspot_import(services, acme, {"private_app_token": PRIVATE_APP_TOKEN},
                                        criteria={"lifecycle_stage": "customer"})

    assert await run_syncs(sync, import_id, 1) == [1]

    ada = await contact(acme.api, "ada@example.com")
    assert ada is not None and ada["status"] == "UNSUBSCRIBED"
    values = {v["field"]["title"]: (v["field"]["perstag"], v["value"]) for v in ada["fieldValues"]}
    assert values == {"HubSpot Company": ("%HUBSPOT_COMPANY%", "Acme"),
                      "HubSpot Lifecycle stage": ("%HUBSPOT_LIFECYCLE_STAGE%", "Customer"),
                      "HubSpot Job title": ("%HUBSPOT_JOB_TITLE%", "CTO")}
    assert await contact(acme.api, "bob@example.com") is None
