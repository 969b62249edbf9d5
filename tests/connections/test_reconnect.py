"""Reconnecting: a connection whose access was revoked is renewed in place (same id, ACTIVE,
new tokens) through the consent page or with new credentials, and its imports resume."""

from __future__ import annotations

import httpx
import pytest

from app.connections.models import Connection, ConnectionStatus
from app.connections.service import decrypt_connection_settings
from app.contacts.models import Contact
from app.web import Services
from tests.conftest import AccountUnderTest, RecordingQueue, Sync
from tests.connections.flow import (
    CONNECTIONS,
    callback,
    connect,
    connect_through_consent,
    consent,
    create_import,
    start,
)
from tests.connections.support import ExampleCrm
from tests.sync.helpers import import_state, make_due

pytestmark = pytest.mark.usefixtures("db_ready")


async def revoked_import(acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient,
                         client: httpx.AsyncClient, sync: Sync) -> tuple[str, str]:
    """A connection with an import that synced, then lost its access: (connection id, import id)."""
    crm.add_contacts("ann@example.com", 3)
    assert (await connect_through_consent(acme.api, browser, client, name="CRM")).status_code == 200
    connection_id = (await acme.api(CONNECTIONS))["connections"][0]["id"]
    import_id = await create_import(acme.api, connection_id)
    await sync.due()
    assert await Contact.filter(account_id=acme.account.id).count() == 3

    crm.auth.revoke_refresh_tokens()
    await make_due(import_id)
    await sync.due()
    assert (await import_state(acme.api, import_id))["status"] == "NEEDS_REAUTH"
    assert (await acme.api(CONNECTIONS))["connections"][0]["status"] == "NEEDS_REAUTH"
    return connection_id, import_id


async def test_reconnecting_through_consent_renews_the_same_connection_and_imports_resume(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        sync: Sync, services: Services, queue: RecordingQueue) -> None:
    connection_id, import_id = await revoked_import(acme, crm, browser, client, sync)
    old = decrypt_connection_settings(await Connection.get(id=int(connection_id)), services.cipher)
    crm.add_contacts("ann@example.com", 2, start=3)
    queue.jobs.clear()

    page = await connect_through_consent(acme.api, browser, client)

    assert page.status_code == 200 and "Connected Example CRM account ann@example.com" in page.text
    listed = (await acme.api(CONNECTIONS))["connections"]
    assert [(c["id"], c["name"], c["status"]) for c in listed] == [(connection_id, "CRM", "ACTIVE")]
    new = decrypt_connection_settings(await Connection.get(id=int(connection_id)), services.cipher)
    assert new["refresh_token"] != old["refresh_token"] and new["access_token"] != old["access_token"]
    assert len(queue.jobs) == 1  # the import was queued at once
    await sync.due()  # and it is due now, without waiting for the interval
    assert await Contact.filter(account_id=acme.account.id).count() == 5
    assert (await import_state(acme.api, import_id))["status"] == "ACTIVE"


async def test_reconnecting_with_credentials_clears_needs_reauth(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        sync: Sync) -> None:
    connection_id, import_id = await revoked_import(acme, crm, browser, client, sync)
    tokens = crm.auth.issue_tokens("ann@example.com")

    payload = await connect(acme.api, {**tokens, "expires_at": 2_000_000_000})

    assert payload["userErrors"] == [] and payload["connection"]["id"] == connection_id
    assert payload["connection"]["status"] == "ACTIVE"
    assert await Connection.all().count() == 1
    await sync.due()
    assert (await import_state(acme.api, import_id))["status"] == "ACTIVE"


async def test_another_external_account_is_a_new_connection(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    assert (await connect_through_consent(acme.api, browser, client)).status_code == 200
    crm.auth.next_account = "bob@example.com"
    assert (await connect_through_consent(acme.api, browser, client)).status_code == 200
    listed = (await acme.api(CONNECTIONS))["connections"]
    assert [c["externalAccount"] for c in listed] == ["ann@example.com", "bob@example.com"]


async def test_renewing_a_named_connection_with_another_account_is_refused(
        acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    assert (await connect_through_consent(acme.api, browser, client)).status_code == 200
    connection_id = (await acme.api(CONNECTIONS))["connections"][0]["id"]
    crm.auth.next_account = "bob@example.com"

    location = await consent(browser, await start(acme.api, settings={"connectionId": connection_id}))
    page = await callback(client, location)

    assert page.status_code == 400 and "You signed in as bob@example.com" in page.text
    listed = (await acme.api(CONNECTIONS))["connections"]
    assert [c["externalAccount"] for c in listed] == ["ann@example.com"]


async def test_a_connection_of_another_account_cannot_be_named_for_renewal(
        acme: AccountUnderTest, make_account: object, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    assert (await connect_through_consent(acme.api, browser, client)).status_code == 200
    connection_id = (await acme.api(CONNECTIONS))["connections"][0]["id"]
    other = await make_account("Other")  # type: ignore[operator]
    payload = await connect(other.api, {"connectionId": connection_id})
    assert payload["authorizeUrl"] is None
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"


async def test_connecting_a_connected_account_again_keeps_one_connection(acme: AccountUnderTest,
                                                                        crm: ExampleCrm) -> None:
    """(A CSV feed, without credentials, gets a connection per connect: tests/autoimports.)"""
    tokens = crm.auth.issue_tokens("ann@example.com")
    first = await connect(acme.api, {**tokens, "expires_at": 2_000_000_000}, name="One")
    second = await connect(acme.api, {**tokens, "expires_at": 2_000_000_000}, name="Renamed")
    assert first["connection"]["id"] == second["connection"]["id"]  # the same, renamed
    assert second["connection"]["name"] == "Renamed"
    assert (await Connection.get(id=int(first["connection"]["id"]))).status is ConnectionStatus.ACTIVE
