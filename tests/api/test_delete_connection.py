"""`deleteConnection`: refused while imports use the connection (unless they go too), the
credentials erased from the database and its log, OAuth grants revoked at the service (a failing
revocation never blocks), contacts kept, another account's connection answered as missing."""

from __future__ import annotations

import logging
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.autoimports.models import AutoImport, SyncRun
from app.connections.models import Connection, ExternalAccount
from app.connections.service import decrypt_connection_settings
from app.contacts.models import Contact
from app.web import Services
from tests.api.simulated import (  # noqa: F401
    FEED,
    Simulated,
    browser,
    connect_through_consent,
    connect_with_form,
    no_backoff,
    simulated,
    source,
)
from tests.conftest import AccountUnderTest, Backend, Sync, create_feed_import

DELETE = """mutation($id: ID!, $deleteImports: Boolean) {
  deleteConnection(id: $id, deleteImports: $deleteImports) { deletedId userErrors { field code message } }
}"""


async def delete(acme: AccountUnderTest, connection_id: str, delete_imports: bool | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await acme.api(DELETE, id=connection_id, deleteImports=delete_imports))["deleteConnection"]
    return payload


async def test_a_connection_in_use_is_refused_naming_its_imports_and_nothing_changes(
        acme: AccountUnderTest, simulated: Simulated, services: Services) -> None:
    connection_id = await connect_with_form(acme.api, "csv_feed")
    await create_feed_import(acme.api, connection_id, name="Newsletter")
    await create_feed_import(acme.api, connection_id, name="Clients")
    stored = (await Connection.get(id=int(connection_id))).settings_encrypted

    for flag in (None, False):
        payload = await delete(acme, connection_id, flag)

        assert payload["deletedId"] is None
        assert payload["userErrors"] == [{
            "field": ["id"], "code": "CONFLICT",
            "message": "2 auto-imports use this connection: \u201cNewsletter\u201d, \u201cClients\u201d. Delete them "
                       "first, or delete the connection with deleteImports: true to delete them too (their contacts "
                       "stay)."}]
    row = await Connection.get(id=int(connection_id))
    assert row.settings_encrypted == stored and decrypt_connection_settings(row, services.cipher) == {"url": FEED}
    assert await AutoImport.all().count() == 2 and await ExternalAccount.all().count() == 1


async def test_with_delete_imports_the_imports_go_too_and_the_contacts_stay(
        acme: AccountUnderTest, simulated: Simulated, sync: Sync) -> None:
    connection_id = await connect_with_form(acme.api, "csv_feed")
    await create_feed_import(acme.api, connection_id, name="Newsletter")
    await sync.due()
    assert await Contact.filter(account_id=acme.account.id).count() == 1 and await SyncRun.all().count() == 1

    payload = await delete(acme, connection_id, True)

    assert payload == {"deletedId": connection_id, "userErrors": []}
    assert await Connection.all().count() == 0 and await AutoImport.all().count() == 0
    assert await SyncRun.all().count() == 0 and await ExternalAccount.all().count() == 0
    assert await Contact.filter(account_id=acme.account.id).count() == 1
    assert (await acme.api("{ connections { id } autoImports { id } }")) == {"connections": [], "autoImports": []}


async def test_the_encrypted_credentials_are_in_neither_the_database_file_nor_its_log(
        acme: AccountUnderTest, simulated: Simulated, backend: Backend) -> None:
    connection_id = await connect_with_form(acme.api, "shopify")
    stored = (await Connection.get(id=int(connection_id))).settings_encrypted
    secret = stored.partition(":")[2].encode()
    assert len(secret) > 40

    assert (await delete(acme, connection_id))["deletedId"] == connection_id

    assert await Connection.filter(id=int(connection_id)).count() == 0
    if backend.database_url.startswith("sqlite://"):
        database = Path(backend.database_url.removeprefix("sqlite://"))
        for path in (database, database.with_name(database.name + "-wal")):
            content = _bytes_read_elsewhere(path)
            assert secret not in content and secret[:24] not in content, path


def _bytes_read_elsewhere(path: Path) -> bytes:
    """A file's bytes read by another process: closing a descriptor of the SQLite file in this
    one would drop this process's SQLite locks on it (POSIX locks are per process)."""
    if not path.exists():
        return b""
    return subprocess.run(["cat", str(path)], capture_output=True, check=True, timeout=30).stdout


async def test_google_tokens_are_revoked_at_google(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        services: Services) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, "google_contacts")
    tokens = decrypt_connection_settings(await Connection.get(id=int(connection_id)), services.cipher)

    assert (await delete(acme, connection_id))["deletedId"] == connection_id

    assert simulated.google.oauth.revoked == [tokens["refresh_token"]]
    assert tokens["refresh_token"] not in simulated.google.oauth.live_refresh_tokens
    assert simulated.google.oauth.account_for(tokens["access_token"]) is None


async def test_hubspot_oauth_tokens_are_revoked_and_a_private_app_token_is_only_forgotten(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        services: Services) -> None:
    private = await connect_with_form(acme.api, "hubspot")
    assert (await delete(acme, private))["deletedId"] == private
    assert simulated.hubspot.oauth.revoked == []

    connection_id = await connect_through_consent(acme.api, browser, client, "hubspot")
    tokens = decrypt_connection_settings(await Connection.get(id=int(connection_id)), services.cipher)

    assert (await delete(acme, connection_id))["deletedId"] == connection_id

    assert simulated.hubspot.oauth.revoked == [tokens["refresh_token"]]
    assert ("POST", "/oauth/2026-03/token/revoke", "", {"token": "***", "token_type_hint": "refresh_token",
                                                        "client_id": "hubspot-client-id", "client_secret": "***"}) \
        in simulated.hubspot.requests


async def test_salesforce_grants_are_revoked_at_the_org_and_mailchimp_connections_only_forgotten(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        services: Services) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, "salesforce")
    tokens = decrypt_connection_settings(await Connection.get(id=int(connection_id)), services.cipher)

    assert (await delete(acme, connection_id))["deletedId"] == connection_id

    assert simulated.salesforce.oauth.revoked == [tokens["refresh_token"]]
    assert simulated.salesforce.oauth.account_for(tokens["access_token"]) is None
    mailchimp = await connect_with_form(acme.api, "mailchimp")  # Mailchimp has no revocation endpoint
    calls = len(simulated.mailchimp.requests)
    assert (await delete(acme, mailchimp))["deletedId"] == mailchimp
    assert len(simulated.mailchimp.requests) == calls and await Connection.all().count() == 0


@pytest.mark.usefixtures("no_backoff")
async def test_a_failing_revocation_is_logged_without_the_token_and_does_not_block(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        services: Services, caplog: pytest.LogCaptureFixture) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, "google_contacts")
    tokens = decrypt_connection_settings(await Connection.get(id=int(connection_id)), services.cipher)
    simulated.google.oauth.fail_revocations_next(503, times=5)

    with caplog.at_level(logging.WARNING, logger="app.connections"):
        payload = await delete(acme, connection_id)

    assert payload == {"deletedId": connection_id, "userErrors": []}
    assert await Connection.all().count() == 0
    [record] = [r for r in caplog.records if r.name == "app.connections"]
    assert record.levelno == logging.WARNING and "Could not revoke" in record.getMessage()
    assert all(token not in caplog.text for token in (tokens["refresh_token"], tokens["access_token"]))


async def test_the_external_account_stays_while_another_connection_uses_it(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    first = await connect_with_form(acme.api, "csv_feed")
    second = await connect_with_form(acme.api, "csv_feed")
    import_id = await create_feed_import(acme.api, second)

    assert (await delete(acme, first))["deletedId"] == first

    assert await ExternalAccount.all().count() == 1
    assert (await AutoImport.get(id=int(import_id))).external_account_id == (await ExternalAccount.first()).id  # type: ignore[union-attr]


async def test_an_external_account_under_a_sync_lease_is_kept(acme: AccountUnderTest, simulated: Simulated) -> None:
    connection_id = await connect_with_form(acme.api, "csv_feed")
    await ExternalAccount.all().update(lease_owner="worker-1",
                                       lease_until=datetime.now(timezone.utc) + timedelta(seconds=60))

    assert (await delete(acme, connection_id))["deletedId"] == connection_id

    assert await Connection.all().count() == 0 and await ExternalAccount.all().count() == 1
    again = await connect_with_form(acme.api, "csv_feed")  # reuses the row, and its lease
    assert (await Connection.get(id=int(again))).external_account_id == (await ExternalAccount.first()).id  # type: ignore[union-attr]


async def test_another_accounts_connection_is_not_found_and_untouched(
        acme: AccountUnderTest, make_account: Any, simulated: Simulated) -> None:
    connection_id = await connect_with_form(acme.api, "csv_feed")
    other = await make_account("Other")

    for given in (connection_id, "999999", "abc"):
        payload = (await other.api(DELETE, id=given, deleteImports=True))["deleteConnection"]
        assert payload["deletedId"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert await Connection.filter(id=int(connection_id)).count() == 1
