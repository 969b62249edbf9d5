"""Deleting a connection (`deleteConnection`): its imports, its credentials, its grant at the service.

What a deletion does, in this order:
1. While auto-imports use the connection, it is refused with `Conflict` naming them, and nothing
   changes, unless `delete_imports` is set: then they are deleted with it (their history, cursors
   and skips go with them). The contacts they brought always stay.
2. In one transaction: the stored (encrypted) settings are overwritten, then the row deleted;
   the external account's row goes too when this was its last connection and no sync holds its
   lease (a sync under way keeps it until a later deletion or reconnect reuses it: it is only a
   name and a lease, and it is never synced without imports). The sync budget and the lease are
   per external account, so the connections that remain keep theirs unchanged.
3. On SQLite the freed space was zeroed (`secure_delete`, see `app.db`) and the write-ahead
   log is checkpointed and truncated, so the encrypted credentials are in neither the database
   file nor its `-wal`. (On PostgreSQL the overwritten row versions are reclaimed by VACUUM.)
4. After the commit, OAuth tokens are revoked at the service where it has a revocation endpoint
   (`CredentialRevoker`), unless another connection of the account still uses them (connections
   to one external account share their credentials). A revocation that fails never undoes or
   blocks the deletion: it is logged at WARNING, without the token.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, cast

from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.autoimports.models import AutoImport
from app.autoimports.repository import AutoImportRepository
from app.connections.choices import ChoiceCache
from app.connections.models import Connection
from app.connections.repository import ConnectionRepository
from app.connections.service import decrypt_connection_settings, get_connection
from app.connectors.base import CredentialRevoker, SourceContext
from app.connectors.registry import get_connector
from app.errors import Conflict, NotFound, SourceError
from app.security import SettingsCipher

log = logging.getLogger("app.connections")
NAMES_SHOWN = 5


async def delete_connection(account_id: int, connection_id: int, delete_imports: bool, cipher: SettingsCipher,
                            source: SourceContext, cache: ChoiceCache | None = None) -> int:
    """Deletes the connection as the module says; returns its id. Raises `NotFound` (another
    account's connection too) or `Conflict` (imports use it); then nothing changed."""
    try:
        connection = await get_connection(account_id, connection_id)
    except NotFound as exc:
        raise NotFound(exc.message, ["id"]) from None
    own_imports = AutoImportRepository(account_id).imports()
    own = ConnectionRepository(account_id)
    imports = await own_imports.filter(connection_id=connection.id).order_by("id")
    if imports and not delete_imports:
        raise Conflict(_in_use_message(imports), ["id"])
    settings = _settings_or_none(connection, cipher)
    async with in_transaction():
        await own_imports.filter(id__in=[i.id for i in imports]).delete()
        await own.connections().filter(id=connection.id).update(settings_encrypted="")
        await own.connections().filter(id=connection.id).delete()
        shared = await own.connections().filter(external_account_id=connection.external_account_id).exists()
        if not shared:
            await _drop_external_account(own, connection.external_account_id)
    await _flush_sqlite_log()
    if cache is not None:
        cache.forget_connection(connection.id)
    if settings and not shared:
        await _revoke(connection, settings, source)
    return connection.id


def _in_use_message(imports: list[AutoImport]) -> str:
    names = ", ".join(f"\u201c{i.name}\u201d" for i in imports[:NAMES_SHOWN])
    more = f" and {len(imports) - NAMES_SHOWN} more" if len(imports) > NAMES_SHOWN else ""
    count = "1 auto-import uses" if len(imports) == 1 else f"{len(imports)} auto-imports use"
    return (f"{count} this connection: {names}{more}. Delete them first, or delete the connection with "
            "deleteImports: true to delete them too (their contacts stay).")


def _settings_or_none(connection: Connection, cipher: SettingsCipher) -> dict[str, Any] | None:
    try:
        return decrypt_connection_settings(connection, cipher)
    except ValueError:  # written under another key or tampered with: nothing to revoke with it
        return None


async def _drop_external_account(own: ConnectionRepository, external_account_id: int) -> None:
    now = datetime.now(timezone.utc)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    await own.external_accounts().filter(Q(id=external_account_id) & free).delete()


async def _flush_sqlite_log() -> None:
    """Copies the write-ahead log into the (zeroed) database file and truncates it."""
    client = connections.get("default")
    if client.capabilities.dialect == "sqlite":
        await client.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")


async def _revoke(connection: Connection, settings: dict[str, Any], source: SourceContext) -> None:
    connector = get_connector(connection.service_id)
    if not hasattr(connector, "revoke_credentials"):
        return
    try:
        await cast(CredentialRevoker, connector).revoke_credentials(settings, source)
    except SourceError as exc:
        log.warning("Could not revoke the credentials of deleted connection %s (%s): %s",
                    connection.id, connection.service_id, exc)
