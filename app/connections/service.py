"""Connecting external accounts: settings checked against the service, stored encrypted."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from tortoise.transactions import in_transaction

from app.autoimports.repository import AutoImportRepository
from app.connections.models import Connection, ConnectionStatus, ExternalAccount
from app.connections.repository import ConnectionRepository
from app.connections.settings_check import RECONNECT_KEY, checked_settings
from app.connectors.base import AuthKind, ConnectedAccount, SourceContext
from app.connectors.registry import get_connector
from app.errors import Invalid, NotFound
from app.security import SettingsCipher
from app.sync.schedule import SyncQueue, enqueue_now
from app.text import clean_text


def _bound_to(connection: Connection) -> str:
    return f"connection:{connection.id}:account:{connection.account_id}"


def decrypt_connection_settings(connection: Connection, cipher: SettingsCipher) -> dict[str, Any]:
    return cipher.decrypt(connection.settings_encrypted, _bound_to(connection))


async def save_connection_settings(connection: Connection, cipher: SettingsCipher, settings: dict[str, Any]) -> None:
    """Stores new settings (a refreshed or rotated token) at once, in their own transaction, so a
    rotated refresh token is never lost even if the sync fails right after."""
    connection.settings_encrypted = cipher.encrypt(settings, _bound_to(connection))
    own = ConnectionRepository(connection.account_id).connections()
    await own.filter(id=connection.id).update(settings_encrypted=connection.settings_encrypted)


async def connect_service(
    account_id: int,
    service_id: str,
    name: str | None,
    settings: Any,
    cipher: SettingsCipher,
    source: SourceContext,
    *,
    queue: SyncQueue | None = None,
) -> Connection:
    """Checks the settings with the service, then stores the connection (settings encrypted).

    Connections naming the same external account share its row, and so one sync budget. For a
    service with credentials, connecting an external account the account already has a
    connection to is a reconnect: that connection gets the new settings (see `store_connection`).
    The settings are checked against the service's spec first (`settings_check`: every problem
    at once, before any request). Raises `Invalid` when they are wrong or the service refuses
    them; then nothing is stored.
    """
    connector = get_connector(service_id)
    settings = checked_settings(connector.description, settings)
    settings.pop(RECONNECT_KEY, None)  # only the consent path renews a chosen connection
    connected = await connector.connect(settings, source)
    return await store_connection(account_id, service_id, name, connected, cipher, queue=queue)


async def store_connection(
    account_id: int,
    service_id: str,
    name: str | None,
    connected: ConnectedAccount,
    cipher: SettingsCipher,
    *,
    reconnect_id: int | None = None,
    queue: SyncQueue | None = None,
) -> Connection:
    """Stores checked settings: a new connection, or a reconnect of existing ones.

    For a service with credentials (API key, OAuth), the account's connections to the same
    external account all get the new settings and become ACTIVE again; the one returned is
    `reconnect_id` when given (it must be a connection to that external account, else `Invalid`)
    or the oldest. Their imports that waited for re-authorisation are due at once. A service
    without credentials (a CSV feed) always gets a new connection: two named views of one feed
    are legitimate.
    """
    connected = replace(connected, external_account=clean_text(connected.external_account))  # a source's text
    name = (name or "").strip() or None
    if name is not None and len(name) > 200:
        raise Invalid("The name is longer than 200 characters.", ["name"])
    reconnectable = get_connector(service_id).description.auth is not AuthKind.NONE
    async with in_transaction():
        external, _ = await ExternalAccount.get_or_create(
            account_id=account_id, service_id=service_id, name=connected.external_account[:500]
        )
        existing = await ConnectionRepository(account_id).connections().filter(
            external_account_id=external.id).order_by("id")
        if reconnect_id is not None:
            _check_reconnect_target(reconnect_id, existing, connected.external_account)
        if reconnectable and existing:
            chosen = next((c for c in existing if c.id == reconnect_id), existing[0])
            revived = await _renew(existing, chosen, name, connected, cipher)
        else:
            chosen, revived = await _create(account_id, service_id, external, name, connected, cipher), False
    if revived:
        await enqueue_now(queue, external.id, datetime.now(timezone.utc))
    return chosen


def _check_reconnect_target(reconnect_id: int, existing: list[Connection], external_account: str) -> None:
    if not any(c.id == reconnect_id for c in existing):
        raise Invalid(f"You signed in as {external_account}, but the connection to renew belongs to another "
                      "account of the service. Sign in with that account, or connect this one as a new connection.",
                      ["connectionId"])


async def _create(account_id: int, service_id: str, external: ExternalAccount, name: str | None,
                  connected: ConnectedAccount, cipher: SettingsCipher) -> Connection:
    connection = await Connection.create(account_id=account_id, external_account=external, service_id=service_id,
                                         name=name or connected.external_account[:200], settings_encrypted="")
    connection.settings_encrypted = cipher.encrypt(connected.settings, _bound_to(connection))
    await connection.save(update_fields=["settings_encrypted"])
    return connection


async def _renew(existing: list[Connection], chosen: Connection, name: str | None, connected: ConnectedAccount,
                 cipher: SettingsCipher) -> bool:
    """New settings for every connection to the external account; True when one needed them
    to sync again (its imports are then made due now)."""
    revived = [c.id for c in existing if c.status is ConnectionStatus.NEEDS_REAUTH]
    imports = AutoImportRepository(chosen.account_id).imports()
    for connection in existing:
        connection.settings_encrypted = cipher.encrypt(connected.settings, _bound_to(connection))
        connection.status = ConnectionStatus.ACTIVE
        if connection is chosen and name is not None:
            connection.name = name
        await connection.save(update_fields=["settings_encrypted", "status", "name"])
    if revived:
        await imports.filter(connection_id__in=revived, paused=False).update(next_sync_at=datetime.now(timezone.utc))
    return bool(revived)


async def list_connections(account_id: int, service_id: str | None = None) -> list[Connection]:
    query = ConnectionRepository(account_id).connections().select_related("external_account").order_by("id")
    if service_id:
        query = query.filter(service_id=service_id)
    return await query


async def get_connection(account_id: int, connection_id: int) -> Connection:
    connection = await ConnectionRepository(account_id).connections().get_or_none(id=connection_id).select_related(
        "external_account"
    )
    if connection is None:
        raise NotFound("There is no such connection.", ["connectionId"])
    return connection


def needs_reauth(connection: Connection) -> bool:
    return connection.status is ConnectionStatus.NEEDS_REAUTH
