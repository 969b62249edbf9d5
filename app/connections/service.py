"""Connecting external accounts: settings checked against the service, stored encrypted."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from app.connections.models import Connection, ConnectionStatus, ExternalAccount
from app.connectors.base import SourceContext
from app.connectors.registry import get_connector
from app.errors import Invalid, NotFound
from app.security import SettingsCipher


def _bound_to(connection: Connection) -> str:
    return f"connection:{connection.id}:account:{connection.account_id}"


def decrypt_connection_settings(connection: Connection, cipher: SettingsCipher) -> dict[str, Any]:
    return cipher.decrypt(connection.settings_encrypted, _bound_to(connection))


async def save_connection_settings(connection: Connection, cipher: SettingsCipher, settings: dict[str, Any]) -> None:
    """Stores new settings (a refreshed or rotated token) at once, in their own transaction, so a
    rotated refresh token is never lost even if the sync fails right after."""
    connection.settings_encrypted = cipher.encrypt(settings, _bound_to(connection))
    await Connection.filter(id=connection.id).update(settings_encrypted=connection.settings_encrypted)


async def connect_service(
    account_id: int,
    service_id: str,
    name: str | None,
    settings: Any,
    cipher: SettingsCipher,
    source: SourceContext,
) -> Connection:
    """Checks the settings with the service, then stores the connection (settings encrypted).

    Connections naming the same external account share its row, and so one sync budget.
    Raises `Invalid` when the service refuses the settings; then nothing is stored.
    """
    if not isinstance(settings, dict):
        raise Invalid("Settings must be a JSON object.", ["settings"])
    connector = get_connector(service_id)
    connected = await connector.connect(settings, source)
    name = (name or "").strip() or connected.external_account
    if len(name) > 200:
        raise Invalid("The name is longer than 200 characters.", ["name"])
    async with in_transaction():
        external, _ = await ExternalAccount.get_or_create(
            account_id=account_id, service_id=service_id, name=connected.external_account[:500]
        )
        connection = await Connection.create(
            account_id=account_id,
            external_account=external,
            service_id=service_id,
            name=name,
            settings_encrypted="",
        )
        connection.settings_encrypted = cipher.encrypt(connected.settings, _bound_to(connection))
        await connection.save(update_fields=["settings_encrypted"])
    return connection


async def list_connections(account_id: int, service_id: str | None = None) -> list[Connection]:
    query = Connection.filter(account_id=account_id).select_related("external_account").order_by("id")
    if service_id:
        query = query.filter(service_id=service_id)
    return await query


async def get_connection(account_id: int, connection_id: int) -> Connection:
    connection = await Connection.get_or_none(id=connection_id, account_id=account_id).select_related(
        "external_account"
    )
    if connection is None:
        raise NotFound("There is no such connection.", ["connectionId"])
    return connection


def needs_reauth(connection: Connection) -> bool:
    return connection.status is ConnectionStatus.NEEDS_REAUTH
